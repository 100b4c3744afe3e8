namespace Ledger.Fuzz.Evidence;

/// <summary>
/// Mismatches already found, reported and not yet fixed (each a real bug in one verifier), recognised
/// by their shape so a run keeps counting them apart and still stops on anything new. Each has a
/// minimal repro under tests/Ledger.Fuzz.Tests/EvidenceDiff/ whose test asserts it still diverges: when
/// the bug is fixed that test fails, and the entry goes.
/// </summary>
public static class KnownDivergences
{
    /// <summary>One known divergence: an id (the repro file's name), which verifier is wrong, and how to recognise it.</summary>
    public sealed record Divergence(string Id, string WrongSide, string Description, Func<VerifierOutcome, VerifierOutcome, bool> Matches);

    public static IReadOnlyList<Divergence> All { get; } =
    [
        new(
            "js-unknown-field-number-overflow",
            "JS",
            "web/verifier/evidence/protobuf-messages.js writeUnknown (and writeBytesField) writes an unknown field's tag as writeVarint((number << 3) | wireType) without >>> 0: "
            + "for a field number of 2^28 or more the shift overflows int32, the tag becomes a 10-byte sign-extended varint instead of C#'s 5 bytes, so parseTransaction's "
            + "re-encoding differs and the JS refuses as 'not the canonical encoding of a SignedTransaction' a bundle C# reads (and, with the hashed fields intact, finds VALID). "
            + "Fix: ((number << 3) | wireType) >>> 0, as web/verifier/protobuf/wire-writer.js writeTag does.",
            (csharp, js) => !csharp.Malformed && csharp.Error is null && js.Malformed && js.MalformedMessage?.Contains("is not the canonical encoding of a SignedTransaction", StringComparison.Ordinal) == true),
    ];

    public static Divergence? Find(VerifierOutcome csharp, VerifierOutcome js) => All.FirstOrDefault(known => known.Matches(csharp, js));
}

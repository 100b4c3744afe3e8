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
            "csharp-parse-invalid-utf8",
            "C#",
            "EvidenceBundleJson.Parse throws InvalidOperationException ('Cannot transcode invalid UTF-8 JSON text to UTF-16 string.', or 'Cannot read invalid UTF-16 JSON text "
            + "as string. Invalid surrogate value') instead of EvidenceFormatException when a JSON string or member name holds invalid UTF-8 or a lone surrogate escape "
            + "(\\udc00): JsonDocument.Parse does not validate string contents, JsonElement.GetString and property names throw later (JsonFields.String, "
            + "EvidenceBundleJson.ReadVersion's format.GetString()): the CLI exits 'internal error' instead of 6 (malformed); the JS reader refuses the file as malformed.",
            (csharp, js) => csharp.Error?.StartsWith("EvidenceBundleJson.Parse threw InvalidOperationException: Cannot ", StringComparison.Ordinal) == true && js.Malformed),
        new(
            "js-unknown-field-number-overflow",
            "JS",
            "web/verifier/evidence/protobuf-messages.js writeUnknown (and writeBytesField) writes an unknown field's tag as writeVarint((number << 3) | wireType) without >>> 0: "
            + "for a field number of 2^28 or more the shift overflows int32, the tag becomes a 10-byte sign-extended varint instead of C#'s 5 bytes, so parseTransaction's "
            + "re-encoding differs and the JS refuses as 'not the canonical encoding of a SignedTransaction' a bundle C# reads (and, with the hashed fields intact, finds VALID). "
            + "Fix: ((number << 3) | wireType) >>> 0, as web/verifier/protobuf/wire-writer.js writeTag does.",
            (csharp, js) => !csharp.Malformed && csharp.Error is null && js.Malformed && js.MalformedMessage?.Contains("is not the canonical encoding of a SignedTransaction", StringComparison.Ordinal) == true),
        new(
            "csharp-report-timestamp-out-of-range",
            "C# (the JS port mirrors it on purpose)",
            "A bundle that parses but whose certified header (or prior registration's header) has a timestampUnixMs outside DateTimeOffset's range (after 9999-12-31 or before year 1) "
            + "makes EvidenceReport.FormatUtc throw ArgumentOutOfRangeException while the CLI prints the report (EvidenceCommands.ToJson 'blockTimestampUtc' / WriteText 'When:'): "
            + "ledger evidence verify ends in 'internal error' instead of an INVALID report (the header's certification fails anyway); web/verifier returns {error} with the same message.",
            (csharp, js) => csharp.Error?.Contains("ArgumentOutOfRangeException", StringComparison.Ordinal) == true && csharp.Error.Contains("'milliseconds'", StringComparison.Ordinal)
                && js.Error?.Contains("ArgumentOutOfRangeException", StringComparison.Ordinal) == true),
    ];

    public static Divergence? Find(VerifierOutcome csharp, VerifierOutcome js) => All.FirstOrDefault(known => known.Matches(csharp, js));
}

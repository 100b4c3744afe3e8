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

    // Empty: the one recorded divergence (js-unknown-field-number-overflow) is fixed; its repro is
    // tests/Ledger.Fuzz.Tests/EvidenceDiff/fixed-*.case.json, where both verifiers must now agree.
    public static IReadOnlyList<Divergence> All { get; } = [];

    public static Divergence? Find(VerifierOutcome csharp, VerifierOutcome js) => All.FirstOrDefault(known => known.Matches(csharp, js));
}

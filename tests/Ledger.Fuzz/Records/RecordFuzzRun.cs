using System.Globalization;

namespace Ledger.Fuzz.Records;

/// <summary>What a records fuzz run saw: outcome counts per target ("record", "hashes") and every finding.</summary>
public sealed record RecordFuzzSummary(long Cases, IReadOnlyDictionary<string, long> Counts, IReadOnlyList<string> Findings)
{
    public long Count(string target, string kind) => Counts.TryGetValue($"{target}.{kind}", out var count) ? count : 0;

    public string ClosingLine => string.Create(CultureInfo.InvariantCulture,
        $"fuzz_cases={Cases} record_findings={Count("record", "finding")} hashes_findings={Count("hashes", "finding")}");
}

/// <summary>How one case ended: read back or accepted, refused with a bounded error, or a broken property (a finding).</summary>
public sealed record RecordFuzzOutcome(string Kind, string Detail)
{
    /// <summary>A refusal (a corruption report, a bound violation) is one line of at most this many characters.</summary>
    public const int MessageCharsMax = 1024;

    public static RecordFuzzOutcome Accepted(string detail) => new("accepted", detail);

    public static RecordFuzzOutcome Refused(string message) => message.Length <= MessageCharsMax && !message.Contains('\n', StringComparison.Ordinal)
        ? new("refused", message)
        : Finding($"refusal is not one bounded line ({message.Length} chars): {message[..Math.Min(message.Length, 200)]}");

    public static RecordFuzzOutcome Finding(string detail) => new("finding", detail);

    public bool IsFinding => Kind == "finding";
}

/// <summary>
/// The records fuzzer: the per-transaction block record (Ledger.Storage TransactionRecord, format 7:
/// key 'C' | height | position, value CRC-32C | tx length | tx | result; see <see cref="TransactionRecordFuzz"/>)
/// and the dual content-hash fields of registrations and batch items under each suite
/// (<see cref="ContentHashFieldFuzz"/>). Case i of a seed is reproducible from (seed, target, i) alone,
/// in any process: its random source is derived with SplitMix64, not the process-randomized HashCode.
/// </summary>
public static class RecordFuzzRun
{
    public static RecordFuzzSummary Execute(long recordCases, long hashCases, long seed, TextWriter? log = null)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var findings = new List<string>();
        for (var i = 0; i < recordCases; i++)
        {
            Record("record", i, Guard(() => TransactionRecordFuzz.Check(CaseRandom(seed, 1, i))));
        }

        for (var i = 0; i < hashCases; i++)
        {
            Record("hashes", i, Guard(() => ContentHashFieldFuzz.Check(CaseRandom(seed, 2, i))));
        }

        return new RecordFuzzSummary(recordCases + hashCases, counts, findings);

        void Record(string target, long index, RecordFuzzOutcome outcome)
        {
            var key = $"{target}.{outcome.Kind}";
            counts[key] = counts.GetValueOrDefault(key) + 1;
            if (outcome.IsFinding)
            {
                var finding = $"FINDING seed={seed} target={target} case={index}: {outcome.Detail}";
                findings.Add(finding);
                log?.WriteLine(finding);
            }
        }
    }

    /// <summary>The random source of case <paramref name="index"/> of <paramref name="target"/> under <paramref name="seed"/>, the same in every process.</summary>
    public static Random CaseRandom(long seed, int target, long index) => new(CaseSeed(seed, target, index));

    /// <summary>The seed of <see cref="CaseRandom"/>: SplitMix64 over (seed, target, index), folded to 32 bits.</summary>
    public static int CaseSeed(long seed, int target, long index)
    {
        var mixed = SplitMix64(SplitMix64(SplitMix64((ulong)seed) ^ (ulong)target) ^ (ulong)index);
        return unchecked((int)(uint)(mixed ^ (mixed >> 32)));
    }

    private static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>Any exception a check lets escape is a finding in itself (the code under test threw what it must not).</summary>
    private static RecordFuzzOutcome Guard(Func<RecordFuzzOutcome> check)
    {
        try
        {
            return check();
        }
        catch (Exception exception)
        {
            return RecordFuzzOutcome.Finding($"{exception.GetType().Name} escaped: {exception.Message}");
        }
    }
}

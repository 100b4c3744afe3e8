using System.Globalization;

namespace Ledger.Fuzz.Batches;

/// <summary>What a batch-input fuzz run saw: outcome counts per target (csv, directory, journal) and every finding.</summary>
public sealed record BatchInputFuzzSummary(long Cases, IReadOnlyDictionary<string, long> Counts, IReadOnlyList<string> Findings)
{
    public long Count(string target, string kind) => Counts.TryGetValue($"{target}.{kind}", out var count) ? count : 0;

    public string ClosingLine => string.Create(CultureInfo.InvariantCulture,
        $"fuzz_cases={Cases} csv_findings={Count("csv", "finding")} directory_findings={Count("directory", "finding")} journal_findings={Count("journal", "finding")}");
}

/// <summary>
/// The batch-input fuzzer: <c>ledger batch-register</c>'s CSV and directory manifest readers and its
/// journal on resume (see <see cref="CsvManifestFuzz"/>, <see cref="DirectoryManifestFuzz"/>, <see cref="JournalFuzz"/>).
/// Case i of a seed is reproducible from (seed, target, i); a finding names them.
/// </summary>
public static class BatchInputFuzzRun
{
    /// <param name="checkNamedPipe">Also put a named pipe in a manifest directory (the reader must refuse it as not a regular file, not wait for a writer; see <see cref="DirectoryManifestFuzz.CheckNamedPipe"/>).</param>
    /// <param name="trace">Every case's outcome, one line each (a replay of the same seed writes the same lines).</param>
    public static BatchInputFuzzSummary Execute(long csvCases, long directoryCases, long journalCases, long seed, TextWriter? log = null, bool checkNamedPipe = false, TextWriter? trace = null)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var findings = new List<string>();
        var scratch = Directory.CreateTempSubdirectory("ledger-fuzz-batch-input-").FullName;
        try
        {
            for (var i = 0; i < csvCases; i++)
            {
                var random = CaseRandom(seed, 1, i);
                var seedFile = CsvManifestFuzz.Seeds[random.Next(CsvManifestFuzz.Seeds.Count)];
                var input = random.Next(10) == 0 ? seedFile : ByteMutations.Mutate(seedFile, random, out _);
                Record("csv", i, CsvManifestFuzz.Check(input, random, scratch));
            }

            for (var i = 0; i < directoryCases; i++)
            {
                var caseDirectory = Path.Combine(scratch, "dir-" + i.ToString(CultureInfo.InvariantCulture));
                Directory.CreateDirectory(caseDirectory);
                try
                {
                    Record("directory", i, DirectoryManifestFuzz.Check(CaseRandom(seed, 2, i), caseDirectory));
                }
                finally
                {
                    Directory.Delete(caseDirectory, recursive: true);
                }
            }

            if (checkNamedPipe)
            {
                Record("directory", -1, DirectoryManifestFuzz.CheckNamedPipe(scratch, TimeSpan.FromSeconds(5)));
            }

            if (journalCases > 0)
            {
                using var journal = new JournalFuzz(seed);
                Record("journal", -1, journal.CheckUndamaged());
                for (var i = 0; i < journalCases; i++)
                {
                    Record("journal", i, journal.Check(CaseRandom(seed, 3, i), i));
                }
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        return new BatchInputFuzzSummary(csvCases + directoryCases + journalCases, counts, findings);

        void Record(string target, long index, FuzzOutcome outcome)
        {
            trace?.WriteLine($"{target} {index} {outcome.Kind}: {outcome.Detail}");
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

    /// <summary>
    /// The generator of case <paramref name="index"/> of <paramref name="target"/> under <paramref name="seed"/>: the same in
    /// every process (HashCode.Combine, used here before, is seeded per process, so a failing case did not replay).
    /// One derivation for every fuzz target: <see cref="Records.RecordFuzzRun.CaseRandom"/>.
    /// </summary>
    public static Random CaseRandom(long seed, int target, long index) => Records.RecordFuzzRun.CaseRandom(seed, target, index);
}

using Ledger.Core.Crypto;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Node.Submission;
using Ledger.Registry.Applying;

namespace Ledger.Fuzz.Apply;

/// <summary>What a run found: the counts the closing line reports, and the first finding (null when none).</summary>
public sealed record ApplyFuzzSummary(
    long Cases,
    long ApplyExceptions,
    long RootDivergences,
    long DoorRefused,
    long RulesRejected,
    long Accepted,
    long UndecodableEnvelopes,
    string? Finding)
{
    public string ClosingLine => $"fuzz_cases={Cases} apply_exceptions={ApplyExceptions} root_divergences={RootDivergences}";
}

/// <summary>
/// The apply fuzzer. Cases are grouped into blocks; each case goes through the door
/// (<see cref="SubmissionGate.Admit"/>: refusals are expected and counted, any other exception is a
/// finding) and, whatever the door said, into the next block of two independent replicas (the rules
/// must be total for anything that reaches the log by any path). A finding: an exception from the door
/// other than a refusal, from either replica, or a recorded reason beyond its bound (a node would
/// throw encoding the log leaf) counts under apply_exceptions; replicas that disagree on results,
/// writes or state root count under root_divergences. The run stops at the first finding.
/// <para>
/// Deterministic: case i of seed s is generated from (s, i) and the state its epoch built, so a run
/// replays exactly. The chain restarts from genesis every <see cref="EpochCases"/> cases (bounded
/// memory over a million cases); <c>fromCase</c> starts at the epoch that holds it.
/// </para>
/// </summary>
public static class ApplyFuzzRun
{
    public const int EpochCases = 20_000;

    public const int BlockTransactionsMax = 16;

    private const long GenesisTimeUnixMs = 1_800_000_000_000;

    public static ApplyFuzzSummary Execute(long cases, long seed, long fromCase = 0, TextWriter? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cases);
        var counts = new Counts();
        var caseIndex = fromCase / EpochCases * EpochCases;
        string? finding = null;
        while (caseIndex < cases && finding is null)
        {
            var epochEnd = Math.Min(cases, caseIndex + EpochCases);
            finding = RunEpoch(seed, caseIndex, epochEnd, counts, progress);
            caseIndex = epochEnd;
        }

        return new ApplyFuzzSummary(counts.Cases, counts.ApplyExceptions, counts.RootDivergences, counts.DoorRefused, counts.RulesRejected, counts.Accepted, counts.Undecodable, finding);
    }

    private static string? RunEpoch(long seed, long firstCase, long endCase, Counts counts, TextWriter? progress)
    {
        var consortium = new FuzzConsortium(seed, CryptoSuites.P256Sha256);
        var replicas = new ReplicaPair(consortium);
        var door = new SubmissionGate(consortium.Chain, replicas.State, transactionBytesMax: 16 * 1024 * 1024, registryHeight: () => replicas.Height);
        var world = new World(consortium);
        var caseIndex = firstCase;
        while (caseIndex < endCase)
        {
            var blockRandom = new Random(Mix(seed, caseIndex, salt: 1));
            var blockSize = (int)Math.Min(endCase - caseIndex, 1 + blockRandom.Next(BlockTransactionsMax));
            var height = replicas.Height + 1;
            var time = GenesisTimeUnixMs + ((long)height * 1000);
            var block = new List<RegistryTransaction>(blockSize);
            var built = new List<(FuzzCase Case, long Index)>(blockSize);
            for (var i = 0; i < blockSize; i++, caseIndex++)
            {
                counts.Cases++;
                var random = new Random(Mix(seed, caseIndex, salt: 0));
                var fuzzCase = CaseGenerator.Next(random, world, time);
                try
                {
                    door.Admit(fuzzCase.Transaction);
                }
                catch (SubmissionRejectedException)
                {
                    counts.DoorRefused++;
                }
                catch (Exception doorException)
                {
                    counts.ApplyExceptions++;
                    return Report(seed, caseIndex, fuzzCase, $"the door threw instead of refusing: {doorException}");
                }

                var txHash = TransactionHashing.ComputeHash(consortium.Chain.Hash, fuzzCase.Transaction);
                TransactionEnvelope envelope;
                try
                {
                    envelope = TransactionEnvelope.Parser.ParseFrom(fuzzCase.Transaction.Envelope);
                    // The committed bytes, so the rules check the signature themselves (as followers do).
                    block.Add(new RegistryTransaction(txHash, envelope, fuzzCase.Transaction));
                }
                catch (Google.Protobuf.InvalidProtocolBufferException)
                {
                    // As the node records an entry whose envelope does not parse.
                    counts.Undecodable++;
                    block.Add(RegistryTransaction.NotDecodable(txHash, RejectionReason.MalformedTransaction, "envelope is not a valid TransactionEnvelope"));
                }

                built.Add((fuzzCase, caseIndex));
            }

            if (block.Count == 0)
            {
                continue;
            }

            var verdict = replicas.Apply(new Ledger.Registry.Applying.BlockContext(FuzzConsortium.ChainId, height, time), block);
            var last = built[^1];
            if (verdict.Exception is { } exception)
            {
                counts.ApplyExceptions++;
                return Report(seed, last.Index, last.Case, $"applying block {height} (cases {built[0].Index}..{last.Index}) threw: {exception}");
            }

            if (verdict.BoundBreach is { } breach)
            {
                counts.ApplyExceptions++;
                return Report(seed, last.Index, last.Case, $"block {height} (cases {built[0].Index}..{last.Index}): {breach}");
            }

            if (verdict.Divergence is { } divergence)
            {
                counts.RootDivergences++;
                return Report(seed, last.Index, last.Case, $"block {height} (cases {built[0].Index}..{last.Index}): replicas diverged: {divergence}");
            }

            for (var i = 0; i < built.Count; i++)
            {
                var outcome = verdict.Outcomes![i];
                if (outcome.IsOk)
                {
                    counts.Accepted++;
                    world.Record(block[i].Envelope.Type, block[i].TxHash, built[i].Case.Body);
                }
                else
                {
                    counts.RulesRejected++;
                }
            }

            world.AdoptRecordedKeys(replicas.State);
            if (progress is not null && caseIndex / 100_000 != (caseIndex - blockSize) / 100_000)
            {
                progress.WriteLine($"apply fuzz: {caseIndex} cases, door refused {counts.DoorRefused}, rules rejected {counts.RulesRejected}, accepted {counts.Accepted}");
            }
        }

        return null;
    }

    private static string Report(long seed, long caseIndex, FuzzCase fuzzCase, string what) =>
        $"FINDING seed={seed} case={caseIndex} recipe={fuzzCase.Recipe}: {what}{Environment.NewLine}" +
        $"replay: dotnet run -c Release --project tests/Ledger.Fuzz -- apply --seed {seed} --cases {caseIndex + 1} --from-case {caseIndex}{Environment.NewLine}" +
        $"envelope (first {ReportedEnvelopeBytesMax} bytes)={Convert.ToHexString(fuzzCase.Transaction.Envelope.Span[..Math.Min(ReportedEnvelopeBytesMax, fuzzCase.Transaction.Envelope.Length)])}";

    private const int ReportedEnvelopeBytesMax = 256;

    private static int Mix(long seed, long caseIndex, int salt)
    {
        // SplitMix64 over (seed, case, salt): independent streams per case without a shared generator.
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)caseIndex * 0xBF58476D1CE4E5B9UL + (ulong)salt * 0x94D049BB133111EBUL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return unchecked((int)z);
    }

    private sealed class Counts
    {
        public long Cases;
        public long ApplyExceptions;
        public long RootDivergences;
        public long DoorRefused;
        public long RulesRejected;
        public long Accepted;
        public long Undecodable;
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.State;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Batches;

/// <summary>
/// A fixed history of single works and batches whose duplicates meet every kind of prior entry: a
/// single work, an earlier batch, an earlier item of the same batch, an earlier transaction of the
/// same block; by SHA-256 and by SM3; plus a batch that accepts nothing. Its transcript (every
/// outcome with its reason text and references, every state root, and what each content hash is
/// found as) says everything a content-hash index's value can change. Uses only what the
/// registry offered before the compact index value, so the pinned transcripts were taken from the
/// code before it.
/// </summary>
internal static class MixedContentHashHistory
{
    /// <summary>Seeds of every hash the history registers or tries to (and one it never does).</summary>
    public static readonly string[] Seeds = ["w1", "a1", "a2", "x", "b1", "new-y", "fresh", "d1", "e1", "never"];

    /// <param name="afterEachBlock">Called after each block is applied (e.g. to turn the state's entries into another form).</param>
    public static string Run(TestChain chain, Action<TestChain>? afterEachBlock = null)
    {
        var sm = chain.Genesis.Suite == "sm2-sm3";
        var transcript = new StringBuilder();

        // The suite's own hash only (sm2-sm3: SM3; p256-sha256: SHA-256), or both.
        BatchItem Native(string seed, string id) => sm ? Sample.Item(null, id, sm3Seed: seed + "-sm3") : Sample.Item(seed, id);
        BatchItem Both(string seed, string id) => Sample.Item(seed, id, sm3Seed: seed + "-sm3");
        BatchItem Mixed(string sha256Seed, string sm3Seed, string id) => Sample.Item(sha256Seed, id, sm3Seed: sm3Seed);
        RegisterWork Work(string seed, bool both)
        {
            var body = Sample.Work(seed, Sample.External("seller-" + seed));
            body.ContentHash = new ContentHash
            {
                Sha256 = !sm || both ? Sample.Hash(seed) : ByteString.Empty,
                Sm3 = sm || both ? Sample.Hash(seed + "-sm3") : ByteString.Empty,
            };
            return body;
        }

        RegistryTransaction Batch(params BatchItem[] items) => chain.Tx(Platform, TransactionType.BatchRegister, Sample.Batch(Sample.External("brand"), items));
        RegistryTransaction Single(string seed, bool both) => chain.Tx(Platform, TransactionType.RegisterWork, Work(seed, both));

        void Block(params RegistryTransaction[] transactions)
        {
            var block = chain.ApplyBlock(transactions);
            transcript.Append(CultureInfo.InvariantCulture, $"block {chain.Height} root {Convert.ToHexString(block.StateRoot)}\n");
            for (var i = 0; i < block.Outcomes.Count; i++)
            {
                var outcome = block.Outcomes[i];
                transcript.Append(CultureInfo.InvariantCulture, $" tx {Convert.ToHexString(transactions[i].TxHash)} {outcome} ref {Hex(outcome.ReferenceTxHash)} items-root {Hex(outcome.ItemOutcomesRoot)}\n");
                foreach (var rejection in outcome.Batch?.Rejections ?? [])
                {
                    transcript.Append(CultureInfo.InvariantCulture, $"  item {rejection.ItemIndex} {rejection.ReasonCode}: {rejection.Reason} ref {Convert.ToHexString(rejection.ReferenceWorkId.Span)}\n");
                }
            }

            afterEachBlock?.Invoke(chain);
        }

        Block(Single("w1", both: true));
        // Batch A: new, new, a duplicate of the single work, an in-batch duplicate of item 0, and
        // an item whose SM3 (p256: whose second hash) repeats item 1's.
        Block(Batch(Native("a1", "a-0"), Both("a2", "a-1"), Both("w1", "a-2"), Native("a1", "a-3"), Mixed("x", "a2-sm3", "a-4")));
        // Batch B against batch A and the single work, then a single work against batch B in the same block.
        Block(Batch(Native("b1", "b-0"), Native("a2", "b-1"), Mixed("new-y", "w1-sm3", "b-2")), Single("b1", both: false));
        Block(Single("a1", both: false), Single("fresh", both: true));
        // A batch that accepts nothing, then one that accepts its item, in one block.
        Block(Batch(Native("a1", "c-0"), Both("b1", "c-1")), Batch(Native("d1", "d-0")));
        Block(Batch(Native("fresh", "e-0"), Native("e1", "e-1")));

        foreach (var seed in Seeds)
        {
            foreach (var (algorithm, hash) in new[] { (ContentHashAlgorithm.Sha256, Sample.Hash(seed)), (ContentHashAlgorithm.Sm3, Sample.Hash(seed + "-sm3")) })
            {
                var work = chain.Queries.FindByContentHash(algorithm, hash.Span);
                transcript.Append(CultureInfo.InvariantCulture, $"find {algorithm} {seed}: {(work is null ? "none" : $"{Convert.ToHexString(work.WorkId.Span)} {work.ItemId} {work.Title}")}\n");
            }
        }

        return transcript.ToString();
    }

    public static string Digest(string transcript) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(transcript)));

    private static string Hex(byte[]? bytes) => bytes is null ? "-" : Convert.ToHexString(bytes);
}

using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Batches;

/// <summary>
/// The mixed history (<see cref="MixedContentHashHistory"/>) replays to the transcript it had when
/// every content-hash entry held a 36-byte work id: same outcomes, same rejection texts and
/// references, same state roots, same works found. Pinned from the code before the compact
/// batch-item value (commit c96cff0); a change here changes what existing chains record.
/// </summary>
public sealed class ContentHashIndexHistoryPinTests
{
    [TestCase("p256-sha256", PinnedP256)]
    [TestCase("sm2-sm3", PinnedSm)]
    public void MixedHistory_ReplaysToTheTranscriptOfTheWorkIdForm(string suite, string pinned)
    {
        var chain = new TestChain(DefaultGenesis(suite: suite));

        var transcript = MixedContentHashHistory.Run(chain);

        Assert.That(MixedContentHashHistory.Digest(transcript), Is.EqualTo(pinned), transcript);
        Assert.That(chain.RecomputedRoot(), Is.EqualTo(chain.LastBlock!.StateRoot));
    }

    [TestCase("p256-sha256")]
    [TestCase("sm2-sm3")]
    public void MixedHistory_RejectionsNameThePriorWorkId_AsTheWorkIdFormDid(string suite)
    {
        var chain = new TestChain(DefaultGenesis(suite: suite));

        var transcript = MixedContentHashHistory.Run(chain);

        // Blocks 1..6 hold transactions "tx/1".."tx/9" in order (TestChain's hashes): w1 is tx 1 item 0, batch A is tx 2.
        var w1 = Sample.WorkIdOf(TxHashOf(1)).ToByteArray();
        var a1 = Sample.WorkIdOf(TxHashOf(2), 0).ToByteArray();
        var a2 = Sample.WorkIdOf(TxHashOf(2), 1).ToByteArray();
        var b1 = Sample.WorkIdOf(TxHashOf(3), 0).ToByteArray();
        Assert.That(transcript, Does.Contain($"  item 2 DuplicateContentHash: content already registered as work {Convert.ToHexString(w1)} ref {Convert.ToHexString(w1)}"));
        Assert.That(transcript, Does.Contain($"  item 3 DuplicateContentHash: {(suite == "sm2-sm3" ? "sm3 " : "")}content already registered as work {Convert.ToHexString(a1)} ref {Convert.ToHexString(a1)}"));
        Assert.That(transcript, Does.Contain($"  item 4 DuplicateContentHash: sm3 content already registered as work {Convert.ToHexString(a2)} ref {Convert.ToHexString(a2)}"));
        var name = suite == "sm2-sm3" ? "sm3" : "sha256";
        Assert.That(transcript, Does.Contain($"Rejected DuplicateContentHash: {name} content hash already registered as work {Convert.ToHexString(b1)} ref {Convert.ToHexString(TxHashOf(3))}"), "a single work against a batch item of an earlier transaction of its block");
        Assert.That(transcript, Does.Contain($"Rejected DuplicateContentHash: {name} content hash already registered as work {Convert.ToHexString(a1)} ref {Convert.ToHexString(TxHashOf(2))}"), "a single work against a batch item of an earlier block");
    }

    private static byte[] TxHashOf(int number) => System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"tx/{number}"));

    // Taken on commit c96cff0 (36-byte work ids in every entry).
    private const string PinnedP256 = "12EEE79B5C0988E703C0EFFB71A8685688FB04B61C5DA8AD797E455B7D2ECAF9";
    private const string PinnedSm = "976E75B081D1604E05D2A2290F13ADEAE1C6D8B148F9CE2C6C0397925BA1F7FF";
}

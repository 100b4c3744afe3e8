using Google.Protobuf;
using Ledger.Client.Verification;
using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;

namespace Ledger.Client.Tests.Verification;

public sealed class LogStateTrackerTests
{
    private static readonly MerkleHasher Hasher = new(Sha256HashAlgorithm.Instance);

    private static MemoryMerkleTree Tree(int leaves, string salt = "")
    {
        var tree = new MemoryMerkleTree(Hasher, 64);
        for (var i = 0; i < leaves; i++)
        {
            tree.AppendLeaf(System.Text.Encoding.UTF8.GetBytes($"leaf {i}{salt}"));
        }

        return tree;
    }

    /// <summary>The tracker takes only quorum certificates; these tests are about the log, so the attestations are taken as checked.</summary>
    private static QuorumCertificate Header(MemoryMerkleTree tree, ulong size, ulong height) =>
        new(new CertifiedHeader { Header = new BlockHeader { Height = height, LogSize = size, LogRoot = ByteString.CopyFrom(tree.ComputeRoot(size)) } }, ["node-1", "node-2"]);

    private static Func<ulong, ulong, CancellationToken, Task<ConsistencyProof>> ProofsFrom(MemoryMerkleTree tree) => (first, second, _) =>
    {
        var proof = new ConsistencyProof { FirstSize = first, SecondSize = second };
        proof.Path.AddRange(tree.BuildConsistencyProof(first, second).Select(ByteString.CopyFrom));
        return Task.FromResult(proof);
    };

    [Test]
    public async Task ObserveAsync_ExtendingHeader_AdvancesTrustedState()
    {
        var tree = Tree(20);
        var tracker = new LogStateTracker(Sha256HashAlgorithm.Instance);
        await tracker.ObserveAsync(Header(tree, 7, 2), ProofsFrom(tree), CancellationToken.None);

        await tracker.ObserveAsync(Header(tree, 20, 5), ProofsFrom(tree), CancellationToken.None);

        Assert.That(tracker.Trusted!.LogSize, Is.EqualTo(20UL));
    }

    [Test]
    public async Task ObserveAsync_OlderPrefixHeader_IsAcceptedWithoutGoingBackwards()
    {
        var tree = Tree(20);
        var tracker = new LogStateTracker(Sha256HashAlgorithm.Instance);
        await tracker.ObserveAsync(Header(tree, 20, 5), ProofsFrom(tree), CancellationToken.None);

        await tracker.ObserveAsync(Header(tree, 9, 3), ProofsFrom(tree), CancellationToken.None);

        Assert.That(tracker.Trusted!.LogSize, Is.EqualTo(20UL));
    }

    [Test]
    public async Task ObserveAsync_RewrittenHistory_ThrowsForkDetected()
    {
        var honest = Tree(20);
        var rewritten = Tree(20, salt: " rewritten");
        var tracker = new LogStateTracker(Sha256HashAlgorithm.Instance);
        await tracker.ObserveAsync(Header(honest, 7, 2), ProofsFrom(honest), CancellationToken.None);

        Assert.That(
            async () => await tracker.ObserveAsync(Header(rewritten, 20, 5), ProofsFrom(rewritten), CancellationToken.None),
            Throws.TypeOf<ForkDetectedException>());
        Assert.That(tracker.Trusted!.LogSize, Is.EqualTo(7UL));
    }

    [Test]
    public async Task ObserveAsync_SameSizeDifferentRoot_ThrowsForkDetected()
    {
        var tracker = new LogStateTracker(Sha256HashAlgorithm.Instance);
        await tracker.ObserveAsync(Header(Tree(8), 8, 2), ProofsFrom(Tree(8)), CancellationToken.None);

        Assert.That(
            async () => await tracker.ObserveAsync(Header(Tree(8, "x"), 8, 2), ProofsFrom(Tree(8, "x")), CancellationToken.None),
            Throws.TypeOf<ForkDetectedException>());
    }

    [Test]
    public void Verify_ReceiptFromTestChain_PassesAndTamperedResultFails()
    {
        var chain = new Support.TestChain();
        var bundle = chain.WorkBundle();
        var receipt = new Receipt
        {
            TxHash = ByteString.CopyFrom(bundle.TransactionHash),
            BlockHeight = bundle.BlockHeight,
            Position = bundle.Position,
            Result = bundle.Result,
            Header = bundle.CertifiedHeader.Header,
            LogInclusion = bundle.LogInclusion,
        };

        Assert.That(() => ReceiptVerifier.Verify(receipt, bundle.TransactionHash, chain.Suite.Hash), Throws.Nothing);
        receipt.Result = new TransactionResult { Code = ResultCode.Rejected, Reason = "forged" };
        Assert.That(() => ReceiptVerifier.Verify(receipt, bundle.TransactionHash, chain.Suite.Hash), Throws.TypeOf<ClientVerificationException>());
    }
}

using Google.Protobuf;
using Ledger.Chaos.Checking;
using Ledger.Chaos.Checking.Chain;
using Ledger.Chaos.History;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;

namespace Ledger.Chaos.Tests.Checking;

/// <summary>
/// The chain checks over three nodes: acknowledged registrations where their receipts put them, no
/// transaction twice, the same block at every height on every node holding it, and the audit.
/// </summary>
public sealed class ChainCheckerTests
{
    private ChainFixture chain = null!;
    private HistoryBuilder history = null!;

    [SetUp]
    public void BuildChainAndAcknowledgements()
    {
        // Blocks: 1 = [w0 w1 w2], 2 = [w3 w4], 3 = [w5]; every registration acknowledged where it is.
        chain = new ChainFixture();
        history = new HistoryBuilder();
        var transactions = Enumerable.Range(0, 6).Select(i => chain.Registration($"w{i}")).ToArray();
        chain.Append(transactions[0], transactions[1], transactions[2]);
        chain.Append(transactions[3], transactions[4]);
        chain.Append(transactions[5]);
        for (var i = 0; i < transactions.Length; i++)
        {
            var (height, position) = i < 3 ? (1UL, i) : i < 5 ? (2UL, i - 3) : (3UL, 0);
            history.Register(chain.HashOf(transactions[i]), i * 10, (i * 10) + 5, work: ChainFixture.WorkOf($"w{i}"), height: height, position: position);
        }
    }

    [Test]
    public async Task CheckAsync_HonestNodesAndAcknowledgements_FindsNothing()
    {
        var report = await CheckAsync(Nodes());

        Assert.That(report.Acked, Is.EqualTo(6));
        Assert.That(report.Violations, Is.Empty);
        Assert.That((report.Lost, report.Duplicated, report.Diverged, report.AuditFailures, report.Unreachable), Is.EqualTo((0L, 0L, 0L, 0L, 0L)));
        Assert.That(report.AuditedHeight, Is.EqualTo(3UL));
    }

    [Test]
    public async Task CheckAsync_AcknowledgedTransactionNowhereInChain_CountsItLost()
    {
        var acknowledged = history.Register(chain.HashOf(chain.Registration("never committed")), 100, 110, work: ChainFixture.WorkOf("never committed"), height: 3, position: 1);

        var report = await CheckAsync(Nodes());

        Assert.That(report.Lost, Is.EqualTo(1));
        var lost = report.Violations.Single(v => v.Kind == ViolationKind.Lost);
        Assert.That(lost.Slice, Is.EqualTo(new[] { acknowledged }));
        Assert.That(lost.Details, Has.Some.Contains("nowhere"));
        Assert.That(lost.Details, Has.Some.Contains("node-1=3"));
    }

    [Test]
    public async Task CheckAsync_AcknowledgedAtAnotherPositionThanInChain_CountsItLostAndSaysWhere()
    {
        var misplaced = history.Operations[4] with { Position = 0 };
        history.Operations[4] = misplaced;

        var report = await CheckAsync(Nodes());

        Assert.That(report.Lost, Is.EqualTo(1));
        Assert.That(report.Violations.Single(v => v.Kind == ViolationKind.Lost).Details, Has.Some.Contains("at 2/1 instead"));
    }

    [Test]
    public async Task CheckAsync_AcknowledgedAboveEveryNodesHeight_CountsItLost()
    {
        history.Operations[5] = history.Operations[5] with { BlockHeight = 9 };

        var report = await CheckAsync(Nodes());

        Assert.That(report.Lost, Is.EqualTo(1));
        Assert.That(report.Violations.Single(v => v.Kind == ViolationKind.Lost).Details, Has.Some.Contains("no node reached height 9"));
    }

    [Test]
    public async Task CheckAsync_TransactionCommittedTwice_CountsItDuplicated()
    {
        chain.Append(chain.Blocks[0].Transactions[1]);

        var report = await CheckAsync(Nodes());

        Assert.That(report.Duplicated, Is.EqualTo(1));
        Assert.That(report.Violations.Single(v => v.Kind == ViolationKind.Duplicated).Summary, Does.Contain("accepted at 1/1 and accepted again at 4/0"));
        Assert.That(report.Lost, Is.Zero);
    }

    [Test]
    public async Task CheckAsync_ResubmittedCopyRejectedByTheNonceRule_IsNotADuplicate()
    {
        // A client's retry of a transaction already in the log is recorded again with its own (rejected) result.
        chain.Append([(chain.Blocks[0].Transactions[1], new TransactionResult { Code = ResultCode.Rejected, Reason = "NonceReused: planted" })]);

        var report = await CheckAsync(Nodes());

        Assert.That((report.Duplicated, report.Lost), Is.EqualTo((0L, 0L)));
    }

    [Test]
    public async Task CheckAsync_OneNodeHoldsAnotherBlock_CountsThatNodeDiverged()
    {
        var nodes = Nodes();
        nodes[2].Blocks[1].Header.TimestampUnixMs += 1;

        var report = await CheckAsync(nodes);

        Assert.That(report.Diverged, Is.EqualTo(1));
        Assert.That(report.Violations.Single(v => v.Kind == ViolationKind.Diverged).Summary, Does.StartWith("node node-3 holds another block at height 2"));
        Assert.That(report.AuditFailures, Is.Zero, "the agreed chain is the majority's, which is sound");
    }

    [Test]
    public async Task CheckAsync_NodeBehindTheOthers_IsNeitherDivergedNorLosing()
    {
        var nodes = Nodes();
        nodes[2].Blocks.RemoveAt(2);

        var report = await CheckAsync(nodes);

        Assert.That(report.Violations, Is.Empty);
        Assert.That(report.NodeHeights["node-3"], Is.EqualTo(2UL));
    }

    [Test]
    public async Task CheckAsync_ForgedSignatureOnEveryNode_FailsTheAuditForEachNode()
    {
        var nodes = Nodes();
        foreach (var node in nodes)
        {
            var signature = node.Blocks[1].Transactions[1].Signature.ToByteArray();
            signature[^1] ^= 1;
            node.Blocks[1].Transactions[1].Signature = ByteString.CopyFrom(signature);
        }

        var report = await CheckAsync(nodes);

        Assert.That(report.AuditFailures, Is.EqualTo(3));
        Assert.That(report.Violations.Single(v => v.Kind == ViolationKind.AuditFailed).Summary, Does.Contain("block 2"));
    }

    [Test]
    public async Task CheckAsync_AcknowledgedButRecordedRejected_CountsItLost()
    {
        var nodes = Nodes();
        foreach (var node in nodes)
        {
            node.Blocks[2].Results[0] = new TransactionResult { Code = ResultCode.Rejected, Reason = "DuplicateContentHash: planted" };
        }

        var report = await CheckAsync(nodes);

        Assert.That(report.Lost, Is.EqualTo(1));
        Assert.That(report.Violations.Single(v => v.Kind == ViolationKind.Lost).Details, Has.Some.Contains("records it Rejected"));
    }

    [Test]
    public async Task CheckAsync_NodeDown_CountsItUnreachableAndChecksTheOthers()
    {
        var nodes = Nodes();
        nodes[1].Unreachable = true;

        var report = await CheckAsync(nodes);

        Assert.That(report.Unreachable, Is.EqualTo(1));
        Assert.That(report.Lost, Is.Zero);
        Assert.That(report.AuditedHeight, Is.EqualTo(3UL));
    }

    [Test]
    public async Task CheckAsync_ChunksOfOneBlock_FindTheSameAsOneChunk()
    {
        // Longer chain: blocks 4..12 of two registrations each, block 12 repeating one of block 5.
        for (var height = 4; height <= 11; height++)
        {
            chain.Append(chain.Registration($"h{height}a"), chain.Registration($"h{height}b"));
        }

        chain.Append(chain.Blocks[4].Transactions[0]);
        history.Operations[5] = history.Operations[5] with { BlockHeight = 7 };
        var nodes = Nodes();
        nodes[1].Blocks[8].Header.RaftTerm += 1;
        nodes[2].Blocks.RemoveRange(10, 2);

        var oneChunk = await ChainChecker.CheckAsync(history.Operations, Nodes(nodes), ConsortiumGenesis.Parse(chain.GenesisBytes));
        var blockByBlock = await ChainChecker.CheckAsync(history.Operations, Nodes(nodes), ConsortiumGenesis.Parse(chain.GenesisBytes), chunkTransactionsTarget: 1);

        foreach (var report in new[] { oneChunk, blockByBlock })
        {
            Assert.That((report.Lost, report.Duplicated, report.Diverged, report.AuditFailures), Is.EqualTo((1L, 1L, 1L, 0L)));
            Assert.That(report.AuditedHeight, Is.EqualTo(12UL));
        }
    }

    private static List<FakeNodeChain> Nodes(List<FakeNodeChain> nodes) => [.. nodes.Select(n => new FakeNodeChain(n.NodeId, [.. n.Blocks]))];

    private List<FakeNodeChain> Nodes() => [.. Enumerable.Range(0, 3).Select(i => ChainFixture.Node(i, chain.Blocks))];

    private Task<ChainReport> CheckAsync(IReadOnlyList<INodeChain> nodes) =>
        ChainChecker.CheckAsync(history.Operations, nodes, ConsortiumGenesis.Parse(chain.GenesisBytes));
}

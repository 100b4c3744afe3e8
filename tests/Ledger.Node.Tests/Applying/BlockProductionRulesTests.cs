using Ledger.Consensus;
using Ledger.Core.Blocks;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Node.Applying;
using Ledger.Node.Chain;
using Ledger.Node.Tests.Support;
using Ledger.Registry.Genesis;
using Ledger.Storage;
using Ledger.Storage.Blocks;
using Ledger.Storage.Registry;

namespace Ledger.Node.Tests.Applying;

/// <summary>
/// The deterministic rules on the leader's stamp, through the real block production: a block's time is
/// after the previous block's, and every block of a Raft term names the same proposer (the term's
/// leader). An entry that breaks one is recorded, never a halt: its transactions are rejected with a
/// bounded reason and its block takes the previous time + 1 ms.
/// </summary>
public sealed class BlockProductionRulesTests
{
    private TestConsortium consortium = null!;
    private LedgerDatabase database = null!;
    private BlockStore blocks = null!;
    private LedgerStateMachine stateMachine = null!;
    private ulong nextIndex = 2;

    [SetUp]
    public void OpenChain()
    {
        consortium = new TestConsortium(3);
        var chain = ChainContext.Load(consortium.GenesisPath);
        database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = Path.Combine(consortium.Directory, "rules-db"), ChainId = chain.ChainId });
        var registryState = new RocksDbRegistryState(database);
        RegistryGenesis.Initialize(registryState, chain.Genesis, chain.RegistryOptions);
        blocks = new BlockStore(database, BlockHashing.Canonical(chain.Hash));
        stateMachine = new LedgerStateMachine(chain, database, blocks, registryState, new PendingReceipts(16), new BlockNotifier(), blockCommitted: null);
    }

    [TearDown]
    public void CloseChain()
    {
        stateMachine.Dispose();
        database.Dispose();
        consortium.Dispose();
    }

    [Test]
    public void ApplyEntry_StampAfterThePreviousBlockBySameTermLeader_TransactionApplied()
    {
        Apply(term: 2, timestampUnixMs: 1_000, "node-1", consortium.RegisterWork());

        var block = Apply(term: 2, timestampUnixMs: 1_001, "node-1", consortium.RegisterWork());

        Assert.That(block.Results[0].Code, Is.EqualTo(ResultCode.Ok), block.Results[0].Reason);
        Assert.That(block.Header.TimestampUnixMs, Is.EqualTo(1_001));
    }

    [Test]
    public void ApplyEntry_StampEqualToThePreviousBlocks_TransactionsRejectedAndTimeMovesOneMillisecond()
    {
        Apply(term: 2, timestampUnixMs: 5_000, "node-1", consortium.RegisterWork());

        var block = Apply(term: 2, timestampUnixMs: 5_000, "node-1", consortium.RegisterWork(), consortium.RegisterWork());

        Assert.That(block.Results.Select(r => r.Code), Is.All.EqualTo(ResultCode.Rejected));
        Assert.That(block.Results[0].Reason, Does.StartWith(BlockProductionRules.TimeNotIncreasing + ":"));
        Assert.That(block.Header.TimestampUnixMs, Is.EqualTo(5_001));
        Assert.That(block.Header.ProposerNodeId, Is.EqualTo("node-1"));
    }

    [Test]
    public void ApplyEntry_BackdatedStamp_RejectedAndTheSameTransactionIsAcceptedLaterWithAPlausibleStamp()
    {
        Apply(term: 2, timestampUnixMs: 1_700_000_000_000, "node-1", consortium.RegisterWork());
        var transaction = consortium.RegisterWork();

        var backdated = Apply(term: 2, timestampUnixMs: 1_600_000_000_000, "node-1", transaction);
        var retried = Apply(term: 2, timestampUnixMs: 1_700_000_000_500, "node-1", transaction);

        Assert.That(backdated.Results[0].Code, Is.EqualTo(ResultCode.Rejected));
        Assert.That(backdated.Results[0].Reason, Is.EqualTo($"{BlockProductionRules.TimeNotIncreasing}: block time 1600000000000 ms is not after the previous block's 1700000000000 ms"));
        Assert.That(backdated.Header.TimestampUnixMs, Is.EqualTo(1_700_000_000_001));
        // The rejected block touched no registry state (not even the nonce), so the transaction is not lost.
        Assert.That(retried.Results[0].Code, Is.EqualTo(ResultCode.Ok), retried.Results[0].Reason);
    }

    [Test]
    public void ApplyEntry_ProposerOtherThanTheTermsLeader_TransactionsRejectedAndTheLeaderKept()
    {
        Apply(term: 3, timestampUnixMs: 1_000, "node-1", consortium.RegisterWork());

        var block = Apply(term: 3, timestampUnixMs: 2_000, "node-2", consortium.RegisterWork());

        Assert.That(block.Results[0].Code, Is.EqualTo(ResultCode.Rejected));
        Assert.That(block.Results[0].Reason, Is.EqualTo($"{BlockProductionRules.ProposerNotTermLeader}: 'node-2' is named as proposer in term 3, whose leader 'node-1' proposed block 1"));
        Assert.That(block.Header.ProposerNodeId, Is.EqualTo("node-1"));
        Assert.That(block.Header.TimestampUnixMs, Is.EqualTo(1_001), "a rejected block's time is the smallest the rules allow");
    }

    [Test]
    public void ApplyEntry_NewTermWithANewLeader_TransactionApplied()
    {
        Apply(term: 3, timestampUnixMs: 1_000, "node-1", consortium.RegisterWork());

        var block = Apply(term: 4, timestampUnixMs: 2_000, "node-2", consortium.RegisterWork());

        Assert.That(block.Results[0].Code, Is.EqualTo(ResultCode.Ok), block.Results[0].Reason);
        Assert.That(block.Header.ProposerNodeId, Is.EqualTo("node-2"));
    }

    [Test]
    public void ApplyEntry_ProposerIdOfHundredBytes_RejectedWithABoundedReasonAndNoProposer()
    {
        // A header could hold it (up to 128 bytes); no node is named so (ids are at most 64 bytes).
        // Longer ids, which no header can hold, leave no block at all (EntryBatchCodec.TryDecode).
        var block = Apply(term: 2, timestampUnixMs: 1_000, new string('x', 100), consortium.RegisterWork());

        Assert.That(block.Results[0].Code, Is.EqualTo(ResultCode.Rejected));
        Assert.That(block.Results[0].Reason, Is.EqualTo($"{BlockProductionRules.ProposerNotTermLeader}: the proposer id of 100 bytes is not a node identifier"));
        Assert.That(block.Header.ProposerNodeId, Is.Empty);
    }

    [Test]
    public void ApplyEntry_StampAtTheLargestTime_NextBlocksStillBuiltWithoutOverflow()
    {
        Apply(term: 2, timestampUnixMs: long.MaxValue, "node-1", consortium.RegisterWork());

        var block = Apply(term: 2, timestampUnixMs: long.MaxValue, "node-1", consortium.RegisterWork());

        Assert.That(block.Results[0].Code, Is.EqualTo(ResultCode.Rejected));
        Assert.That(block.Header.TimestampUnixMs, Is.EqualTo(long.MaxValue));
    }

    private Block Apply(ulong term, long timestampUnixMs, string proposer, params SignedTransaction[] transactions)
    {
        var data = EntryBatchCodec.Encode(timestampUnixMs, proposer, [.. transactions.Select(TransactionHashing.EncodeLeaf)]);
        stateMachine.ApplyEntry(new Entry(term, nextIndex++, EntryType.Normal, data));
        return blocks.GetBlock(blocks.LatestHeight) ?? throw new InvalidOperationException("no block was built");
    }
}

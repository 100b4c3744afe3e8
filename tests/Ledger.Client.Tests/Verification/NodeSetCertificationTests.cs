using Google.Protobuf;
using Ledger.Client.Tests.Support;
using Ledger.Client.Verification;
using Ledger.Core.Protocol;

namespace Ledger.Client.Tests.Verification;

/// <summary>
/// A receipt is certified by the node set in force at its height, not the genesis one: on the
/// governance chain node-3 is removed in block 2 and node-4 added in block 4, so block 5 needs a
/// quorum of {node-1, node-2, node-4}. The SDK learns the changes from the chain (fake node on loopback).
/// </summary>
public sealed class NodeSetCertificationTests
{
    private static readonly GovernanceChain Chain = new();

    private static FakeLedgerApi Node(IEnumerable<string> block5Attesters, Func<int, Block, Block>? tamper = null)
    {
        var bundle = Chain.NewKeyBundle(withGovernance: false);
        var api = new FakeLedgerApi
        {
            SubmitReceipt = new Receipt
            {
                TxHash = ByteString.CopyFrom(bundle.TransactionHash),
                BlockHeight = bundle.BlockHeight,
                Position = bundle.Position,
                Result = bundle.Result,
                Header = bundle.CertifiedHeader.Header,
                LogInclusion = bundle.LogInclusion,
            },
        };
        api.Blocks.AddRange(Chain.Blocks.Select((block, i) => tamper?.Invoke(i, block) ?? block));
        for (var i = 0; i < 4; i++)
        {
            var certified = new CertifiedHeader { Header = Chain.Blocks[i].Header };
            certified.Attestations.AddRange(Chain.Attestations[i]);
            api.Certified[(ulong)i + 1] = certified;
        }

        var block5 = new CertifiedHeader { Header = Chain.Blocks[4].Header };
        block5.Attestations.AddRange(block5Attesters.Select(id => Chain.Attest(id, Chain.NodeKey(id), 5)));
        api.Certified[5] = block5;
        return api;
    }

    private static LedgerClient Client(FakeLedgerServer server) => new(new LedgerClientOptions
    {
        Endpoints = [server.Endpoint],
        Genesis = Chain.Genesis,
        CertificationWait = TimeSpan.FromSeconds(2),
        CertificationPollInitial = TimeSpan.FromMilliseconds(10),
        CertificationPollMax = TimeSpan.FromMilliseconds(50),
        AttemptsMax = 1,
    });

    [Test]
    public async Task SubmitAsync_QuorumOfTheNodeSetAfterGovernance_IsVerified()
    {
        await using var server = await FakeLedgerServer.StartAsync(Node(["node-1", "node-2", "node-4"]));
        await using var client = Client(server);

        var receipt = await client.SubmitAsync(Chain.NewKeyAnchor);

        Assert.That(receipt.Status, Is.EqualTo(ReceiptStatus.Verified), receipt.Detail);
        Assert.That(receipt.CertifiedBy, Is.EquivalentTo(new[] { "node-1", "node-2", "node-4" }));
    }

    [Test]
    public async Task SubmitAsync_AttestedByARemovedNodeAndOneMember_IsNotVerified()
    {
        // node-1 + node-3 would be a quorum of the genesis set; node-3 left in block 2.
        await using var server = await FakeLedgerServer.StartAsync(Node(["node-1", "node-3"]));
        await using var client = Client(server);

        var receipt = await client.SubmitAsync(Chain.NewKeyAnchor);

        Assert.That(receipt.Status, Is.EqualTo(ReceiptStatus.CommittedNotCertified));
        Assert.That(receipt.Detail, Does.Contain("node-3"));
        Assert.That(client.TrustedState, Is.Null);
    }

    [Test]
    public async Task SubmitAsync_NodeHidesTheRemovalFromItsBlocks_Refused()
    {
        // Block 2 served without its governance transactions: its tx_root no longer matches.
        static Block HideRemoval(int index, Block block)
        {
            if (index != 1)
            {
                return block;
            }

            var hidden = block.Clone();
            hidden.Transactions.Clear();
            hidden.Results.Clear();
            hidden.Transactions.Add(Chain.Blocks[0].Transactions[0]);
            hidden.Results.Add(Chain.Blocks[0].Results[0]);
            hidden.Transactions.Add(Chain.Blocks[0].Transactions[0]);
            hidden.Results.Add(Chain.Blocks[0].Results[0]);
            return hidden;
        }

        await using var server = await FakeLedgerServer.StartAsync(Node(["node-1", "node-3"], HideRemoval));
        await using var client = Client(server);

        Assert.That(async () => await client.SubmitAsync(Chain.NewKeyAnchor), Throws.InstanceOf<ClientVerificationException>().With.Message.Contains("tx_root"));
        Assert.That(client.TrustedState, Is.Null);
    }
}

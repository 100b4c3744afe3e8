using Google.Protobuf;
using Ledger.Client.Tests.Support;
using Ledger.Client.Verification;
using Ledger.Core.Blocks;
using Ledger.Core.Protocol;

namespace Ledger.Client.Tests.Verification;

/// <summary>
/// Receipts rest on a quorum: the SDK against a fake node (a real gRPC server on loopback) that
/// serves whatever a hostile or lagging node could. Only a header certified by a quorum of the
/// genesis node set, on the genesis chain, makes a receipt Verified or moves the trusted state.
/// </summary>
public sealed class ReceiptCertificationTests
{
    private static readonly TestChain Chain = new();
    private static readonly TimeSpan ShortWait = TimeSpan.FromSeconds(2);

    private static Receipt WorkReceipt(BlockHeader? header = null)
    {
        var bundle = Chain.WorkBundle();
        return new Receipt
        {
            TxHash = ByteString.CopyFrom(bundle.TransactionHash),
            BlockHeight = bundle.BlockHeight,
            Position = bundle.Position,
            Result = bundle.Result,
            Header = header ?? bundle.CertifiedHeader.Header,
            LogInclusion = bundle.LogInclusion,
        };
    }

    /// <summary>A fake node holding the test chain's blocks, serving <paramref name="receipt"/> for Submit and <paramref name="certified"/> (if any) for block 2.</summary>
    private static FakeLedgerApi Node(Receipt receipt, CertifiedHeader? certified)
    {
        var api = new FakeLedgerApi { SubmitReceipt = receipt };
        api.Blocks.AddRange(Chain.Blocks);
        if (certified is not null)
        {
            api.Certified[certified.Header.Height] = certified;
        }

        api.ConsistencyProofs = (first, second) =>
        {
            var proof = new ConsistencyProof { FirstSize = first, SecondSize = second };
            proof.Path.AddRange(Chain.Log.BuildConsistencyProof(first, second).Select(ByteString.CopyFrom));
            return proof;
        };
        return api;
    }

    private static LedgerClient Client(FakeLedgerServer server, bool withGenesis = true) => new(new LedgerClientOptions
    {
        Endpoints = [server.Endpoint],
        Genesis = withGenesis ? Chain.Genesis : null,
        CertificationWait = ShortWait,
        CertificationPollInitial = TimeSpan.FromMilliseconds(10),
        CertificationPollMax = TimeSpan.FromMilliseconds(50),
        AttemptsMax = 1,
    });

    private static CertifiedHeader AttestedBy(BlockHeader header, params (int KeyIndex, string NodeId)[] signers)
    {
        var certified = new CertifiedHeader { Header = header };
        foreach (var (keyIndex, nodeId) in signers)
        {
            certified.Attestations.Add(BlockAttestations.Sign(Chain.NodeKeys[keyIndex], nodeId, header, Chain.Suite.Hash));
        }

        return certified;
    }

    [Test]
    public async Task SubmitAsync_QuorumCertifiedHeader_IsVerifiedAndAdvancesTheTrustedState()
    {
        await using var server = await FakeLedgerServer.StartAsync(Node(WorkReceipt(), Chain.Block2));
        await using var client = Client(server);

        var receipt = await client.SubmitAsync(Chain.Work);

        Assert.That(receipt.Status, Is.EqualTo(ReceiptStatus.Verified));
        Assert.That(receipt.CertifiedBy, Is.EquivalentTo(new[] { "node-1", "node-2", "node-3" }));
        Assert.That(client.TrustedState!.LogSize, Is.EqualTo(Chain.Block2.Header.LogSize));
    }

    [Test]
    public async Task SubmitAsync_HeaderAttestedByOneNodeOnly_CommittedNotCertifiedAndTrustsNothing()
    {
        var oneNode = AttestedBy(Chain.Block2.Header, (0, "node-1"));
        await using var server = await FakeLedgerServer.StartAsync(Node(WorkReceipt(), oneNode));
        await using var client = Client(server);

        var receipt = await client.SubmitAsync(Chain.Work);

        Assert.That(receipt.Status, Is.EqualTo(ReceiptStatus.CommittedNotCertified));
        Assert.That(receipt.Detail, Does.Contain("quorum"));
        Assert.That(receipt.CertifiedBy, Is.Empty);
        Assert.That(client.TrustedState, Is.Null, "an uncertified header must not become the trusted state");
    }

    [Test]
    public async Task SubmitAsync_ThreeAttestationsAllSignedWithOneNodesKey_IsNotVerified()
    {
        var forged = AttestedBy(Chain.Block2.Header, (0, "node-1"), (0, "node-2"), (0, "node-3"));
        await using var server = await FakeLedgerServer.StartAsync(Node(WorkReceipt(), forged));
        await using var client = Client(server);

        var receipt = await client.SubmitAsync(Chain.Work);

        Assert.That(receipt.Status, Is.EqualTo(ReceiptStatus.CommittedNotCertified));
        Assert.That(client.TrustedState, Is.Null);
    }

    [Test]
    public async Task SubmitAsync_NodeServesNoCertificate_CommittedNotCertifiedAfterTheWait()
    {
        await using var server = await FakeLedgerServer.StartAsync(Node(WorkReceipt(), certified: null));
        await using var client = Client(server);

        var receipt = await client.SubmitAsync(Chain.Work);

        Assert.That(receipt.Status, Is.EqualTo(ReceiptStatus.CommittedNotCertified));
        Assert.That(receipt.Detail, Does.StartWith("committed in block 2, not yet certified"));
        Assert.That(client.TrustedState, Is.Null);
    }

    [Test]
    public async Task SubmitAsync_CertificateArrivesWhileWaiting_IsVerified()
    {
        var api = Node(WorkReceipt(), Chain.Block2);
        api.CertificateMisses = 3;
        await using var server = await FakeLedgerServer.StartAsync(api);
        await using var client = Client(server);

        var receipt = await client.SubmitAsync(Chain.Work);

        Assert.That(receipt.Status, Is.EqualTo(ReceiptStatus.Verified));
        Assert.That(api.CertificateCalls, Is.GreaterThan(3));
    }

    [Test]
    public async Task SubmitAsync_NoTrustedGenesis_NeverVerifiedEvenWithAValidCertificate()
    {
        await using var server = await FakeLedgerServer.StartAsync(Node(WorkReceipt(), Chain.Block2));
        await using var client = Client(server, withGenesis: false);

        var receipt = await client.SubmitAsync(Chain.Work);

        Assert.That(receipt.Status, Is.EqualTo(ReceiptStatus.Unverified));
        Assert.That(receipt.Detail, Does.Contain("no trusted genesis"));
        Assert.That(client.TrustedState, Is.Null);
    }

    [Test]
    public async Task SubmitAsync_ReceiptAndCertificateFromAnotherChain_Refused()
    {
        var foreignHeader = Chain.Block2.Header.Clone();
        foreignHeader.ChainId = "another-chain";
        var foreign = AttestedBy(foreignHeader, (0, "node-1"), (1, "node-2"), (2, "node-3"));
        await using var server = await FakeLedgerServer.StartAsync(Node(WorkReceipt(foreignHeader), foreign));
        await using var client = Client(server);

        Assert.That(async () => await client.SubmitAsync(Chain.Work), Throws.InstanceOf<ClientVerificationException>().With.Message.Contains("another-chain"));
        Assert.That(async () => await client.GetCertifiedHeaderAsync(2), Throws.InstanceOf<ClientVerificationException>().With.Message.Contains("another-chain"));
        Assert.That(client.TrustedState, Is.Null);
    }

    [Test]
    public async Task SubmitAsync_ReceiptHeaderIsNotTheCertifiedHeader_Refused()
    {
        // Same log root (so the inclusion proof checks), another block: the node's own header.
        var uncertified = Chain.Block2.Header.Clone();
        uncertified.TimestampUnixMs += 1;
        await using var server = await FakeLedgerServer.StartAsync(Node(WorkReceipt(uncertified), Chain.Block2));
        await using var client = Client(server);

        Assert.That(async () => await client.SubmitAsync(Chain.Work), Throws.InstanceOf<ClientVerificationException>().With.Message.Contains("not the header the consortium certified"));
        Assert.That(client.TrustedState, Is.Null);
    }

    [Test]
    public async Task GetCertifiedHeaderAsync_QuorumCertifiedForkOfTheTrustedState_ThrowsForkDetected()
    {
        var api = Node(WorkReceipt(), Chain.Block2);
        await using var server = await FakeLedgerServer.StartAsync(api);
        await using var client = Client(server);
        await client.SubmitAsync(Chain.Work);
        var trusted = client.TrustedState!;
        var forkedHeader = Chain.Block2.Header.Clone();
        var root = forkedHeader.LogRoot.ToByteArray();
        root[0] ^= 0xff;
        forkedHeader.LogRoot = ByteString.CopyFrom(root);
        api.Certified[2] = AttestedBy(forkedHeader, (0, "node-1"), (1, "node-2"), (2, "node-3"));

        Assert.That(async () => await client.GetCertifiedHeaderAsync(2), Throws.TypeOf<ForkDetectedException>());
        Assert.That(client.TrustedState!.LogRoot, Is.EqualTo(trusted.LogRoot));
    }
}

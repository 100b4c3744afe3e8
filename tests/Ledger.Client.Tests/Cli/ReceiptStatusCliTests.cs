using Google.Protobuf;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Tests.Support;
using Ledger.Core.Blocks;
using Ledger.Core.Protocol;

namespace Ledger.Client.Tests.Cli;

/// <summary>What the CLI prints and exits with for a receipt, against a fake node on loopback.</summary>
public sealed class ReceiptStatusCliTests
{
    private static readonly TestChain Chain = new();

    private static FakeLedgerApi Node(CertifiedHeader certified)
    {
        var bundle = Chain.WorkBundle();
        var receipt = new Receipt
        {
            TxHash = ByteString.CopyFrom(bundle.TransactionHash),
            BlockHeight = bundle.BlockHeight,
            Position = bundle.Position,
            Result = bundle.Result,
            Header = bundle.CertifiedHeader.Header,
            LogInclusion = bundle.LogInclusion,
        };
        var api = new FakeLedgerApi
        {
            Transaction = new GetTransactionResponse { Transaction = Chain.Work, Result = receipt.Result, BlockHeight = receipt.BlockHeight, Position = receipt.Position, Receipt = receipt },
        };
        api.Blocks.AddRange(Chain.Blocks);
        api.Certified[2] = certified;
        return api;
    }

    private static (int ExitCode, string Out, string Error) Get(FakeLedgerServer server, params string[] extra) =>
        CliRunner.Run(["get", Convert.ToHexStringLower(Chain.WorkBundle().TransactionHash), "--endpoint", server.Endpoint.ToString(), .. extra]);

    [Test]
    public async Task Get_QuorumCertifiedBlock_PrintsVerifiedWithTheCertifyingNodes()
    {
        using var directory = new TempDirectory();
        await File.WriteAllBytesAsync(directory.File("genesis.json"), Chain.GenesisBytes);
        await using var server = await FakeLedgerServer.StartAsync(Node(Chain.Block2));

        var result = Get(server, "--genesis", directory.File("genesis.json"));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out, Does.Contain("inclusion verified (certified by node-1, node-2, node-3)"));
    }

    [Test]
    public async Task Get_BlockAttestedByOneNode_PrintsNotYetCertifiedAndExitsNotCertified()
    {
        using var directory = new TempDirectory();
        await File.WriteAllBytesAsync(directory.File("genesis.json"), Chain.GenesisBytes);
        var oneNode = new CertifiedHeader { Header = Chain.Block2.Header };
        oneNode.Attestations.Add(BlockAttestations.Sign(Chain.NodeKeys[0], "node-1", Chain.Block2.Header, Chain.Suite.Hash));
        await using var server = await FakeLedgerServer.StartAsync(Node(oneNode));

        var result = Get(server, "--genesis", directory.File("genesis.json"));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.NotCertified), result.Error);
        Assert.That(result.Out, Does.Contain("committed in block 2, not yet certified").And.Not.Contain("verified ("));
    }

    [Test]
    public async Task Get_NoGenesisAndNoDevGenesisBeside_SaysNotVerifiedAndExitsNotCertified()
    {
        await using var server = await FakeLedgerServer.StartAsync(Node(Chain.Block2));

        var result = Get(server);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.NotCertified));
        Assert.That(result.Out, Does.Contain("NOT verified").And.Not.Contain("inclusion verified"));
        Assert.That(result.Error, Does.Contain("no trusted genesis"));
    }

    [Test]
    public void DevGenesisAnchor_LoopbackEndpointAndDevGenesisFile_IsTheCandidate()
    {
        using var directory = new TempDirectory();
        var dev = Path.Combine(directory.Path, "Ledger.Node", "data", "dev");
        Directory.CreateDirectory(dev);
        File.WriteAllBytes(Path.Combine(dev, "genesis.json"), Chain.GenesisBytes);

        var loopback = DevGenesisAnchor.FindCandidate([new Uri("http://localhost:7050"), new Uri("http://127.0.0.1:7052")], directory.Path);
        var remote = DevGenesisAnchor.FindCandidate([new Uri("http://localhost:7050"), new Uri("http://ledger.example:7050")], directory.Path);

        Assert.That(loopback, Is.EqualTo(Path.Combine(dev, "genesis.json")));
        Assert.That(remote, Is.Null, "a genesis beside the CLI anchors only a node on this machine");
    }

    [Test]
    public async Task DevGenesisAnchor_NodeRunsAnotherChain_FileIsNotAdopted()
    {
        using var directory = new TempDirectory();
        await File.WriteAllBytesAsync(directory.File("genesis.json"), Chain.GenesisBytes);
        var api = Node(Chain.Block2);
        await using var server = await FakeLedgerServer.StartAsync(api);
        await using var probe = new LedgerClient(new LedgerClientOptions { Endpoints = [server.Endpoint] });

        var same = await DevGenesisAnchor.TryAdoptAsync(directory.File("genesis.json"), probe, CancellationToken.None);
        api.ChainId = "another-chain";
        var other = await DevGenesisAnchor.TryAdoptAsync(directory.File("genesis.json"), probe, CancellationToken.None);

        Assert.That(same?.Genesis.ChainId, Is.EqualTo(TestChain.ChainId));
        Assert.That(other, Is.Null);
    }
}

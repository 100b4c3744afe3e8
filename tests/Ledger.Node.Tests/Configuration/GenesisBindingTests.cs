using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ledger.Core.Protocol;
using Ledger.Node.Hosting;
using Ledger.Node.Tests.Support;
using Ledger.Storage;
using Ledger.Storage.Errors;

namespace Ledger.Node.Tests.Configuration;

/// <summary>Issue #19: a data directory is bound to the genesis file it was created under, not only to its chain id.</summary>
public sealed class GenesisBindingTests
{
    /// <summary>The genesis file with one member's public key replaced (same chain id, same everything else).</summary>
    private static void ChangeCourtKey(TestConsortium consortium)
    {
        var json = JsonNode.Parse(File.ReadAllText(consortium.GenesisPath))!;
        foreach (var member in json["members"]!.AsArray())
        {
            if ((string?)member!["id"] == "court-1")
            {
                member["keys"]![0]!["publicKey"] = Convert.ToBase64String(consortium.Suite.GenerateKeyPair().Public.ToArray());
            }
        }

        File.WriteAllText(consortium.GenesisPath, json.ToJsonString());
    }

    private static async Task StartAndStopAsync(TestConsortium consortium)
    {
        await using var node = new InProcessNode(consortium.ArgumentsFor(0), consortium.Nodes[0].PublicUrl);
        await node.StartAsync();
    }

    [Test]
    public async Task Build_GenesisChangedUnderTheSameChainId_RefusedNamingBothHashes()
    {
        using var consortium = new TestConsortium(1);
        var original = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(consortium.GenesisPath)));
        await StartAndStopAsync(consortium);
        ChangeCourtKey(consortium);
        var changed = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(consortium.GenesisPath)));

        var refused = Assert.Throws<GenesisMismatchException>(() => NodeProgram.Build(consortium.ArgumentsFor(0)));

        Assert.That(changed, Is.Not.EqualTo(original));
        Assert.That(refused!.Message, Does.Contain(original).And.Contain(changed).And.Contain("test-chain").And.Contain("new data directory"));
    }

    [Test]
    public async Task RunAsync_GenesisChanged_ExitsWithTheStorageCodeAndOneLine()
    {
        using var consortium = new TestConsortium(1);
        await StartAndStopAsync(consortium);
        ChangeCourtKey(consortium);
        var error = new StringWriter();
        var previous = Console.Error;
        int exitCode;
        Console.SetError(error);
        try
        {
            exitCode = await NodeProgram.RunAsync(consortium.ArgumentsFor(0));
        }
        finally
        {
            Console.SetError(previous);
        }

        Assert.That(exitCode, Is.EqualTo(NodeProgram.ExitStorage));
        Assert.That(error.ToString(), Does.StartWith("ledger-node: data directory").And.Contain("was created under the genesis file with hash"));
    }

    [Test]
    public async Task Start_SameGenesis_StartsAgainAndStatusShowsItsHash()
    {
        using var consortium = new TestConsortium(1);
        await StartAndStopAsync(consortium);
        await using var node = new InProcessNode(consortium.ArgumentsFor(0), consortium.Nodes[0].PublicUrl);
        await node.StartAsync();

        var status = await node.Client.StatusAsync(new StatusRequest());

        Assert.That(status.GenesisSha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(consortium.GenesisPath)))));
        Assert.That(status.SoftwareVersion, Is.EqualTo(Ledger.Node.Configuration.NodeVersion.Software).And.Not.Empty);
        Assert.That(status.StorageFormatVersion, Is.EqualTo(LedgerDatabase.FormatVersion));
        Assert.That(node.Node.GenesisHashStampedOnExistingDirectory, Is.False);
    }

    [Test]
    public async Task Start_DirectoryFromBeforeTheStamp_GetsItThenRefusesAnotherGenesis()
    {
        using var consortium = new TestConsortium(1);
        // A directory as an older build left it: chain id and format recorded, no genesis hash.
        using (LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = Path.Combine(consortium.Nodes[0].DataDirectory, "db"), ChainId = consortium.ChainId }))
        {
        }

        await using (var node = new InProcessNode(consortium.ArgumentsFor(0), consortium.Nodes[0].PublicUrl))
        {
            await node.StartAsync();
            Assert.That(node.Node.GenesisHashStampedOnExistingDirectory, Is.True);
        }

        ChangeCourtKey(consortium);
        Assert.Throws<GenesisMismatchException>(() => NodeProgram.Build(consortium.ArgumentsFor(0)));
    }
}

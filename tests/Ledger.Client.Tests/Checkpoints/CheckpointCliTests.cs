using Ledger.Client.Tests.Support;
using Ledger.Core.Checkpoints;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;

namespace Ledger.Client.Tests.Checkpoints;

public sealed class CheckpointCliTests
{
    [Test]
    public void CheckpointVerify_QuorumNoteWithGenesisWitness_ExitsZeroAndNamesTheWitness()
    {
        using var directory = new TempDirectory();
        var fixture = new CheckpointFixture(CryptoSuites.P256Sha256);
        File.WriteAllText(directory.File("genesis.json"), Genesis(fixture).ToJson());
        File.WriteAllText(directory.File("note.txt"), fixture.Cosigned(fixture.Signed(9, signers: 2)).Format());

        var (exitCode, output, _) = CliRunner.Run("checkpoint", "verify", directory.File("note.txt"), "--genesis", directory.File("genesis.json"));

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("signed by 2 of 3 nodes").And.Contain("cosigned by " + CheckpointFixture.WitnessName).And.Contain("VALID"));
    }

    [Test]
    public void CheckpointVerify_OneNodeOnly_ExitsOne()
    {
        using var directory = new TempDirectory();
        var fixture = new CheckpointFixture(CryptoSuites.P256Sha256);
        File.WriteAllText(directory.File("genesis.json"), Genesis(fixture).ToJson());
        File.WriteAllText(directory.File("note.txt"), fixture.Signed(9, signers: 1).Format());

        var (exitCode, output, _) = CliRunner.Run("checkpoint", "verify", directory.File("note.txt"), "--genesis", directory.File("genesis.json"));

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output, Does.Contain("INVALID").And.Contain("fewer than the quorum of 2"));
    }

    /// <summary>A genesis whose chain id gives the fixture's origin, with its nodes and its witness as a member.</summary>
    private static ConsortiumGenesis Genesis(CheckpointFixture fixture)
    {
        var admin = CryptoSuites.P256Sha256.GenerateKeyPair();
        return new ConsortiumGenesis
        {
            FormatVersion = ConsortiumGenesis.CurrentFormatVersion,
            ChainId = CheckpointFixture.Origin[CheckpointOrigin.Prefix.Length..],
            Suite = CryptoSuites.P256Sha256Name,
            ProposalExpiryBlocks = 100,
            Members =
            [
                new GenesisMember { Id = "admin-1", Role = "admin", Keys = [new GenesisKey { Suite = CryptoSuites.P256Sha256Name, PublicKey = admin.Public.ToArray() }] },
                new GenesisMember { Id = CheckpointFixture.WitnessName, Role = WitnessRole.Name, Keys = [new GenesisKey { Suite = CryptoSuites.Ed25519Name, PublicKey = fixture.WitnessKey.Public.ToArray() }] },
            ],
            Nodes = [.. fixture.NodeKeys.Select((key, i) => new GenesisNode { Id = $"node-{i + 1}", Address = $"https://127.0.0.1:{7100 + i}", Key = new GenesisKey { Suite = CryptoSuites.P256Sha256Name, PublicKey = key.Public.ToArray() } })],
        };
    }
}

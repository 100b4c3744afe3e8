using Ledger.Core.Checkpoints;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Core.Merkle;

namespace Ledger.Client.Tests.Checkpoints;

/// <summary>A consortium of nodes of one suite, a witness and a log, for checkpoint tests.</summary>
public sealed class CheckpointFixture
{
    public const string Origin = "ledger/test-chain";
    public const string WitnessName = "auditor-witness";
    public const ulong BlockTimestampMs = 1_765_000_000_123;

    public CheckpointFixture(ICryptoSuite suite, int nodeCount = 3, int leafCount = 64)
    {
        Suite = suite;
        NodeKeys = [.. Enumerable.Range(0, nodeCount).Select(_ => suite.GenerateKeyPair())];
        WitnessKey = CryptoSuites.Ed25519.GenerateKeyPair();
        Hasher = new MerkleHasher(suite.Hash);
        Tree = new MemoryMerkleTree(Hasher, leafCount);
        for (var i = 0; i < leafCount; i++)
        {
            Tree.AppendLeaf(BitConverter.GetBytes(i));
        }

        Trust = new CheckpointTrust(
            Origin,
            NodeKeys.Select((key, index) => new CheckpointNode($"node-{index + 1}", key.Public)),
            [new CheckpointWitness(WitnessName, WitnessKey.Public)]);
    }

    public ICryptoSuite Suite { get; }

    public KeyPair[] NodeKeys { get; }

    public KeyPair WitnessKey { get; }

    public MerkleHasher Hasher { get; }

    public MemoryMerkleTree Tree { get; }

    public CheckpointTrust Trust { get; }

    public Checkpoint CheckpointAt(ulong size) => new(Origin, size, Tree.ComputeRoot(size));

    /// <summary>The checkpoint of <paramref name="size"/> signed by the first <paramref name="signers"/> nodes.</summary>
    public SignedNote Signed(ulong size, int? signers = null) => Signed(CheckpointAt(size), signers);

    public SignedNote Signed(Checkpoint checkpoint, int? signers = null)
    {
        var lines = NodeKeys.Take(signers ?? NodeKeys.Length).Select(key => CheckpointSignatures.Sign(key, checkpoint, BlockTimestampMs));
        return new SignedNote(checkpoint.Format(), lines);
    }

    public SignedNote Cosigned(SignedNote note, ulong timestampSeconds = 1_765_000_001) =>
        note.WithSignature(Cosignature.Sign(WitnessKey, WitnessName, Checkpoint.Parse(note.Text), timestampSeconds));
}

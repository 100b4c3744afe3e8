using Ledger.Core.Checkpoints;
using Ledger.Core.Crypto;

namespace Ledger.Client.Tests.Checkpoints;

public sealed class CheckpointVerifierTests
{
    [Test]
    public void Verify_QuorumOfNodesAndWitness_IsValidAndNamesThem()
    {
        var fixture = new CheckpointFixture(CryptoSuites.P256Sha256);
        var note = fixture.Cosigned(fixture.Signed(10, signers: 2));

        var result = CheckpointVerifier.Verify(note.Format(), fixture.Trust);

        Assert.That(result.IsValid, Is.True, result.Problem);
        Assert.That(result.SigningNodes, Is.EqualTo(new[] { "node-1", "node-2" }));
        Assert.That(result.Witnesses.Select(w => w.Name), Is.EqualTo(new[] { CheckpointFixture.WitnessName }));
    }

    [Test]
    public void Verify_OneNodeOfThree_IsNotAQuorum()
    {
        var fixture = new CheckpointFixture(CryptoSuites.Ed25519);

        var result = CheckpointVerifier.Verify(fixture.Signed(10, signers: 1), fixture.Trust);

        Assert.That(result.IsValid, Is.False);
        Assert.That(result.Problem, Does.Contain("fewer than the quorum of 2"));
    }

    [Test]
    public void Verify_OneNodeRepeated_CountsOnce()
    {
        var fixture = new CheckpointFixture(CryptoSuites.Ed25519);
        var checkpoint = fixture.CheckpointAt(10);
        var line = CheckpointSignatures.Sign(fixture.NodeKeys[0], checkpoint, 0);
        var note = new SignedNote(checkpoint.Format(), [line, line, line]);

        var result = CheckpointVerifier.Verify(note, fixture.Trust);

        Assert.That(result.SigningNodes, Has.Count.EqualTo(1));
        Assert.That(result.IsValid, Is.False);
    }

    [Test]
    public void Verify_UnknownKeyLines_AreIgnored()
    {
        var fixture = new CheckpointFixture(CryptoSuites.Sm2Sm3);
        var stranger = CryptoSuites.Sm2Sm3.GenerateKeyPair();
        var note = fixture.Signed(10, signers: 2).WithSignature(CheckpointSignatures.Sign(stranger, fixture.CheckpointAt(10), 0));
        var garbage = note.WithSignature(new NoteSignature("someone.else/log", 7, [1, 2, 3]));

        var result = CheckpointVerifier.Verify(garbage, fixture.Trust);

        Assert.That(result.IsValid, Is.True, result.Problem);
        Assert.That(result.SigningNodes, Has.Count.EqualTo(2));
    }

    [Test]
    public void Verify_KnownKeyWithBadSignature_InvalidatesTheNote()
    {
        var fixture = new CheckpointFixture(CryptoSuites.P256Sha256);
        var good = fixture.Signed(10);
        var forged = new NoteSignature(CheckpointFixture.Origin, CheckpointSignatures.KeyId(fixture.NodeKeys[2].Public, CheckpointFixture.Origin), good.Signatures[0].Signature);
        var note = new SignedNote(good.Text, [good.Signatures[0], good.Signatures[1], forged]);

        var result = CheckpointVerifier.Verify(note, fixture.Trust);

        Assert.That(result.IsValid, Is.False);
        Assert.That(result.Problem, Does.Contain("node-3"));
    }

    [Test]
    public void Verify_OtherOrigin_IsRefused()
    {
        var fixture = new CheckpointFixture(CryptoSuites.Ed25519);
        var checkpoint = new Checkpoint("ledger/other-chain", 10, fixture.Tree.ComputeRoot(10));

        var result = CheckpointVerifier.Verify(fixture.Signed(checkpoint), fixture.Trust);

        Assert.That(result.IsValid, Is.False);
        Assert.That(result.Problem, Does.Contain("origin"));
    }

    [TestCase(0x01)]
    [TestCase(0x20)]
    [TestCase(0x80)]
    public void Verify_EveryByteFlipped_LosesTheQuorumOrTheWitness(int mask)
    {
        // Exactly a quorum of nodes plus the witness: any change must cost a node or the witness.
        var fixture = new CheckpointFixture(CryptoSuites.P256Sha256);
        var note = fixture.Cosigned(fixture.Signed(37, signers: 2)).ToUtf8();
        var accepted = new List<int>();

        for (var i = 0; i < note.Length; i++)
        {
            var mutated = (byte[])note.Clone();
            mutated[i] ^= (byte)mask;
            if (StillVouched(mutated, fixture))
            {
                accepted.Add(i);
            }
        }

        Assert.That(accepted, Is.Empty, "offsets whose flip still verified");
    }

    [Test]
    public void Verify_EveryByteFlippedInAnEd25519Note_LosesTheQuorumOrTheWitness()
    {
        var fixture = new CheckpointFixture(CryptoSuites.Ed25519);
        var note = fixture.Cosigned(fixture.Signed(5, signers: 2)).ToUtf8();

        var accepted = Enumerable.Range(0, note.Length).Where(i =>
        {
            var mutated = (byte[])note.Clone();
            mutated[i] ^= 0x01;
            return StillVouched(mutated, fixture);
        });

        Assert.That(accepted, Is.Empty);
    }

    [Test]
    public void Parse_RandomMutations_ThrowOnlyNoteFormatException()
    {
        var fixture = new CheckpointFixture(CryptoSuites.P256Sha256);
        var original = fixture.Cosigned(fixture.Signed(21)).ToUtf8();
        var random = new Random(20261206);
        var unexpected = new List<string>();

        for (var iteration = 0; iteration < 3000; iteration++)
        {
            var mutated = Mutate(original, random);
            try
            {
                var note = SignedNote.Parse(mutated);
                _ = Checkpoint.Parse(note.Text);
                _ = CheckpointVerifier.Verify(note, fixture.Trust);
            }
            catch (NoteFormatException)
            {
            }
            catch (Exception exception)
            {
                unexpected.Add($"{iteration}: {exception.GetType().Name}: {exception.Message}");
            }
        }

        Assert.That(unexpected, Is.Empty);
    }

    private static bool StillVouched(byte[] mutated, CheckpointFixture fixture)
    {
        SignedNote note;
        try
        {
            note = SignedNote.Parse(mutated);
        }
        catch (NoteFormatException)
        {
            return false;
        }

        var result = CheckpointVerifier.Verify(note, fixture.Trust);
        return result.IsValid && result.Witnesses.Count == 1;
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.RemoveAt(at);
                    break;
                case 2:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 3:
                    bytes.Insert(at, (byte)"\n+ —=/"[random.Next(6)]);
                    break;
                case 4:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    var length = Math.Min(random.Next(1, 80), bytes.Count - at);
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
            }
        }

        return [.. bytes];
    }
}

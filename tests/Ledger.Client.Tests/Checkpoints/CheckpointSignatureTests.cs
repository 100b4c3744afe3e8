using Ledger.Core.Checkpoints;
using Ledger.Core.Crypto;

namespace Ledger.Client.Tests.Checkpoints;

public sealed class CheckpointSignatureTests
{
    private static IEnumerable<ICryptoSuite> Suites => CryptoSuites.All;

    [TestCaseSource(nameof(Suites))]
    public void Sign_EachSuite_VerifiesUnderTheOriginKeyName(ICryptoSuite suite)
    {
        var fixture = new CheckpointFixture(suite);
        var checkpoint = fixture.CheckpointAt(10);

        var line = CheckpointSignatures.Sign(fixture.NodeKeys[0], checkpoint, CheckpointFixture.BlockTimestampMs);

        Assert.That(line.KeyName, Is.EqualTo(CheckpointFixture.Origin));
        Assert.That(line.KeyId, Is.EqualTo(CheckpointSignatures.KeyId(fixture.NodeKeys[0].Public, CheckpointFixture.Origin)));
        Assert.That(CheckpointSignatures.Verify(fixture.NodeKeys[0].Public, checkpoint, line), Is.True);
        Assert.That(CheckpointSignatures.Verify(fixture.NodeKeys[1].Public, checkpoint, line), Is.False);
        Assert.That(CheckpointSignatures.Verify(fixture.NodeKeys[0].Public, fixture.CheckpointAt(11), line), Is.False);
    }

    [Test]
    public void Sign_P256_IsAnRfc6962TreeHeadWithTheBlockTimestamp()
    {
        var fixture = new CheckpointFixture(CryptoSuites.P256Sha256);
        var checkpoint = fixture.CheckpointAt(10);

        var line = CheckpointSignatures.Sign(fixture.NodeKeys[0], checkpoint, CheckpointFixture.BlockTimestampMs);

        Assert.That(Rfc6962TreeHeadSignature.TryDecode(line.Signature, out var timestamp, out _), Is.True);
        Assert.That(timestamp, Is.EqualTo(CheckpointFixture.BlockTimestampMs));
    }

    [Test]
    public void Sign_P256WithExtensionLines_IsRefused()
    {
        var fixture = new CheckpointFixture(CryptoSuites.P256Sha256);
        var checkpoint = new Checkpoint(CheckpointFixture.Origin, 10, fixture.Tree.ComputeRoot(10), ["extension"]);

        Assert.That(() => CheckpointSignatures.Sign(fixture.NodeKeys[0], checkpoint, 1), Throws.ArgumentException);
    }

    [Test]
    public void Cosignature_SignedMessage_IsHeaderTimeLineAndCheckpointBody()
    {
        var checkpoint = new Checkpoint("example.com/behind-the-sofa", 20852163, Convert.FromBase64String("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="));

        var message = System.Text.Encoding.UTF8.GetString(Cosignature.SignedMessage(1679315147, checkpoint));

        // The example of c2sp.org/tlog-cosignature, "Ed25519 signed message".
        Assert.That(message, Is.EqualTo("cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"));
    }

    [Test]
    public void Cosignature_SignThenVerify_ReturnsTheTimestamp()
    {
        var fixture = new CheckpointFixture(CryptoSuites.P256Sha256);
        var note = fixture.Cosigned(fixture.Signed(10), timestampSeconds: 1_700_000_000);

        var check = Cosignature.Verify(fixture.WitnessKey.Public, CheckpointFixture.WitnessName, note);

        Assert.That(check.Status, Is.EqualTo(CosignatureStatus.Valid));
        Assert.That(check.TimestampUnixSeconds, Is.EqualTo(1_700_000_000UL));
        Assert.That(Cosignature.Verify(fixture.WitnessKey.Public, "other-name", note).Status, Is.EqualTo(CosignatureStatus.Missing));
    }

    [Test]
    public void Cosignature_NonEd25519Key_IsRefused()
    {
        var key = CryptoSuites.P256Sha256.GenerateKeyPair();
        var fixture = new CheckpointFixture(CryptoSuites.P256Sha256);

        Assert.That(() => Cosignature.Sign(key, "w", fixture.CheckpointAt(1), 1), Throws.ArgumentException);
    }

    [Test]
    public void Checkpoint_FormatAndParse_RoundTripExactText()
    {
        var text = "ledger/test-chain\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n";

        var checkpoint = Checkpoint.Parse(text);

        Assert.That(checkpoint.TreeSize, Is.EqualTo(0UL));
        Assert.That(checkpoint.Format(), Is.EqualTo(text));
    }

    [TestCase("ledger/x\n01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")]
    [TestCase("ledger/x\n+1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")]
    [TestCase("ledger/x\n18446744073709551616\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")]
    [TestCase("ledger/x\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\n")]
    [TestCase("ledger/x\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=\n")]
    [TestCase("ledger/x\n1\nAAAA\n")]
    [TestCase("ledger/x\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")]
    [TestCase("ledger/x\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n")]
    [TestCase("\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")]
    [TestCase("ledger x\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")]
    [TestCase("ledger/x\n1\n")]
    public void Checkpoint_Parse_MalformedText_ThrowsNoteFormatException(string text)
    {
        Assert.That(() => Checkpoint.Parse(text), Throws.TypeOf<NoteFormatException>());
    }
}

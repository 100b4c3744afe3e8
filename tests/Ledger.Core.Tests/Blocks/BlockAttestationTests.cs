using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Core.Tests.Blocks;

[TestFixtureSource(nameof(Suites))]
public sealed class BlockAttestationTests
{
    public static readonly ICryptoSuite[] Suites = [.. CryptoSuites.All];

    private readonly ICryptoSuite suite;
    private KeyPair nodeKey = null!;
    private BlockHeader header = null!;
    private Attestation attestation = null!;

    public BlockAttestationTests(ICryptoSuite suite)
    {
        this.suite = suite;
    }

    [OneTimeSetUp]
    public void SignOnce()
    {
        nodeKey = suite.GenerateKeyPair();
        header = BlockHeaderFixtures.FullyPopulated();
        attestation = BlockAttestations.Sign(nodeKey, "node-2", header, suite.Hash);
    }

    [Test]
    public void Sign_FillsEveryField()
    {
        Assert.That(attestation.NodeId, Is.EqualTo("node-2"));
        Assert.That(attestation.KeyId.ToByteArray(), Is.EqualTo(nodeKey.KeyId.ToArray()));
        Assert.That(attestation.Suite, Is.EqualTo(suite.Name));
        Assert.That(attestation.BlockHash.ToByteArray(), Is.EqualTo(BlockHash.Compute(header, suite.Hash)));
        Assert.That(attestation.Height, Is.EqualTo(header.Height));
        Assert.That(attestation.Signature.Length, Is.EqualTo(suite.SignatureSizeBytes));
    }

    [Test]
    public void Verify_OwnAttestation_IsAccepted()
    {
        Assert.That(BlockAttestations.Verify(nodeKey.Public, attestation, header, suite.Hash), Is.True);
        Assert.That(BlockAttestations.VerifySignature(nodeKey.Public, attestation, header.ChainId), Is.True);
    }

    [Test]
    public void SignWithKnownHash_EqualsSigningTheHeaderApartFromRandomisedSignature()
    {
        var blockHash = BlockHash.Compute(header, suite.Hash);

        var fromHash = BlockAttestations.Sign(nodeKey, "node-2", header.ChainId, header.Height, blockHash);

        Assert.That(fromHash.BlockHash, Is.EqualTo(attestation.BlockHash));
        Assert.That(fromHash.Height, Is.EqualTo(attestation.Height));
        Assert.That(BlockAttestations.Verify(nodeKey.Public, fromHash, header, suite.Hash), Is.True);
    }

    [Test]
    public void Verify_AfterProtobufRoundTrip_IsAccepted()
    {
        var received = Attestation.Parser.ParseFrom(attestation.ToByteArray());

        Assert.That(BlockAttestations.Verify(nodeKey.Public, received, header, suite.Hash), Is.True);
    }

    [Test]
    public void Verify_OtherHeader_IsRejected()
    {
        var other = header.Clone();
        other.TxCount++;

        Assert.That(BlockAttestations.Verify(nodeKey.Public, attestation, other, suite.Hash), Is.False);
    }

    [Test]
    public void Verify_HeightRewritten_IsRejected()
    {
        var rewritten = attestation.Clone();
        rewritten.Height++;

        Assert.That(BlockAttestations.VerifySignature(nodeKey.Public, rewritten, header.ChainId), Is.False);
    }

    [Test]
    public void Verify_OtherNodeKey_IsRejected()
    {
        var otherKey = suite.GenerateKeyPair().Public;

        Assert.That(BlockAttestations.Verify(otherKey, attestation, header, suite.Hash), Is.False);
    }

    [Test]
    public void Verify_KeyIdOrSuiteRewritten_IsRejected()
    {
        var wrongKeyId = attestation.Clone();
        wrongKeyId.KeyId = ByteString.CopyFrom(new byte[32]);
        var wrongSuite = attestation.Clone();
        wrongSuite.Suite = "p256-sha256x";

        Assert.That(BlockAttestations.Verify(nodeKey.Public, wrongKeyId, header, suite.Hash), Is.False);
        Assert.That(BlockAttestations.Verify(nodeKey.Public, wrongSuite, header, suite.Hash), Is.False);
    }

    [Test]
    public void VerifySignature_OtherChainId_IsRejected()
    {
        Assert.That(BlockAttestations.VerifySignature(nodeKey.Public, attestation, "another-chain"), Is.False);
    }

    [Test]
    public void Verify_TamperedSignature_IsRejected()
    {
        var tampered = attestation.Clone();
        var signature = tampered.Signature.ToByteArray();
        signature[10] ^= 0x04;
        tampered.Signature = ByteString.CopyFrom(signature);

        Assert.That(BlockAttestations.Verify(nodeKey.Public, tampered, header, suite.Hash), Is.False);
    }

    [Test]
    public void Verify_GarbageAttestationAndHeader_ReturnFalseWithoutThrowing()
    {
        var garbage = new Attestation { KeyId = attestation.KeyId, Suite = suite.Name, Height = header.Height, BlockHash = ByteString.CopyFrom(new byte[500]) };
        var badHeader = header.Clone();
        badHeader.ChainId = string.Empty;

        Assert.That(BlockAttestations.Verify(nodeKey.Public, garbage, header, suite.Hash), Is.False);
        Assert.That(BlockAttestations.VerifySignature(nodeKey.Public, garbage, header.ChainId), Is.False);
        Assert.That(BlockAttestations.Verify(nodeKey.Public, attestation, badHeader, suite.Hash), Is.False);
        Assert.That(BlockAttestations.VerifySignature(nodeKey.Public, attestation, string.Empty), Is.False);
    }

    [Test]
    public void AttestationSignature_IsNotAValidTransactionSignature()
    {
        var payload = SigningInput.Create(SigningContexts.BlockAttestation, header.ChainId, []);

        Assert.That(payload.AsSpan().StartsWith("ledger/v1/block-attestation\0"u8), Is.True);
        Assert.That(TransactionSigning.Verify(nodeKey.Public, attestation.BlockHash.Span, attestation.Signature.Span, header.ChainId), Is.False);
    }
}

using System.Reflection;
using Google.Protobuf;
using Ledger.Client.Batches;
using Ledger.Client.Signing;
using Ledger.Core.Crypto;
using Ledger.Core.Hashing;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Client.Tests.Signing;

/// <summary>
/// Issue #19: the SDK signs every transaction through <see cref="ITransactionSigner"/>, so a signer
/// that keeps its private key (an HSM, a KMS) signs the exact signing input and nothing else; a
/// signature that does not verify is refused before anything is sent; the key-pair path is unchanged.
/// </summary>
public sealed class TransactionSignerTests
{
    private const string ChainId = "signer-test-chain";

    [TestCase(CryptoSuites.P256Sha256Name)]
    [TestCase(CryptoSuites.Ed25519Name)]
    [TestCase(CryptoSuites.Sm2Sm3Name)]
    public async Task BuildAsync_SignerHoldingItsKeyPrivately_SignsExactlyTheSigningInputAndTheSignatureVerifies(string suite)
    {
        var signer = new PrivateKeySigner(CryptoSuites.Get(suite).GenerateKeyPair());
        var builder = new TransactionBuilder(signer, ChainId);

        var transaction = await builder.RegisterWorkAsync(new RegisterWork { Title = "signed remotely" });

        Assert.That(signer.Inputs, Has.Count.EqualTo(1));
        Assert.That(signer.Inputs[0], Is.EqualTo(SigningInput.Create(SigningContexts.TransactionSignature, ChainId, transaction.Envelope.Span)));
        Assert.That(TransactionSigning.Verify(signer.PublicKey, transaction, ChainId), Is.True);
        var envelope = TransactionEnvelope.Parser.ParseFrom(transaction.Envelope);
        Assert.That(TransactionSigning.CheckBinding(envelope, signer.PublicKey, ChainId), Is.EqualTo(EnvelopeBindingError.None));
        Assert.That(envelope.Type, Is.EqualTo(TransactionType.RegisterWork));
    }

    [Test]
    public void Build_FromAKeyPair_SignsThroughKeyPairSignerWithTheSameBytesAsCoreSigning()
    {
        // Ed25519 is deterministic: same envelope, same signature, whichever path signs it.
        var key = CryptoSuites.Get(CryptoSuites.Ed25519Name).GenerateKeyPair();
        var time = new FixedTime(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var body = new RegisterWork { Title = "same bytes" };

        var fromKeyPair = new TransactionBuilder(key, ChainId, time, () => 42).RegisterWork(body);
        var fromSigner = new TransactionBuilder(new KeyPairSigner(key), ChainId, time, () => 42).RegisterWork(body);
        var fromCore = TransactionSigning.Sign(key, TransactionEnvelope.Parser.ParseFrom(fromKeyPair.Envelope));

        Assert.That(fromKeyPair, Is.EqualTo(fromCore));
        Assert.That(fromSigner, Is.EqualTo(fromCore));
        Assert.That(new TransactionBuilder(key, ChainId).TransactionSigner, Is.InstanceOf<KeyPairSigner>());
        Assert.That(new TransactionBuilder(key, ChainId).Signer, Is.SameAs(key));
    }

    [Test]
    public async Task BuildAsync_FromAKeyPair_SignsTheSameAsBuild()
    {
        var key = CryptoSuites.Get(CryptoSuites.Ed25519Name).GenerateKeyPair();
        var time = new FixedTime(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var builder = new TransactionBuilder(key, ChainId, time, () => 7);

        var synchronous = builder.Vote(new Vote { Approve = true });
        var asynchronous = await builder.VoteAsync(new Vote { Approve = true });

        Assert.That(asynchronous, Is.EqualTo(synchronous));
    }

    [Test]
    public async Task BatchRegisterAsync_ThroughASigner_SignsRootAndCountWithTheItemsDetached()
    {
        var signer = new PrivateKeySigner(CryptoSuites.Get(CryptoSuites.P256Sha256Name).GenerateKeyPair());
        var items = Enumerable.Range(1, 3).Select(i => new BatchItem { ContentSha256 = ByteString.CopyFrom(Enumerable.Repeat((byte)i, 32).ToArray()), ItemId = $"item-{i}" }).ToList();
        var batch = BatchRegistration.Build(items, MediaType.Image, new RightsHolder { MemberId = "platform" }, Sha256HashAlgorithm.Instance);

        var transaction = await new TransactionBuilder(signer, ChainId).BatchRegisterAsync(batch);

        Assert.That(BatchItems.Parser.ParseFrom(transaction.DetachedItems), Is.EqualTo(batch.Items));
        Assert.That(BatchRegister.Parser.ParseFrom(TransactionEnvelope.Parser.ParseFrom(transaction.Envelope).Body).ItemCount, Is.EqualTo(3));
        Assert.That(TransactionSigning.Verify(signer.PublicKey, transaction, ChainId), Is.True);
    }

    [Test]
    public void BuildAsync_SignerSignsWithAnotherKey_ThrowsBeforeAnythingIsReturned()
    {
        var suite = CryptoSuites.Get(CryptoSuites.P256Sha256Name);
        var signer = new PrivateKeySigner(suite.GenerateKeyPair(), signWith: suite.GenerateKeyPair());

        var error = Assert.ThrowsAsync<TransactionSignerException>(() => new TransactionBuilder(signer, ChainId).RegisterWorkAsync(new RegisterWork { Title = "wrong key" }));

        Assert.That(error!.Message, Does.Contain("does not verify under its public key"));
    }

    [Test]
    public void BuildAsync_SignerReturnsADerSizedSignature_ThrowsNamingTheSizes()
    {
        var signer = new PrivateKeySigner(CryptoSuites.Get(CryptoSuites.P256Sha256Name).GenerateKeyPair(), transform: signature => [0x30, .. signature, 0x00, 0x00]);

        var error = Assert.ThrowsAsync<TransactionSignerException>(() => new TransactionBuilder(signer, ChainId).RegisterWorkAsync(new RegisterWork { Title = "DER" }));

        Assert.That(error!.Message, Does.Contain("67-byte signature").And.Contain("64 bytes"));
    }

    [Test]
    public void BuildAsync_SignerFlipsOneBit_Throws()
    {
        var signer = new PrivateKeySigner(CryptoSuites.Get(CryptoSuites.Ed25519Name).GenerateKeyPair(), transform: signature =>
        {
            signature[5] ^= 0x01;
            return signature;
        });

        Assert.ThrowsAsync<TransactionSignerException>(() => new TransactionBuilder(signer, ChainId).RegisterWorkAsync(new RegisterWork { Title = "bit" }));
    }

    [Test]
    public void Build_SynchronousWithAnExternalSigner_ThrowsPointingToTheAsynchronousMethodsAndSignsNothing()
    {
        var signer = new PrivateKeySigner(CryptoSuites.Get(CryptoSuites.P256Sha256Name).GenerateKeyPair());
        var builder = new TransactionBuilder(signer, ChainId);

        var error = Assert.Throws<InvalidOperationException>(() => builder.RegisterWork(new RegisterWork { Title = "sync" }));

        Assert.That(error!.Message, Does.Contain("RegisterWorkAsync"));
        Assert.That(signer.Inputs, Is.Empty);
        Assert.Throws<InvalidOperationException>(() => _ = builder.Signer);
        Assert.That(builder.TransactionSigner, Is.SameAs(signer));
    }

    [Test]
    public void Constructor_SignersSuiteIsNotItsKeysSuite_Throws()
    {
        var signer = new PrivateKeySigner(CryptoSuites.Get(CryptoSuites.P256Sha256Name).GenerateKeyPair(), claimedSuite: CryptoSuites.Get(CryptoSuites.Sm2Sm3Name));

        var error = Assert.Throws<ArgumentException>(() => _ = new TransactionBuilder(signer, ChainId));

        Assert.That(error!.Message, Does.Contain("sm2-sm3").And.Contain("p256-sha256"));
    }

    [Test]
    public void BuildAsync_Cancelled_PropagatesTheCancellation()
    {
        var builder = new TransactionBuilder(new KeyPairSigner(CryptoSuites.Get(CryptoSuites.Ed25519Name).GenerateKeyPair()), ChainId);

        Assert.That(async () => await builder.RegisterWorkAsync(new RegisterWork(), new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void ITransactionSigner_HandsOutNoPrivateKeyMaterial()
    {
        var exposed = typeof(ITransactionSigner).GetMembers(BindingFlags.Public | BindingFlags.Instance)
            .Select(member => member switch
            {
                PropertyInfo property => property.PropertyType,
                MethodInfo method => method.ReturnType,
                _ => null,
            })
            .Where(type => type is not null)
            .ToList();

        Assert.That(exposed, Has.None.EqualTo(typeof(KeyPair)).And.None.EqualTo(typeof(PrivateKey)));
    }

    [Test]
    public async Task FromKeyFileAsync_KeyFile_SignsWithItsKey()
    {
        var key = CryptoSuites.Get(CryptoSuites.P256Sha256Name).GenerateKeyPair();
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, KeyFile.Export(key));

            var signer = await KeyPairSigner.FromKeyFileAsync(path);

            Assert.That(signer.PublicKey.ToArray(), Is.EqualTo(key.Public.ToArray()));
            var transaction = new TransactionBuilder(signer, ChainId).RegisterWork(new RegisterWork { Title = "from file" });
            Assert.That(TransactionSigning.Verify(key.Public, transaction, ChainId), Is.True);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task FromKeyFileAsync_FileLargerThanTheBound_RefusedWithoutParsing()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, new byte[KeyFile.FileBytesMax + 1]);

            var error = Assert.ThrowsAsync<InvalidDataException>(() => KeyPairSigner.FromKeyFileAsync(path));

            Assert.That(error!.Message, Does.Contain($"larger than {KeyFile.FileBytesMax} bytes"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// A signer in the shape of an HSM or KMS adapter: the key pair is a private field no caller can
    /// reach; it signs asynchronously (after a yield, as a remote call would) and records what it signed.
    /// </summary>
    private sealed class PrivateKeySigner(KeyPair key, KeyPair? signWith = null, Func<byte[], byte[]>? transform = null, ICryptoSuite? claimedSuite = null) : ITransactionSigner
    {
        private readonly KeyPair signingKey = signWith ?? key;

        public List<byte[]> Inputs { get; } = [];

        public PublicKey PublicKey { get; } = key.Public;

        public ICryptoSuite Suite => claimedSuite ?? PublicKey.Suite;

        public async ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> signingInput, CancellationToken cancellation = default)
        {
            await Task.Yield();
            cancellation.ThrowIfCancellationRequested();
            Inputs.Add(signingInput.ToArray());
            var signature = signingKey.Sign(signingInput.Span);
            return transform is null ? signature : transform(signature);
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

using System.Threading.Channels;
using Google.Protobuf;
using Ledger.Client.Signing;
using Ledger.Client.Verification;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Client.IntegrationTests;

/// <summary>
/// Issue #19 against a live node: a member whose key never leaves its signing service (an HSM or KMS
/// in production) registers a work through the SDK, the node accepts it, and the receipt verifies
/// offline exactly as Ledger.Client/README.md shows.
/// </summary>
public sealed class ExternalSignerNodeTests
{
    private TestCluster? cluster;
    private ConsortiumGenesis genesis = null!;

    private TestCluster Cluster => cluster ?? throw new InvalidOperationException("the node did not start");

    [OneTimeSetUp]
    public async Task StartNodeAsync()
    {
        cluster = await TestCluster.StartAsync(1);
        genesis = ConsortiumGenesis.Parse(await File.ReadAllBytesAsync(cluster.Consortium.GenesisPath));
    }

    [OneTimeTearDown]
    public async Task StopNodeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
    }

    [Test]
    public async Task SubmitAsync_SignedBySigningServiceThatKeepsItsKey_NodeAcceptsAndTheReceiptVerifiesOffline()
    {
        await using var service = new SigningService(Cluster.Consortium.Platform);
        var builder = new TransactionBuilder(service.Connect(), genesis.ChainId);
        await using var client = new LedgerClient(new LedgerClientOptions { Endpoints = [new Uri(Cluster.Nodes[0].PublicUrl)], Genesis = genesis });

        var transaction = await builder.RegisterWorkAsync(new RegisterWork
        {
            ContentHash = new ContentHash { Sha256 = ByteString.CopyFrom(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) },
            MediaType = MediaType.Image,
            Title = "signed by a signing service",
            RightsHolder = new RightsHolder { MemberId = "platform-1" },
        });
        var receipt = await client.SubmitAsync(transaction);

        Assert.That(service.SignaturesMade, Is.EqualTo(1));
        Assert.That(receipt.Result.Code, Is.EqualTo(ResultCode.Ok), receipt.Result.Reason);
        Assert.That(receipt.Status, Is.EqualTo(ReceiptStatus.Verified), receipt.Detail);

        // Offline, as in the README: the saved receipt and certified header against the genesis alone.
        var saved = Receipt.Parser.ParseFrom(receipt.Receipt.ToByteArray());
        var certified = CertifiedHeader.Parser.ParseFrom(receipt.Certificate!.Certified.ToByteArray());
        var chainHash = CryptoSuites.Get(genesis.Suite).Hash;
        Assert.DoesNotThrow(() => ReceiptVerifier.Verify(saved, saved.TxHash.Span, chainHash, genesis.ChainId));
        var certificate = QuorumCertificate.TryVerify(certified, new ConsortiumState(genesis), out var failure);
        Assert.That(certificate, Is.Not.Null, failure);
        Assert.That(certificate!.Header, Is.EqualTo(saved.Header));

        // The same check refuses a receipt whose recorded result was changed after the fact.
        var tampered = saved.Clone();
        tampered.Result.Code = ResultCode.Rejected;
        Assert.Throws<ClientVerificationException>(() => ReceiptVerifier.Verify(tampered, tampered.TxHash.Span, chainHash, genesis.ChainId));
    }

    /// <summary>
    /// An out-of-process signer in miniature: the key pair lives in this object's private field and is
    /// used only by its own loop, which answers signing requests over a channel. Callers get the
    /// public key (decoded from its bytes, as a KMS hands it out) and signatures, nothing else.
    /// </summary>
    private sealed class SigningService : IAsyncDisposable
    {
        private readonly Channel<(byte[] Input, TaskCompletionSource<byte[]> Reply)> requests = Channel.CreateBounded<(byte[], TaskCompletionSource<byte[]>)>(16);
        private readonly KeyPair key;
        private readonly Task loop;
        private int signaturesMade;

        public SigningService(KeyPair key)
        {
            this.key = key;
            loop = Task.Run(ServeAsync);
        }

        public int SignaturesMade => Volatile.Read(ref signaturesMade);

        public ITransactionSigner Connect() => new RemoteSigner(CryptoSuites.Get(key.Suite.Name).DecodePublicKey(key.Public.ToArray()), requests.Writer);

        public async ValueTask DisposeAsync()
        {
            requests.Writer.TryComplete();
            await loop;
        }

        private async Task ServeAsync()
        {
            await foreach (var (input, reply) in requests.Reader.ReadAllAsync())
            {
                Interlocked.Increment(ref signaturesMade);
                reply.TrySetResult(key.Sign(input));
            }
        }
    }

    /// <summary>The SDK side: a public key and a request channel.</summary>
    private sealed class RemoteSigner(PublicKey publicKey, ChannelWriter<(byte[] Input, TaskCompletionSource<byte[]> Reply)> service) : ITransactionSigner
    {
        public PublicKey PublicKey => publicKey;

        public ICryptoSuite Suite => publicKey.Suite;

        public async ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> signingInput, CancellationToken cancellation = default)
        {
            var reply = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            await service.WriteAsync((signingInput.ToArray(), reply), cancellation);
            return await reply.Task.WaitAsync(cancellation);
        }
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Registry;
using Ledger.Registry.Applying;
using Ledger.Registry.Batches;
using Ledger.Registry.Signatures;

namespace Ledger.Bench;

/// <summary>
/// Registry transactions built before any timed phase for the in-process registry benchmark. The
/// applier trusts that signatures were checked at the door, so these carry a real signer key id
/// and a fresh nonce but no signature; the transaction hash is the SHA-256 of the envelope.
/// </summary>
public sealed class RegistryWorkload
{
    public const string ChainId = "registry-bench";
    public const string PlatformMemberId = "platform-1";
    private const string Suite = CryptoSuites.P256Sha256Name;

    private readonly byte[] platformKeyId;
    private readonly SignatureVerdict platformSignature;
    private ulong nextNonce = 1;

    /// <param name="parallelismMax">Threads the applier may use inside a block (1: the one-core figure).</param>
    public RegistryWorkload(int parallelismMax)
    {
        Options = new RegistryOptions(Sha256HashAlgorithm.Instance) { ParallelismMax = parallelismMax };
        Genesis = CreateGenesis();
        platformKeyId = SHA256.HashData(FakePublicKey(PlatformMemberId));
        platformSignature = new SignatureVerdict(ChainId, FakePublicKey(PlatformMemberId), isValid: true);
    }

    public ConsortiumGenesis Genesis { get; }

    public RegistryOptions Options { get; }

    /// <summary><paramref name="count"/> single RegisterWork transactions (image, ~200-byte title, perceptual hash), each with fresh random content.</summary>
    public RegistryTransaction[] RegisterWorks(int count)
    {
        var transactions = new RegistryTransaction[count];
        var holder = new RightsHolder { MemberId = PlatformMemberId };
        for (var i = 0; i < count; i++)
        {
            var body = new RegisterWork
            {
                ContentHash = new ContentHash { Sha256 = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)) },
                MediaType = MediaType.Image,
                Title = "bench work " + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                PerceptualHash = RandomHash(),
                RightsHolder = holder,
            };
            transactions[i] = Wrap(TransactionType.RegisterWork, body.ToByteString());
        }

        return transactions;
    }

    /// <summary>One BatchRegister of <paramref name="items"/> image items (random content hash, 20-byte item id, perceptual hash) with its RFC 9162 root.</summary>
    public RegistryTransaction BatchRegister(int items)
    {
        var (body, detached) = BatchBody(Options.Hash, items, PlatformMemberId);
        return Wrap(TransactionType.BatchRegister, body.ToByteString(), detached.ToByteString());
    }

    /// <summary>A BatchRegister body (root and count) and its detached items; shared with the end-to-end mode, which signs it with a real key.</summary>
    public static (BatchRegister Body, BatchItems Items) BatchBody(IHashAlgorithm hash, int items, string holderMemberId)
    {
        var detached = new BatchItems();
        var content = RandomNumberGenerator.GetBytes(32 * items);
        // An sm2-sm3 consortium (SM3 chain hash) requires each item's SM3 too (ContentHashPolicy).
        var sm3 = hash.Name == "sm3" ? RandomNumberGenerator.GetBytes(32 * items) : null;
        var prefix = Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
        for (var i = 0; i < items; i++)
        {
            detached.Items.Add(new BatchItem
            {
                ContentSha256 = ByteString.CopyFrom(content, 32 * i, 32),
                ContentSm3 = sm3 is null ? ByteString.Empty : ByteString.CopyFrom(sm3, 32 * i, 32),
                ItemId = prefix + "-" + i.ToString("D11", System.Globalization.CultureInfo.InvariantCulture),
                PerceptualHash = RandomHash(),
            });
        }

        var body = new BatchRegister
        {
            MediaType = MediaType.Image,
            RightsHolder = new RightsHolder { MemberId = holderMemberId },
            ItemCount = (uint)items,
            MerkleRoot = ByteString.CopyFrom(BatchMerkleRoot.Compute(hash, detached.Items)),
        };
        return (body, detached);
    }

    public static ulong RandomHash()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    private RegistryTransaction Wrap(TransactionType type, ByteString body, ByteString? detachedItems = null)
    {
        var envelope = new TransactionEnvelope
        {
            ChainId = ChainId,
            Nonce = nextNonce++,
            Type = type,
            Body = body,
            SignerKeyId = ByteString.CopyFrom(platformKeyId),
            Suite = Suite,
        };
        // The rules alone are measured: the signature verdict comes precomputed, as on a node whose
        // door or pre-verifier checked it (fake keys cannot sign anyway).
        return new RegistryTransaction(SHA256.HashData(envelope.ToByteArray()), envelope, precomputedSignature: platformSignature, detachedItems: detachedItems);
    }

    private static byte[] FakePublicKey(string id) => Encoding.UTF8.GetBytes("bench-pk/" + id);

    private static ConsortiumGenesis CreateGenesis()
    {
        static GenesisMember Member(string id, string role) => new()
        {
            Id = id,
            Name = id,
            Role = role,
            Keys = [new GenesisKey { Suite = Suite, PublicKey = FakePublicKey(id) }],
        };

        static GenesisNode Node(int n) => new()
        {
            Id = "node-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Address = "http://127.0.0.1:" + (7400 + n).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Key = new GenesisKey { Suite = Suite, PublicKey = FakePublicKey("node-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
        };

        return new ConsortiumGenesis
        {
            FormatVersion = ConsortiumGenesis.CurrentFormatVersion,
            ChainId = ChainId,
            Suite = Suite,
            ProposalExpiryBlocks = 100,
            Members = [Member("admin-1", "admin"), Member(PlatformMemberId, "platform"), Member("court-1", "court")],
            Nodes = [Node(1), Node(2), Node(3)],
        };
    }
}

using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using Ledger.Client.Batches;
using Ledger.Client.Signing;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;

namespace Ledger.Bench.Scale;

/// <summary>
/// The scale bench's items, a pure function of (seed, batch, item): the bench keeps no item hashes
/// and regenerates any earlier item to query it, so its own memory stays flat however many it sends.
/// Content hashes are SplitMix64 output (cheap enough that the generator does not compete with the
/// node for the shared cores); every <c>perceptualEvery</c>th item also carries a perceptual
/// hash, so similar-works queries have an index to search.
/// </summary>
internal sealed class ScaleItems(ulong seed, int perceptualEvery)
{
    /// <summary>By default one item in this many carries a perceptual hash (the node holds every image's hash in memory: ~72 bytes each).</summary>
    public const int DefaultPerceptualEvery = 4;

    private const ulong Golden = 0x9E3779B97F4A7C15;

    public ulong Seed => seed;

    public int PerceptualEvery => perceptualEvery;

    public bool HasPerceptualHash(int item) => item % perceptualEvery == 0;

    public byte[] ContentHash(long batch, int item)
    {
        var key = Key(batch, item);
        var content = new byte[32];
        for (var word = 0; word < 4; word++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(content.AsSpan(8 * word), Mix(key + (ulong)(word + 1) * Golden));
        }

        return content;
    }

    public ulong PerceptualHash(long batch, int item) => Mix(Key(batch, item) ^ 0xC2B2AE3D27D4EB4F);

    public string ItemId(long batch, int item) => string.Create(CultureInfo.InvariantCulture, $"scale-{seed:x}-{batch}-{item}");

    public BatchItem Item(long batch, int item)
    {
        var result = new BatchItem { ContentSha256 = ByteString.CopyFrom(ContentHash(batch, item)), ItemId = ItemId(batch, item) };
        if (HasPerceptualHash(item))
        {
            result.PerceptualHash = PerceptualHash(batch, item);
        }

        return result;
    }

    /// <summary>Batch <paramref name="batch"/>, built and signed through the SDK (items detached, root signed).</summary>
    public SignedTransaction SignedBatch(TransactionBuilder builder, RightsHolder holder, long batch, int items)
    {
        var list = new BatchItem[items];
        for (var i = 0; i < items; i++)
        {
            list[i] = Item(batch, i);
        }

        var built = BatchRegistration.Build(list, MediaType.Image, holder, Sha256HashAlgorithm.Instance);
        return builder.BatchRegister(built);
    }

    /// <summary>Single registration <paramref name="index"/>: its own content space (negative batch numbers), with a perceptual hash.</summary>
    public SignedTransaction SignedSingle(TransactionBuilder builder, RightsHolder holder, long index) => builder.RegisterWork(new RegisterWork
    {
        ContentHash = new ContentHash { Sha256 = ByteString.CopyFrom(ContentHash(-1 - index, 0)) },
        MediaType = MediaType.Image,
        Title = string.Create(CultureInfo.InvariantCulture, $"scale single {index}"),
        PerceptualHash = PerceptualHash(-1 - index, 0),
        RightsHolder = holder,
    });

    private ulong Key(long batch, int item) => Mix(seed ^ Mix((ulong)batch * Golden)) ^ ((ulong)(uint)item << 1);

    // SplitMix64's finalizer: a bijection that scatters nearby inputs.
    private static ulong Mix(ulong z)
    {
        z += Golden;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}

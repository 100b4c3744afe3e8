using System.Text;
using Google.Protobuf;
using Ledger.Cli.Batches;
using Ledger.Core.Crypto;
using Ledger.Core.Protocol;
using Ledger.Registry.Bounds;

namespace Ledger.Fuzz.Batches;

/// <summary>
/// <c>ledger batch-register FILE.csv</c>'s reader (<see cref="CsvManifestReader"/>) on mutated manifests, opened
/// from a file as the command opens it. Properties: any bytes either parse or are refused with a
/// <see cref="ManifestFormatException"/> (one bounded line) — no other exception; the bytes the reader
/// allocates stay within a constant plus a bound per item, whatever the input's length; every item it
/// accepts is one the node's bounds accept (<see cref="DetachedItemsBounds"/>); no item id starts with a
/// byte order mark; and skipping batches (as a resume does) counts and digests exactly what reading them does.
/// </summary>
public static class CsvManifestFuzz
{
    /// <summary>Bytes the reader may allocate besides its items: its buffers (64 K chars twice, a line, the file stream's).</summary>
    public const long ReaderAllocationBytesMax = 1024 * 1024;

    /// <summary>Bytes allocated per item read (the item, its id and hash, its location string), generously.</summary>
    public const long ItemAllocationBytesMax = 2048;

    private static readonly string Hash1 = new('a', 64);
    private static readonly string Hash2 = Convert.ToHexStringLower(Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray());

    public static IReadOnlyList<byte[]> Seeds { get; } =
    [
        Encoding.UTF8.GetBytes($"item_id,content_sha256_hex,phash_hex\nphoto-1,{Hash1},00ff00ff00ff00ff\nphoto-2,{Hash2}\n# a comment\n\nphoto-3,{Hash1},\r\n"),
        Encoding.UTF8.GetBytes($"caf\u00e9-\u00fc,{Hash2}\n\U0001F600/x,{Hash1},1\n{new string('i', 64)},{Hash1}\n{new string('\u00e9', 32)},{Hash2}\n"),
        [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes($"first,{Hash1}\nsecond,{Hash2}\n")],
        Encoding.UTF8.GetBytes($"  spaced id  , {Hash2} , ffffffffffffffff \nlast,{Hash1}"),
        // sm2-sm3 manifests (issue 20): the header names the SM3 column; SHA-256 beside it, or SM3 alone.
        Encoding.UTF8.GetBytes($"item_id,content_sha256,content_sm3,phash\nsm-1,{Hash1},{Hash2},0f\nsm-2,{Hash2},{Hash1}\n"),
        Encoding.UTF8.GetBytes($"item_id,sm3\nsm-only-1,{Hash2}\nsm-only-2,{Hash1}\n"),
    ];

    /// <summary>The suite a case reads under: sm2-sm3 when the input (still) mentions sm3, p256-sha256 otherwise.</summary>
    private static string SuiteOf(byte[] input) => input.AsSpan().IndexOf("sm3"u8) >= 0 ? CryptoSuites.Sm2Sm3Name : CryptoSuites.P256Sha256Name;

    public static FuzzOutcome Check(byte[] input, Random random, string directory)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(random);
        var path = Path.Combine(directory, "manifest.csv");
        File.WriteAllBytes(path, input);
        var batchSize = 1 + random.Next(7);
        var items = new List<BatchItem>();
        var batches = new List<(int Count, string Digest)>();
        var suite = SuiteOf(input);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            using (var reader = CsvManifestReader.Open(path, suite))
            {
                int count;
                while ((count = reader.ReadBatch(items, batchSize, skip: false)) > 0)
                {
                    batches.Add((count, reader.SourceDigestHex()));
                }
            }
        }
        catch (ManifestFormatException refused)
        {
            return Bounded(allocatedBefore, items.Count) ?? FuzzOutcome.Refused(refused.Message);
        }
        catch (Exception other)
        {
            return FuzzOutcome.Finding($"csv reader threw {other.GetType().Name}: {other.Message}");
        }

        return Bounded(allocatedBefore, items.Count) ?? AgreesWithTheNode(items, suite) ?? NoByteOrderMark(items) ?? SkipMatchesRead(path, suite, batchSize, batches)
            ?? FuzzOutcome.Accepted($"{items.Count} items in {batches.Count} batches");
    }

    private static FuzzOutcome? Bounded(long allocatedBefore, int items)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return allocated <= ReaderAllocationBytesMax + (items * ItemAllocationBytesMax)
            ? null
            : FuzzOutcome.Finding($"csv reader allocated {allocated} bytes for {items} items");
    }

    /// <summary>Every accepted item passes the node's item bounds (ManifestBounds promises "a line the CLI accepts is one the node accepts").</summary>
    internal static FuzzOutcome? AgreesWithTheNode(IReadOnlyList<BatchItem> items, string suite)
    {
        if (items.Count == 0)
        {
            return null;
        }

        var detached = new BatchItems();
        detached.Items.AddRange(items);
        var body = new BatchRegister { ItemCount = (uint)items.Count, MediaType = MediaType.ProductListing };
        return DetachedItemsBounds.Validate(TransactionType.BatchRegister, body, detached.ToByteString(), suite, out _) is { } violation
            ? FuzzOutcome.Finding($"an item the reader accepted is out of the node's bounds: {violation.Reason} {violation.Detail}")
            : null;
    }

    private static FuzzOutcome? NoByteOrderMark(IReadOnlyList<BatchItem> items) =>
        items.FirstOrDefault(item => item.ItemId.StartsWith('\uFEFF')) is { } marked
            ? FuzzOutcome.Finding($"item id '{marked.ItemId}' starts with a byte order mark (U+FEFF)")
            : null;

    /// <summary>A resume skips the acknowledged batches: counts and digests must be what reading them gave.</summary>
    private static FuzzOutcome? SkipMatchesRead(string path, string suite, int batchSize, List<(int Count, string Digest)> read)
    {
        using var reader = CsvManifestReader.Open(path, suite);
        for (var b = 0; b < read.Count; b++)
        {
            var count = reader.ReadBatch([], batchSize, skip: true);
            var digest = reader.SourceDigestHex();
            if (count != read[b].Count || digest != read[b].Digest)
            {
                return FuzzOutcome.Finding($"skipping batch {b} gave {count} items, digest {digest}; reading it gave {read[b].Count}, {read[b].Digest}");
            }
        }

        return reader.ReadBatch([], batchSize, skip: true) == 0 ? null : FuzzOutcome.Finding("skipping found items past the end reading found");
    }
}

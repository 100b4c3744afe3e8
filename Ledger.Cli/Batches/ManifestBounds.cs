using System.Text;
using Ledger.Client.Batches;
using Ledger.Registry.Applying;

namespace Ledger.Cli.Batches;

/// <summary>
/// Every bound of <c>ledger batch-register</c>'s input and pipeline, stated once and checked here.
/// Item bounds are the registry's own (<see cref="RegistryLimits"/>), so a line the CLI accepts is
/// one the node accepts.
/// </summary>
public static class ManifestBounds
{
    /// <summary>A CSV line (item_id,content_sha256_hex[,phash_hex]) in characters: 64 + 64 + 16 and separators fit many times over.</summary>
    public const int LineCharsMax = 4096;

    public const int ItemIdBytesMax = RegistryLimits.ItemIdBytesMax;

    public const int ContentHashBytes = RegistryLimits.HashBytes;

    public const int BatchSizeMax = BatchRegistration.ItemsMax;

    public const int BatchSizeDefault = 10_000;

    /// <summary>Batches submitted and not yet acknowledged at once; each holds one batch in memory.</summary>
    public const int InFlightMax = 16;

    public const int InFlightDefault = 4;

    /// <summary>
    /// Entries of one directory of a directory manifest: its names are held (sorted) while it is walked, so
    /// this bounds the reader's memory (1,000,000 names of 255 bytes at most). Split larger directories.
    /// </summary>
    public const int DirectoryEntriesMax = 1_000_000;

    /// <summary>Nesting of a directory manifest (one sorted listing is held per level).</summary>
    public const int DirectoryDepthMax = 32;

    /// <summary>run.json, state.json and a batch manifest's header line: a few hundred bytes when written; a resume reads no more.</summary>
    public const int JournalFileBytesMax = 64 * 1024;

    /// <summary>A journal entry's JSON header line (batch, tx hash, counts, digest).</summary>
    public const int JournalEntryHeaderBytesMax = 4096;

    /// <summary>
    /// A whole journal entry: its header line and the signed transaction — the detached items at the registry's
    /// bound, and room for the envelope (its body within the registry's bound) and the signature.
    /// </summary>
    public const int JournalEntryBytesMax = JournalEntryHeaderBytesMax + RegistryLimits.BatchItemsBytesMax + (2 * RegistryLimits.TransactionBodyBytesMax);

    /// <summary>Checks an item id (the CSV's first field or a file's relative path) against the registry's bound.</summary>
    /// <exception cref="ManifestFormatException">It is empty or longer than <see cref="ItemIdBytesMax"/> UTF-8 bytes.</exception>
    public static void CheckItemId(string itemId, string location)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        if (itemId.Length == 0)
        {
            throw new ManifestFormatException(location, "item_id is empty");
        }

        var bytes = Encoding.UTF8.GetByteCount(itemId);
        if (bytes > ItemIdBytesMax)
        {
            throw new ManifestFormatException(location, $"item_id is {bytes} bytes, more than {nameof(ItemIdBytesMax)}={ItemIdBytesMax}");
        }
    }

    /// <summary>Checks the command's --batch-size and --in-flight.</summary>
    public static string? CheckOptions(int batchSize, int inFlight) =>
        batchSize is < 1 or > BatchSizeMax ? $"--batch-size must be 1..{BatchSizeMax}"
        : inFlight is < 1 or > InFlightMax ? $"--in-flight must be 1..{InFlightMax}"
        : null;
}

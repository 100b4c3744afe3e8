using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Ledger.Core.Protocol;

namespace Ledger.Cli.Batches;

/// <summary>
/// A CSV manifest, <c>item_id,content_sha256_hex[,phash_hex]</c> per line, read line by line: blank
/// lines, <c>#</c> comments and a first line starting with <c>item_id</c> are skipped, and a UTF-8 byte order mark
/// before the first line is dropped. A first line that names a <c>content_sm3</c> column (or <c>sm3</c>)
/// sets the columns instead (<see cref="CsvColumns"/>): e.g. <c>item_id,content_sha256,content_sm3,phash</c>,
/// or <c>item_id,content_sm3</c> for SM3 alone — what an sm2-sm3 consortium requires of every item
/// (<see cref="ContentHashPolicy"/>; the reader names the line of an item without it). A line longer than
/// <see cref="ManifestBounds.LineCharsMax"/> is refused without being held, so memory stays at one
/// read buffer and one batch whatever the file holds. Errors name <c>file:line</c>.
/// </summary>
public sealed class CsvManifestReader : IManifestReader
{
    private const int ReadBufferChars = 64 * 1024;

    private const char ByteOrderMark = '\uFEFF';

    private readonly TextReader reader;
    private readonly string name;
    private readonly char[] buffer = new char[ReadBufferChars];
    private readonly char[] line = new char[ManifestBounds.LineCharsMax];
    private readonly IncrementalHash digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] digestScratch = new byte[Encoding.UTF8.GetMaxByteCount(ManifestBounds.LineCharsMax + 1)];
    private int bufferStart;
    private int bufferEnd;
    private long lineNumber;
    private bool ended;

    private readonly string? suite;
    private CsvColumns columns = CsvColumns.Default;

    /// <param name="suite">The consortium's suite, whose required content hash every item must carry (checked per line); null: not checked.</param>
    public CsvManifestReader(TextReader reader, string name, long totalBytes, string? suite = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(name);
        this.reader = reader;
        this.name = name;
        this.suite = suite;
        TotalUnits = totalBytes;
    }

    public string Kind => "csv";

    public long TotalUnits { get; }

    public long UnitsRead { get; private set; }

    public static CsvManifestReader Open(string path, string? suite = null)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return new CsvManifestReader(new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024), path, stream.Length, suite);
    }

    public int ReadBatch(List<BatchItem> into, int count, bool skip)
    {
        ArgumentNullException.ThrowIfNull(into);
        var read = 0;
        while (read < count && NextLine() is { } length)
        {
            var text = line.AsSpan(0, length);
            digest.AppendData(digestScratch.AsSpan(0, Encoding.UTF8.GetBytes(text, digestScratch)));
            digest.AppendData("\n"u8);
            var trimmed = text.TrimEnd('\r');
            if (lineNumber == 1 && trimmed.StartsWith(ByteOrderMark))
            {
                // Spreadsheets save CSV with a UTF-8 byte order mark: a marker of the encoding, not the first item id's first character.
                trimmed = trimmed[1..];
            }

            if (trimmed.IsWhiteSpace() || trimmed.StartsWith("#"))
            {
                continue;
            }

            if (lineNumber == 1 && trimmed.StartsWith("item_id", StringComparison.Ordinal))
            {
                columns = CsvColumns.FromHeader(trimmed, $"{name}:{lineNumber}");
                continue;
            }

            var location = $"{name}:{lineNumber}";
            var item = Parse(trimmed, location, columns);
            if (suite is not null && ContentHashPolicy.Check(suite, item.ContentSha256.Span, item.ContentSm3.Span) is { Kind: ContentHashProblemKind.Missing })
            {
                throw new ManifestFormatException(location, ContentHashPolicy.RequiresSm3(suite)
                    ? $"an {suite} consortium requires each item's SM3: name the columns in a first line such as item_id,content_sha256,content_sm3,phash"
                    : $"a {suite} consortium requires each item's SHA-256 (the content_sha256 column)");
            }

            if (!skip)
            {
                into.Add(item);
            }

            read++;
        }

        return read;
    }

    public string SourceDigestHex() => Convert.ToHexStringLower(digest.GetCurrentHash());

    public void Dispose()
    {
        reader.Dispose();
        digest.Dispose();
    }

    /// <summary>One CSV line of the default columns (item_id,content_sha256_hex[,phash_hex]) as an item.</summary>
    internal static BatchItem Parse(ReadOnlySpan<char> text, string location) => Parse(text, location, CsvColumns.Default);

    /// <summary>One CSV line as an item; every field rule of the format is here.</summary>
    internal static BatchItem Parse(ReadOnlySpan<char> text, string location, CsvColumns columns)
    {
        Span<Range> fields = stackalloc Range[CsvColumns.ColumnsMax + 1];
        var fieldCount = text.Split(fields, ',');
        if (fieldCount < columns.Required || fieldCount > columns.Count)
        {
            throw new ManifestFormatException(location, $"expected {columns.Describe()}");
        }

        var itemId = text[fields[0]].Trim().ToString();
        ManifestBounds.CheckItemId(itemId, location);
        var item = new BatchItem { ItemId = itemId };
        if (columns.Sha256 >= 0)
        {
            item.ContentSha256 = ContentHash(text[fields[columns.Sha256]].Trim(), location, columns.Sm3 >= 0 ? "content_sha256 " : "");
        }

        if (columns.Sm3 >= 0)
        {
            item.ContentSm3 = ContentHash(text[fields[columns.Sm3]].Trim(), location, "content_sm3 ");
        }

        if (columns.PerceptualHash >= 0 && columns.PerceptualHash < fieldCount && text[fields[columns.PerceptualHash]].Trim() is { Length: > 0 } phash)
        {
            if (phash.Length > 16 || !ulong.TryParse(phash, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                throw new ManifestFormatException(location, "perceptual hash must be at most 16 hex digits");
            }

            item.PerceptualHash = value;
        }

        return item;
    }

    private static ByteString ContentHash(ReadOnlySpan<char> hex, string location, string column)
    {
        var hash = new byte[ManifestBounds.ContentHashBytes];
        if (hex.Length != 2 * ManifestBounds.ContentHashBytes || Convert.FromHexString(hex, hash, out _, out var written) != System.Buffers.OperationStatus.Done || written != hash.Length)
        {
            throw new ManifestFormatException(location, $"{column}content hash must be {ManifestBounds.ContentHashBytes} bytes of hex ({2 * ManifestBounds.ContentHashBytes} hex digits)");
        }

        return UnsafeByteOperations.UnsafeWrap(hash);
    }

    /// <summary>The next line's length in <see cref="line"/> (without its '\n'), or null at the end.</summary>
    private int? NextLine()
    {
        if (ended)
        {
            return null;
        }

        var length = 0;
        while (true)
        {
            if (bufferStart == bufferEnd)
            {
                try
                {
                    bufferEnd = reader.Read(buffer, 0, buffer.Length);
                }
                catch (DecoderFallbackException)
                {
                    throw new ManifestFormatException($"{name}:{lineNumber + 1}", "not UTF-8 text");
                }

                bufferStart = 0;
                if (bufferEnd == 0)
                {
                    ended = true;
                    if (length == 0)
                    {
                        return null;
                    }

                    lineNumber++;
                    return length;
                }
            }

            var available = buffer.AsSpan(bufferStart, bufferEnd - bufferStart);
            var newline = available.IndexOf('\n');
            var take = newline < 0 ? available.Length : newline;
            if (length + take > line.Length)
            {
                throw new ManifestFormatException($"{name}:{lineNumber + 1}", $"line is longer than {nameof(ManifestBounds.LineCharsMax)}={ManifestBounds.LineCharsMax} characters");
            }

            available[..take].CopyTo(line.AsSpan(length));
            length += take;
            bufferStart += take;
            UnitsRead += take;
            if (newline >= 0)
            {
                bufferStart++;
                UnitsRead++;
                lineNumber++;
                return length;
            }
        }
    }
}

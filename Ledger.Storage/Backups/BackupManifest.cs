using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ledger.Storage.Backups;

/// <summary>One file of a backup's database: its name (no directory), size and SHA-256.</summary>
public sealed record BackupFile(string Name, long SizeBytes, string Sha256Hex);

/// <summary>
/// What a backup holds (<c>backup-manifest.json</c> beside its <c>db</c> directory): the database's identity and the
/// point it was taken at, read from the checkpoint itself, and every file of it with its size and SHA-256. A restore
/// copies nothing until every listed file, and no other, is there with that size and hash
/// (<see cref="BackupVerifier"/>). Every field read back is bounded (<see cref="Parse"/>).
/// </summary>
public sealed record BackupManifest
{
    /// <summary>Version of this manifest's layout.</summary>
    public const int CurrentManifestVersion = 1;

    public const string FileName = "backup-manifest.json";

    /// <summary>The subdirectory holding the database files.</summary>
    public const string DatabaseDirectoryName = "db";

    /// <summary>Largest manifest read: a million files at ~150 bytes each.</summary>
    public const int ManifestBytesMax = 160 * 1024 * 1024;

    /// <summary>Most files a backup may list (a RocksDB directory of ~60 TB at 64 MB per table file).</summary>
    public const int FilesMax = 1_000_000;

    /// <summary>Longest file name (RocksDB's are ~20 characters; ext4 allows 255 bytes).</summary>
    public const int FileNameCharsMax = 255;

    /// <summary>Largest single file: 1 TiB (RocksDB's table and blob files are tens of MB).</summary>
    public const long FileBytesMax = 1L << 40;

    /// <summary>Longest hex hash (SHA-256 and SM3 are 64 hex digits).</summary>
    public const int HashHexCharsMax = 128;

    public int ManifestVersion { get; init; } = CurrentManifestVersion;

    public required string ChainId { get; init; }

    /// <summary>The consortium genesis hash (hex) the node ran with; empty when the backup was taken without one (a migration's own backup).</summary>
    public string GenesisHashHex { get; init; } = "";

    /// <summary>The on-disk format the backed-up directory is stamped with.</summary>
    public required uint StorageFormatVersion { get; init; }

    /// <summary>The last Raft index whose effects the backup holds (every column family at this one index).</summary>
    public required ulong AppliedRaftIndex { get; init; }

    /// <summary>The Raft term of the entry at <see cref="AppliedRaftIndex"/>.</summary>
    public required ulong AppliedRaftTerm { get; init; }

    /// <summary>The height of the last block the backup holds (0: none).</summary>
    public required ulong Height { get; init; }

    /// <summary>The hash of block <see cref="Height"/> (hex); empty at height 0.</summary>
    public required string HeadHashHex { get; init; }

    public required DateTimeOffset CreatedUtc { get; init; }

    public required IReadOnlyList<BackupFile> Files { get; init; }

    public long TotalBytes => Files.Sum(f => f.SizeBytes);

    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("manifestVersion", ManifestVersion);
            writer.WriteString("chainId", ChainId);
            writer.WriteString("genesisHash", GenesisHashHex);
            writer.WriteNumber("storageFormatVersion", StorageFormatVersion);
            writer.WriteNumber("appliedRaftIndex", AppliedRaftIndex);
            writer.WriteNumber("appliedRaftTerm", AppliedRaftTerm);
            writer.WriteNumber("height", Height);
            writer.WriteString("headHash", HeadHashHex);
            writer.WriteString("createdUtc", CreatedUtc.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteStartArray("files");
            foreach (var file in Files)
            {
                writer.WriteStartObject();
                writer.WriteString("name", file.Name);
                writer.WriteNumber("bytes", file.SizeBytes);
                writer.WriteString("sha256", file.Sha256Hex);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a manifest, checking every field once; a problem is <see cref="BackupVerificationException"/> naming the field.</summary>
    public static BackupManifest Parse(ReadOnlyMemory<byte> json, string source)
    {
        if (json.Length > ManifestBytesMax)
        {
            throw new BackupVerificationException($"{source} is {json.Length} bytes, more than the {ManifestBytesMax} a manifest may have");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (JsonException e)
        {
            throw new BackupVerificationException($"{source} is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new BackupVerificationException($"{source} is not a JSON object");
            }

            var version = (int)Number(root, "manifestVersion", source, int.MaxValue);
            if (version != CurrentManifestVersion)
            {
                throw new BackupVerificationException($"{source} has manifest version {version}; this build reads version {CurrentManifestVersion}");
            }

            var chainId = Text(root, "chainId", source, LedgerDatabaseOptions.ChainIdBytesMax, allowEmpty: false);
            var files = new List<BackupFile>();
            if (!root.TryGetProperty("files", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new BackupVerificationException($"{source}: 'files' is missing or not an array");
            }

            if (list.GetArrayLength() > FilesMax)
            {
                throw new BackupVerificationException($"{source} lists {list.GetArrayLength()} files, more than {FilesMax}");
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw new BackupVerificationException($"{source}: an entry of 'files' is not an object");
                }

                var name = Text(item, "name", source, FileNameCharsMax, allowEmpty: false);
                if (!IsPlainFileName(name))
                {
                    throw new BackupVerificationException($"{source}: file name '{name}' is not a plain file name (letters, digits, '.', '_', '-'; not '.' or '..')");
                }

                if (!names.Add(name))
                {
                    throw new BackupVerificationException($"{source} lists '{name}' twice");
                }

                var size = (long)Number(item, "bytes", source, (ulong)FileBytesMax);
                var sha = Text(item, "sha256", source, 64, allowEmpty: false);
                if (!IsHex(sha) || sha.Length != 64)
                {
                    throw new BackupVerificationException($"{source}: the SHA-256 of '{name}' is not 64 hex digits");
                }

                files.Add(new BackupFile(name, size, sha));
            }

            var headHash = Text(root, "headHash", source, HashHexCharsMax, allowEmpty: true);
            var genesisHash = Text(root, "genesisHash", source, HashHexCharsMax, allowEmpty: true);
            if (!IsHex(headHash) || !IsHex(genesisHash))
            {
                throw new BackupVerificationException($"{source}: 'headHash' and 'genesisHash' must be hex");
            }

            var created = Text(root, "createdUtc", source, 64, allowEmpty: false);
            if (!DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var createdUtc))
            {
                throw new BackupVerificationException($"{source}: 'createdUtc' is not a date");
            }

            return new BackupManifest
            {
                ManifestVersion = version,
                ChainId = chainId,
                GenesisHashHex = genesisHash,
                StorageFormatVersion = (uint)Number(root, "storageFormatVersion", source, uint.MaxValue),
                AppliedRaftIndex = Number(root, "appliedRaftIndex", source, ulong.MaxValue),
                AppliedRaftTerm = Number(root, "appliedRaftTerm", source, ulong.MaxValue),
                Height = Number(root, "height", source, ulong.MaxValue),
                HeadHashHex = headHash,
                CreatedUtc = createdUtc,
                Files = files,
            };
        }
    }

    /// <summary>A name RocksDB gives its files: no directory part, nothing a path could climb out with.</summary>
    public static bool IsPlainFileName(string name) =>
        name.Length is > 0 and <= FileNameCharsMax && name is not "." and not ".." && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static bool IsHex(string text) => text.All(char.IsAsciiHexDigit);

    private static ulong Number(JsonElement element, string name, string source, ulong max)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetUInt64(out var number))
        {
            throw new BackupVerificationException($"{source}: '{name}' is missing or not a non-negative integer");
        }

        if (number > max)
        {
            throw new BackupVerificationException($"{source}: '{name}' is {number}, more than {max}");
        }

        return number;
    }

    private static string Text(JsonElement element, string name, string source, int charsMax, bool allowEmpty)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw new BackupVerificationException($"{source}: '{name}' is missing or not a string");
        }

        var text = value.GetString()!;
        if (text.Length > charsMax || Encoding.UTF8.GetByteCount(text) > charsMax)
        {
            throw new BackupVerificationException($"{source}: '{name}' is longer than {charsMax} characters");
        }

        if (!allowEmpty && text.Length == 0)
        {
            throw new BackupVerificationException($"{source}: '{name}' is empty");
        }

        return text;
    }
}

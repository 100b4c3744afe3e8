using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Ledger.Client.Content;
using Ledger.Core.Protocol;

namespace Ledger.Cli.Batches;

/// <summary>
/// A directory manifest: every file below it is an item, its id the path relative to the directory
/// ('/'-separated), its content hash the file's SHA-256 — and its SM3 too, from the same read, for an
/// sm2-sm3 consortium (<see cref="ContentHashPolicy"/>; other suites' items stay SHA-256 only, so a
/// run started before SM3 items existed resumes with the very batches it signed). Walked depth-first, each directory's entries
/// sorted ordinally by name with a '/' after directory names — which is exactly the ordinal order of
/// the files' relative paths, without holding all of them: only one sorted listing per level (at most
/// <see cref="ManifestBounds.DirectoryEntriesMax"/> names, <see cref="ManifestBounds.DirectoryDepthMax"/> levels).
/// Symbolic links to directories are not followed.
/// </summary>
public sealed class DirectoryManifestReader : IManifestReader
{
    private readonly string root;
    private readonly Stack<Frame> frames = new();
    private readonly IncrementalHash digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    private readonly bool withSm3;

    /// <param name="suite">The consortium's suite: sm2-sm3 adds each file's SM3; null or another suite, SHA-256 only.</param>
    public DirectoryManifestReader(string root, string? suite = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        withSm3 = suite is not null && ContentHashPolicy.RequiresSm3(suite);
        this.root = Path.GetFullPath(root);
        frames.Push(Frame.List(this.root, "", 1));
    }

    public string Kind => "directory";

    public long TotalUnits => 0;

    public long UnitsRead { get; private set; }

    public int ReadBatch(List<BatchItem> into, int count, bool skip)
    {
        ArgumentNullException.ThrowIfNull(into);
        var read = 0;
        while (read < count && NextFile() is { } file)
        {
            ManifestBounds.CheckItemId(file.ItemId, file.FullPath);
            digest.AppendData(Encoding.UTF8.GetBytes(file.ItemId));
            digest.AppendData("\n"u8);
            if (!skip)
            {
                using var stream = RegularFile.OpenRead(file.FullPath);
                if (withSm3)
                {
                    var hashes = ContentHashes.Compute(stream);
                    into.Add(new BatchItem { ItemId = file.ItemId, ContentSha256 = hashes.Sha256, ContentSm3 = hashes.Sm3 });
                }
                else
                {
                    into.Add(new BatchItem { ItemId = file.ItemId, ContentSha256 = UnsafeByteOperations.UnsafeWrap(SHA256.HashData(stream)) });
                }
            }

            read++;
            UnitsRead++;
        }

        return read;
    }

    public string SourceDigestHex() => Convert.ToHexStringLower(digest.GetCurrentHash());

    public void Dispose() => digest.Dispose();

    private (string ItemId, string FullPath)? NextFile()
    {
        while (frames.TryPeek(out var frame))
        {
            if (frame.Next >= frame.Entries.Length)
            {
                frames.Pop();
                continue;
            }

            var entry = frame.Entries[frame.Next++];
            var full = Path.Combine(frame.FullPath, entry.Name);
            var relative = frame.Relative.Length == 0 ? entry.Name : frame.Relative + "/" + entry.Name;
            if (!entry.IsDirectory)
            {
                return (relative, full);
            }

            if (frame.Depth >= ManifestBounds.DirectoryDepthMax)
            {
                throw new ManifestFormatException(full, $"directories nest deeper than {nameof(ManifestBounds.DirectoryDepthMax)}={ManifestBounds.DirectoryDepthMax}");
            }

            frames.Push(Frame.List(full, relative, frame.Depth + 1));
        }

        return null;
    }

    private sealed class Frame
    {
        private Frame(string fullPath, string relative, int depth, (string Name, bool IsDirectory)[] entries)
        {
            FullPath = fullPath;
            Relative = relative;
            Depth = depth;
            Entries = entries;
        }

        public string FullPath { get; }

        public string Relative { get; }

        public int Depth { get; }

        public (string Name, bool IsDirectory)[] Entries { get; }

        public int Next { get; set; }

        public static Frame List(string fullPath, string relative, int depth)
        {
            var entries = new List<(string Name, bool IsDirectory)>();
            foreach (var info in new DirectoryInfo(fullPath).EnumerateFileSystemInfos())
            {
                if (entries.Count == ManifestBounds.DirectoryEntriesMax)
                {
                    throw new ManifestFormatException(fullPath, $"holds more than {nameof(ManifestBounds.DirectoryEntriesMax)}={ManifestBounds.DirectoryEntriesMax} entries; split it into subdirectories");
                }

                var isLink = info.LinkTarget is not null;
                if (info is DirectoryInfo && !isLink)
                {
                    entries.Add((info.Name, true));
                }
                else if (info is FileInfo)
                {
                    entries.Add((info.Name, false));
                }
            }

            // "a/" sorts where the paths under a/ sort among a's siblings ('.' < '/' < '0').
            entries.Sort((x, y) => string.CompareOrdinal(x.IsDirectory ? x.Name + "/" : x.Name, y.IsDirectory ? y.Name + "/" : y.Name));
            return new Frame(fullPath, relative, depth, [.. entries]);
        }
    }
}

using Ledger.Core.Protocol;
using Ledger.Storage.Snapshots;

namespace Ledger.Node.Snapshots;

/// <summary>Reads an exported snapshot's files as the one byte stream the transfer offsets refer to.</summary>
internal sealed class SnapshotStreamReader(string directory, SnapshotManifest manifest) : IDisposable
{
    private int fileIndex;
    private FileStream? current;

    public void Seek(ulong offset)
    {
        current?.Dispose();
        current = null;
        fileIndex = 0;
        while (fileIndex < manifest.Files.Count && offset >= manifest.Files[fileIndex].SizeBytes)
        {
            offset -= manifest.Files[fileIndex].SizeBytes;
            fileIndex++;
        }

        if (fileIndex < manifest.Files.Count)
        {
            current = Open(fileIndex);
            current.Seek((long)offset, SeekOrigin.Begin);
        }
    }

    /// <summary>Fills as much of <paramref name="buffer"/> as the stream has left; 0 at the end.</summary>
    public int Read(Span<byte> buffer)
    {
        var filled = 0;
        while (filled < buffer.Length && current is not null)
        {
            var read = current.Read(buffer[filled..]);
            if (read > 0)
            {
                filled += read;
                continue;
            }

            current.Dispose();
            current = ++fileIndex < manifest.Files.Count ? Open(fileIndex) : null;
        }

        return filled;
    }

    private FileStream Open(int index) =>
        new(Path.Combine(directory, SnapshotColumnFamilies.FileName(manifest.Files[index].ColumnFamily)), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);

    public void Dispose() => current?.Dispose();
}

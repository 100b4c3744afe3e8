using System.Buffers;
using System.Security.Cryptography;

namespace Ledger.Storage.Snapshots;

internal static class SnapshotHashing
{
    private const int ReadBufferBytes = 1 << 16;

    /// <summary>Feeds a file to <paramref name="sha"/>; returns its length.</summary>
    public static long AppendFile(string path, IncrementalHash sha)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ReadBufferBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            long size = 0;
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                size += read;
            }

            return size;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

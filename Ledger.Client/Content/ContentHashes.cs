using System.Buffers;
using System.Security.Cryptography;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Org.BouncyCastle.Crypto.Digests;

namespace Ledger.Client.Content;

/// <summary>
/// A work's content hashes as the SDK and the CLI send them: SHA-256 and SM3 of the same bytes,
/// computed in one read of the content, on every suite. Both are sent because the rules accept
/// both everywhere (<see cref="ContentHashPolicy"/>), duplicate detection is by either, and a
/// registration that names two hash functions stays evidence if one of them is broken later;
/// an sm2-sm3 consortium requires the SM3 one.
/// </summary>
public static class ContentHashes
{
    /// <summary>Read size of the one pass over a file or stream.</summary>
    public const int ReadBufferBytes = 1 << 20;

    /// <summary>SHA-256 and SM3 of <paramref name="content"/> (read to its end, once).</summary>
    public static async Task<ContentHash> ComputeAsync(Stream content, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var digests = new DigestPair();
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, ReadBufferBytes), cancellation).ConfigureAwait(false)) > 0)
            {
                digests.Append(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return digests.Finish();
    }

    /// <summary>SHA-256 and SM3 of a file's bytes.</summary>
    public static async Task<ContentHash> ComputeFileAsync(string path, CancellationToken cancellation = default)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return await ComputeAsync(stream, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>SHA-256 and SM3 of a file's bytes, read once (synchronously).</summary>
    public static ContentHash ComputeFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Compute(stream);
    }

    /// <summary>SHA-256 and SM3 of the rest of <paramref name="content"/>, read once (synchronously).</summary>
    public static ContentHash Compute(Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var stream = content;
        using var digests = new DigestPair();
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, ReadBufferBytes)) > 0)
            {
                digests.Append(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return digests.Finish();
    }

    /// <summary>SHA-256 and SM3 of <paramref name="content"/>.</summary>
    public static ContentHash Compute(ReadOnlySpan<byte> content)
    {
        var sm3 = new SM3Digest();
        sm3.BlockUpdate(content);
        var sm3Hash = new byte[sm3.GetDigestSize()];
        sm3.DoFinal(sm3Hash, 0);
        return new ContentHash { Sha256 = ByteString.CopyFrom(SHA256.HashData(content)), Sm3 = ByteString.CopyFrom(sm3Hash) };
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when a consortium of <paramref name="suite"/> would
    /// reject these hashes (the rules' own policy): checked before signing, so a registration the
    /// ledger would record as rejected is not sent at all.
    /// </summary>
    public static void EnsureAccepted(string suite, ContentHash hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        if (ContentHashPolicy.Check(suite, hash.Sha256.Span, hash.Sm3.Span) is { } problem)
        {
            throw new ArgumentException(problem.Message, nameof(hash));
        }
    }

    /// <summary>Both digests fed the same bytes, so one read of the content yields both hashes.</summary>
    private sealed class DigestPair : IDisposable
    {
        private readonly IncrementalHash sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly SM3Digest sm3 = new();

        public void Append(ReadOnlySpan<byte> bytes)
        {
            sha256.AppendData(bytes);
            sm3.BlockUpdate(bytes);
        }

        public ContentHash Finish()
        {
            var sm3Hash = new byte[sm3.GetDigestSize()];
            sm3.DoFinal(sm3Hash, 0);
            return new ContentHash { Sha256 = ByteString.CopyFrom(sha256.GetHashAndReset()), Sm3 = ByteString.CopyFrom(sm3Hash) };
        }

        public void Dispose() => sha256.Dispose();
    }
}

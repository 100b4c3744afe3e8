using Ledger.Core.Crypto;
using Ledger.Core.Keys;

namespace Ledger.Client.Signing;

/// <summary>
/// The <see cref="ITransactionSigner"/> for a key held in this process (loaded from a JSON key file,
/// see <see cref="KeyFile"/>). It signs synchronously, which is why only a builder over this signer
/// offers the synchronous <see cref="TransactionBuilder.Build(Ledger.Core.Protocol.TransactionType, Google.Protobuf.ByteString)"/>
/// overloads.
/// </summary>
public sealed class KeyPairSigner : ITransactionSigner
{
    /// <summary>Signs with <paramref name="keyPair"/>.</summary>
    public KeyPairSigner(KeyPair keyPair)
    {
        ArgumentNullException.ThrowIfNull(keyPair);
        KeyPair = keyPair;
    }

    /// <summary>The key pair this signer signs with.</summary>
    public KeyPair KeyPair { get; }

    /// <inheritdoc/>
    public PublicKey PublicKey => KeyPair.Public;

    /// <inheritdoc/>
    public ICryptoSuite Suite => KeyPair.Suite;

    /// <summary>
    /// Reads a JSON key file (at most <see cref="KeyFile.FileBytesMax"/> bytes) and signs with its key.
    /// </summary>
    /// <exception cref="KeyFileFormatException">The file is not a valid key file.</exception>
    /// <exception cref="InvalidDataException">The file is larger than <see cref="KeyFile.FileBytesMax"/> bytes.</exception>
    public static async Task<KeyPairSigner> FromKeyFileAsync(string path, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
        var buffer = new byte[KeyFile.FileBytesMax + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await file.ReadAsync(buffer.AsMemory(length), cancellation).ConfigureAwait(false)) > 0)
        {
            length += read;
        }

        if (length > KeyFile.FileBytesMax)
        {
            throw new InvalidDataException($"key file {path} is larger than {KeyFile.FileBytesMax} bytes");
        }

        return new KeyPairSigner(KeyFile.Import(System.Text.Encoding.UTF8.GetString(buffer, 0, length)));
    }

    /// <inheritdoc/>
    public ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> signingInput, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Sign(signingInput.Span));
    }

    /// <summary>Signs synchronously (the key is in memory).</summary>
    internal byte[] Sign(ReadOnlySpan<byte> signingInput) => KeyPair.Sign(signingInput);

    /// <inheritdoc/>
    public override string ToString() => $"KeyPairSigner({Suite.Name}, key_id={PublicKey.KeyId})";
}

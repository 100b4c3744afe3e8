using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;

namespace Ledger.Core.Checkpoints;

/// <summary>
/// A witness cosignature, c2sp.org/tlog-cosignature "cosignature/v1" (note signature type 0x04).
/// The line is "— &lt;witness name&gt; base64(key id || uint64 timestamp || Ed25519 signature)" with
/// key id = SHA-256(name || 0x0A || 0x04 || 32-byte public key)[:4], the timestamp in POSIX seconds
/// (big-endian), and the Ed25519 signature over
/// <code>
/// cosignature/v1\n
/// time &lt;timestamp, decimal, no leading zeroes&gt;\n
/// &lt;the checkpoint note text, final newline included&gt;
/// </code>
/// Witness keys are ordinary Ledger Ed25519 keys (<c>ledger keygen --suite ed25519</c>).
/// </summary>
public static class Cosignature
{
    public const string Header = "cosignature/v1";

    /// <summary>The spec's bound: a timestamp MUST NOT exceed 2^63 - 1.</summary>
    public const ulong TimestampMax = long.MaxValue;

    private const int TimestampBytes = 8;
    private const int Ed25519SignatureBytes = 64;

    /// <summary>Key id of a witness key under its name.</summary>
    public static uint KeyId(string witnessName, PublicKey witnessKey)
    {
        ArgumentNullException.ThrowIfNull(witnessKey);
        RequireEd25519(witnessKey.Suite);
        return NoteKeyId.Compute(witnessName, NoteSignatureTypes.Ed25519Cosignature, witnessKey.Encoded);
    }

    /// <summary>The exact bytes the Ed25519 signature covers.</summary>
    public static byte[] SignedMessage(ulong timestampUnixSeconds, Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var prefix = string.Create(CultureInfo.InvariantCulture, $"{Header}\ntime {timestampUnixSeconds}\n");
        return Encoding.UTF8.GetBytes(prefix + checkpoint.Format());
    }

    public static NoteSignature Sign(KeyPair witnessKey, string witnessName, Checkpoint checkpoint, ulong timestampUnixSeconds)
    {
        ArgumentNullException.ThrowIfNull(witnessKey);
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (timestampUnixSeconds > TimestampMax)
        {
            throw new ArgumentOutOfRangeException(nameof(timestampUnixSeconds), $"a cosignature timestamp is at most 2^63-1");
        }

        var keyId = KeyId(witnessName, witnessKey.Public);
        var signature = new byte[TimestampBytes + Ed25519SignatureBytes];
        BinaryPrimitives.WriteUInt64BigEndian(signature, timestampUnixSeconds);
        witnessKey.Sign(SignedMessage(timestampUnixSeconds, checkpoint)).CopyTo(signature, TimestampBytes);
        return new NoteSignature(witnessName, keyId, signature);
    }

    /// <summary>The timestamp of a valid cosignature line by this witness, or null. Never throws on the line.</summary>
    public static ulong? Verify(PublicKey witnessKey, string witnessName, Checkpoint checkpoint, NoteSignature signature)
    {
        ArgumentNullException.ThrowIfNull(witnessKey);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(signature);
        if (witnessKey.Suite.Name != CryptoSuites.Ed25519Name
            || !string.Equals(signature.KeyName, witnessName, StringComparison.Ordinal)
            || signature.KeyId != KeyId(witnessName, witnessKey)
            || signature.Signature.Length != TimestampBytes + Ed25519SignatureBytes)
        {
            return null;
        }

        var timestamp = BinaryPrimitives.ReadUInt64BigEndian(signature.Signature);
        if (timestamp > TimestampMax)
        {
            return null;
        }

        return witnessKey.Verify(SignedMessage(timestamp, checkpoint), signature.Signature[TimestampBytes..]) ? timestamp : null;
    }

    /// <summary>Finds this witness's line in <paramref name="note"/> and verifies it.</summary>
    public static CosignatureCheck Verify(PublicKey witnessKey, string witnessName, SignedNote note)
    {
        ArgumentNullException.ThrowIfNull(note);
        Checkpoint checkpoint;
        try
        {
            checkpoint = Checkpoint.Parse(note.Text);
        }
        catch (NoteFormatException exception)
        {
            return new CosignatureCheck(CosignatureStatus.NotACheckpoint, null, exception.Message);
        }

        var lines = note.SignaturesBy(witnessName, KeyId(witnessName, witnessKey)).ToList();
        if (lines.Count == 0)
        {
            return new CosignatureCheck(CosignatureStatus.Missing, null, $"no cosignature line by {witnessName}");
        }

        ulong? newest = null;
        foreach (var line in lines)
        {
            var timestamp = Verify(witnessKey, witnessName, checkpoint, line);
            if (timestamp is null)
            {
                return new CosignatureCheck(CosignatureStatus.Invalid, null, $"the cosignature line by {witnessName} does not verify");
            }

            newest = Math.Max(newest ?? 0, timestamp.Value);
        }

        return new CosignatureCheck(CosignatureStatus.Valid, newest, null);
    }

    internal static void RequireEd25519(ICryptoSuite suite)
    {
        if (suite.Name != CryptoSuites.Ed25519Name)
        {
            throw new ArgumentException($"witness keys are ed25519 (cosignature/v1), this one is {suite.Name}");
        }
    }
}

public enum CosignatureStatus
{
    Valid,
    Missing,
    Invalid,
    NotACheckpoint,
}

/// <summary>Outcome of looking for one witness's cosignature in a note; <see cref="TimestampUnixSeconds"/> set when valid.</summary>
public sealed record CosignatureCheck(CosignatureStatus Status, ulong? TimestampUnixSeconds, string? Problem);

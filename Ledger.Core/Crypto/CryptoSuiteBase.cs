using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Ledger.Core.Hashing;
using Ledger.Core.Keys;

namespace Ledger.Core.Crypto;

/// <summary>
/// Shared argument checking and exception policy of the three suites, so each suite only supplies
/// its primitive operations on already-validated inputs.
/// </summary>
internal abstract class CryptoSuiteBase : ICryptoSuite
{
    protected const int ScalarSizeBytes = 32;
    protected const int FixedSignatureSizeBytes = 64;

    public abstract string Name { get; }

    public abstract IHashAlgorithm Hash { get; }

    public abstract int PublicKeySizeBytes { get; }

    public int PrivateKeySizeBytes => ScalarSizeBytes;

    public int SignatureSizeBytes => FixedSignatureSizeBytes;

    public KeyPair GenerateKeyPair()
    {
        var privateKey = GeneratePrivateKeyBytes();
        try
        {
            return ImportPrivateKey(privateKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    public KeyPair ImportPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != PrivateKeySizeBytes)
        {
            throw new InvalidKeyException(Name, $"a private key is {PrivateKeySizeBytes} bytes, was {privateKey.Length}");
        }

        var (privateHandle, encodedPublicKey, publicHandle) = CreatePrivateKey(privateKey);
        var publicKey = new PublicKey(this, encodedPublicKey, publicHandle);
        return new KeyPair(new PrivateKey(this, privateHandle, publicKey));
    }

    public PublicKey DecodePublicKey(ReadOnlySpan<byte> encodedPublicKey)
    {
        if (encodedPublicKey.Length != PublicKeySizeBytes)
        {
            throw new InvalidKeyException(Name, $"an encoded public key is {PublicKeySizeBytes} bytes, was {encodedPublicKey.Length}");
        }

        object handle;
        try
        {
            handle = ParsePublicKey(encodedPublicKey);
        }
        catch (Exception exception) when (exception is not InvalidKeyException && IsMalformedInput(exception))
        {
            // Whatever the library throws for bytes it cannot use, callers see one typed refusal.
            throw new InvalidKeyException(Name, "public key is not a usable point", exception);
        }

        return new PublicKey(this, encodedPublicKey.ToArray(), handle);
    }

    public bool TryDecodePublicKey(ReadOnlySpan<byte> encodedPublicKey, [NotNullWhen(true)] out PublicKey? publicKey)
    {
        try
        {
            publicKey = DecodePublicKey(encodedPublicKey);
            return true;
        }
        catch (InvalidKeyException)
        {
            publicKey = null;
            return false;
        }
    }

    public KeyId DeriveKeyId(ReadOnlySpan<byte> encodedPublicKey) => KeyId.Derive(Hash, encodedPublicKey);

    public byte[] Sign(PrivateKey privateKey, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        if (!ReferenceEquals(privateKey.Suite, this))
        {
            throw new ArgumentException($"a {privateKey.Suite.Name} key cannot sign for suite {Name}", nameof(privateKey));
        }

        var signature = new byte[FixedSignatureSizeBytes];
        SignCore(privateKey.Handle, message, signature);
        return signature;
    }

    public bool Verify(PublicKey publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (!ReferenceEquals(publicKey.Suite, this) || signature.Length != FixedSignatureSizeBytes)
        {
            return false;
        }

        try
        {
            return VerifyCore(publicKey.Handle, message, signature);
        }
        catch (Exception exception) when (IsMalformedInput(exception))
        {
            // Untrusted bytes must yield "invalid", never an exception that a caller could mistake for an outage.
            return false;
        }
    }

    public override string ToString() => Name;

    /// <summary>Raw private key bytes (scalar or seed); the caller zeroes them when done.</summary>
    internal abstract byte[] ExportPrivateKey(PrivateKey privateKey);

    /// <summary>PKCS#8 PrivateKeyInfo DER.</summary>
    internal abstract byte[] ExportPkcs8PrivateKey(PrivateKey privateKey);

    /// <summary>X.509 SubjectPublicKeyInfo DER.</summary>
    internal abstract byte[] ExportSubjectPublicKeyInfo(PublicKey publicKey);

    protected abstract byte[] GeneratePrivateKeyBytes();

    /// <summary>Throws <see cref="InvalidKeyException"/> for a key the suite cannot use.</summary>
    protected abstract (object PrivateHandle, byte[] EncodedPublicKey, object PublicHandle) CreatePrivateKey(ReadOnlySpan<byte> privateKey);

    /// <summary>Input has the right length; throws <see cref="InvalidKeyException"/> when it is not a usable key.</summary>
    protected abstract object ParsePublicKey(ReadOnlySpan<byte> encodedPublicKey);

    protected abstract void SignCore(object privateHandle, ReadOnlySpan<byte> message, Span<byte> signature);

    /// <summary>Signature is exactly 64 bytes; may throw on malformed values, which <see cref="Verify"/> maps to false.</summary>
    protected abstract bool VerifyCore(object publicHandle, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature);

    private static bool IsMalformedInput(Exception exception) =>
        exception is CryptographicException
            or ArgumentException
            or ArithmeticException
            or InvalidOperationException
            or FormatException
            or Org.BouncyCastle.Crypto.CryptoException;
}

using Ledger.Core.Crypto;

namespace Ledger.Core.Keys;

/// <summary>
/// A private signing key. Deliberately exposes no raw bytes: export goes through <see cref="KeyPem"/>
/// or <see cref="KeyFile"/>, and <see cref="ToString"/> prints only the suite and key id, so a key
/// that ends up in a log line or exception message leaks nothing.
/// </summary>
public sealed class PrivateKey
{
    internal PrivateKey(ICryptoSuite suite, object handle, PublicKey publicKey)
    {
        Suite = suite;
        Handle = handle;
        PublicKey = publicKey;
    }

    public ICryptoSuite Suite { get; }

    public PublicKey PublicKey { get; }

    public KeyId KeyId => PublicKey.KeyId;

    internal object Handle { get; }

    public override string ToString() => $"PrivateKey({Suite.Name}, key_id={KeyId}, private material redacted)";
}

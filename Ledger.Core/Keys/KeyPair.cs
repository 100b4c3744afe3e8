using Ledger.Core.Crypto;

namespace Ledger.Core.Keys;

/// <summary>A private key with its public key: what a member or node signs with.</summary>
public sealed class KeyPair
{
    internal KeyPair(PrivateKey privateKey)
    {
        Private = privateKey;
    }

    public ICryptoSuite Suite => Private.Suite;

    public PrivateKey Private { get; }

    public PublicKey Public => Private.PublicKey;

    public KeyId KeyId => Private.KeyId;

    /// <summary>Signs the full signing input (see <see cref="Signing.SigningInput"/>) with this key.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) => Suite.Sign(Private, message);

    public override string ToString() => $"KeyPair({Suite.Name}, key_id={KeyId}, private material redacted)";
}

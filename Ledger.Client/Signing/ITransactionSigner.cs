using Ledger.Core.Crypto;
using Ledger.Core.Keys;

namespace Ledger.Client.Signing;

/// <summary>
/// Signs transactions for one member key without handing the private key to the SDK: an HSM, a cloud
/// KMS or a signing service implements it, and the SDK only ever sees the public key and the
/// signatures. <see cref="TransactionBuilder"/> signs every envelope through this interface;
/// <see cref="KeyPairSigner"/> is the implementation for a key held in memory (a JSON key file).
/// </summary>
/// <remarks>
/// <para>
/// What to sign: <see cref="SignAsync"/> receives the complete signing input, exactly the bytes the
/// signature covers (<c>"ledger/v1/tx-signature" 0x00 uint16-be(len(chain id)) chain id envelope</c>,
/// see <see cref="Ledger.Core.Signing.SigningInput"/>). Sign those bytes as the message, not a digest
/// of them: ECDSA P-256 with SHA-256 for <c>p256-sha256</c>; SM2 with SM3 and the GM/T 0009 default
/// user id (<c>1234567812345678</c>) in Z for <c>sm2-sm3</c>; pure Ed25519 for <c>ed25519</c>. A
/// device that takes only a digest gets the suite hash of these bytes (for SM2, of Z followed by them).
/// Never sign a re-serialized envelope.
/// </para>
/// <para>
/// What to return: the suite's fixed-size signature encoding, <see cref="ICryptoSuite.SignatureSizeBytes"/>
/// bytes: for <c>p256-sha256</c> IEEE P1363 <c>r || s</c> with low s (s &lt;= n/2), so an HSM's DER
/// output must be converted and a high s replaced by n - s; for <c>sm2-sm3</c> <c>r || s</c>; for
/// <c>ed25519</c> the 64-byte RFC 8032 signature. The builder checks every signature from a signer
/// other than <see cref="KeyPairSigner"/> against <see cref="PublicKey"/> before returning it and
/// throws <see cref="TransactionSignerException"/> when it does not verify.
/// </para>
/// </remarks>
public interface ITransactionSigner
{
    /// <summary>The member's public key: its key id and suite name go into every envelope signed.</summary>
    PublicKey PublicKey { get; }

    /// <summary>The crypto suite the key belongs to; must be <see cref="PublicKey"/>'s suite.</summary>
    ICryptoSuite Suite { get; }

    /// <summary>Signs <paramref name="signingInput"/> as given (see the remarks) and returns the suite's signature encoding.</summary>
    /// <param name="signingInput">The exact bytes the signature covers; read-only, valid until the returned task completes.</param>
    /// <param name="cancellation">Cancels a signing request that has not completed.</param>
    ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> signingInput, CancellationToken cancellation = default);
}

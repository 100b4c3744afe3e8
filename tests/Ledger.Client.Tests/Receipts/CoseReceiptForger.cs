using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Receipts;

namespace Ledger.Client.Tests.Receipts;

/// <summary>
/// Signs receipts the way a dishonest or careless node could, without any of the checks
/// <see cref="CoseReceipts.Create"/> makes: whatever claims and proof it is given.
/// </summary>
public static class CoseReceiptForger
{
    /// <summary>A receipt in the ledger's format with the given claims and vdp proof, signed by <paramref name="issuer"/>.</summary>
    public static byte[] Sign(KeyPair issuer, CoseReceiptClaims claims, ulong proofTreeSize, ulong proofLeafIndex, IReadOnlyList<byte[]> path, byte[] root)
    {
        var crit = new CborWriter();
        crit.WriteStartArray(1);
        crit.WriteInt32(CoseReceipts.LedgerClaimsLabel);
        crit.WriteEndArray();
        var protectedHeaders = new CoseHeaderMap
        {
            [CoseHeaderLabel.Algorithm] = CoseHeaderValue.FromInt32(-7),
            [CoseHeaderLabel.CriticalHeaders] = CoseHeaderValue.FromEncodedValue(crit.Encode()),
            [CoseHeaderLabel.KeyIdentifier] = CoseHeaderValue.FromBytes(issuer.KeyId.ToArray()),
            [new CoseHeaderLabel(CoseReceipts.VerifiableDataStructureLabel)] = CoseHeaderValue.FromInt32(CoseReceipts.Rfc9162Sha256),
            [new CoseHeaderLabel(CoseReceipts.LedgerClaimsLabel)] = CoseHeaderValue.FromEncodedValue(claims.Encode()),
        };
        return SignWith(issuer, protectedHeaders, proofTreeSize, proofLeafIndex, path, root);
    }

    /// <summary>
    /// The format main had before receipts carried the quorum: alg, kid and vds protected, the
    /// proof (tree size and leaf index included) unprotected, one node's signature over the root.
    /// </summary>
    public static byte[] SignOneNodeFormat(KeyPair issuer, InclusionProof proof, byte[] root)
    {
        var protectedHeaders = new CoseHeaderMap
        {
            [CoseHeaderLabel.Algorithm] = CoseHeaderValue.FromInt32(-7),
            [CoseHeaderLabel.KeyIdentifier] = CoseHeaderValue.FromBytes(issuer.KeyId.ToArray()),
            [new CoseHeaderLabel(CoseReceipts.VerifiableDataStructureLabel)] = CoseHeaderValue.FromInt32(CoseReceipts.Rfc9162Sha256),
        };
        return SignWith(issuer, protectedHeaders, proof.TreeSize, proof.LeafIndex, [.. proof.Path.Select(p => p.ToByteArray())], root);
    }

    private static byte[] SignWith(KeyPair issuer, CoseHeaderMap protectedHeaders, ulong treeSize, ulong leafIndex, IReadOnlyList<byte[]> path, byte[] root)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(KeyPem.ExportPrivateKey(issuer));
        var unprotectedHeaders = new CoseHeaderMap
        {
            [new CoseHeaderLabel(CoseReceipts.VerifiableDataProofsLabel)] = CoseHeaderValue.FromEncodedValue(EncodeProofs(treeSize, leafIndex, path)),
        };
        return CoseSign1Message.SignDetached(root, new CoseSigner(key, HashAlgorithmName.SHA256, protectedHeaders, unprotectedHeaders));
    }

    private static byte[] EncodeProofs(ulong treeSize, ulong leafIndex, IReadOnlyList<byte[]> path)
    {
        var proof = new CborWriter();
        proof.WriteStartArray(3);
        proof.WriteUInt64(treeSize);
        proof.WriteUInt64(leafIndex);
        proof.WriteStartArray(path.Count);
        foreach (var hash in path)
        {
            proof.WriteByteString(hash);
        }

        proof.WriteEndArray();
        proof.WriteEndArray();
        var proofs = new CborWriter();
        proofs.WriteStartMap(1);
        proofs.WriteInt32(-1);
        proofs.WriteStartArray(1);
        proofs.WriteByteString(proof.Encode());
        proofs.WriteEndArray();
        proofs.WriteEndMap();
        return proofs.Encode();
    }
}

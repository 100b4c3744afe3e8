using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using Ledger.Core.Crypto;
using Ledger.Core.Hashing;
using Ledger.Core.Keys;
using Ledger.Core.Merkle;

namespace Ledger.Core.Receipts;

/// <summary>
/// COSE Receipts (RFC 9942, draft-ietf-cose-merkle-tree-proofs) for the ledger's log: a
/// COSE_Sign1 whose protected header says alg ES256 (-7), kid = the signing node's key id and
/// vds (395) = RFC9162_SHA256 (1); whose unprotected header carries vdp (396) = { -1 (inclusion
/// proofs): [ bstr .cbor [tree_size, leaf_index, [path hashes]] ] }; and whose payload is
/// detached: it is the log root the proof leads to, which the verifier recomputes from the leaf.
/// The leaf is the log's RFC 9162 leaf hash, <c>LogLeaf.MerkleLeafHash(tx_hash, result)</c>.
/// Only p256-sha256 consortia can express this today: COSE has no registered algorithm for SM2/SM3
/// and this implementation does not produce EdDSA, so sm2-sm3 and ed25519 consortia use evidence
/// bundles instead.
/// </summary>
public static class CoseReceipts
{
    public const int VerifiableDataStructureLabel = 395;
    public const int VerifiableDataProofsLabel = 396;
    public const int InclusionProofsKey = -1;
    public const int Rfc9162Sha256 = 1;
    public const int ReceiptBytesMax = 64 * 1024;
    public const int ProofHashesMax = 64;

    private static readonly CoseHeaderLabel Vds = new(VerifiableDataStructureLabel);
    private static readonly CoseHeaderLabel Vdp = new(VerifiableDataProofsLabel);

    /// <summary>Signs a receipt for leaf <paramref name="leafIndex"/> of a log of <paramref name="treeSize"/> leaves with root <paramref name="root"/>.</summary>
    public static byte[] Create(KeyPair nodeKey, ulong leafIndex, ulong treeSize, IReadOnlyList<byte[]> path, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(nodeKey);
        ArgumentNullException.ThrowIfNull(path);
        RequireP256(nodeKey.Suite);
        using var key = ECDsa.Create();
        key.ImportFromPem(KeyPem.ExportPrivateKey(nodeKey));
        var protectedHeaders = new CoseHeaderMap
        {
            [CoseHeaderLabel.Algorithm] = CoseHeaderValue.FromInt32(-7),
            [CoseHeaderLabel.KeyIdentifier] = CoseHeaderValue.FromBytes(nodeKey.KeyId.ToArray()),
            [Vds] = CoseHeaderValue.FromInt32(Rfc9162Sha256),
        };
        var unprotectedHeaders = new CoseHeaderMap
        {
            [Vdp] = CoseHeaderValue.FromEncodedValue(EncodeProofs(leafIndex, treeSize, path)),
        };
        var signer = new CoseSigner(key, HashAlgorithmName.SHA256, protectedHeaders, unprotectedHeaders);
        return CoseSign1Message.SignDetached(root.ToArray(), signer);
    }

    /// <summary>A decoded receipt: the signer's key id and the inclusion proof it carries.</summary>
    public sealed record Contents(byte[] KeyId, ulong LeafIndex, ulong TreeSize, IReadOnlyList<byte[]> Path);

    /// <summary>Decodes the headers without checking the signature (to find which key to check it with).</summary>
    public static Contents Read(ReadOnlySpan<byte> receipt)
    {
        var message = Decode(receipt);
        return ReadContents(message);
    }

    /// <summary>
    /// Verifies that <paramref name="leafHash"/> is in the log whose root the node with
    /// <paramref name="nodeKey"/> signed; returns that root. Throws <see cref="CoseReceiptException"/>.
    /// </summary>
    public static byte[] Verify(ReadOnlySpan<byte> receipt, PublicKey nodeKey, ReadOnlySpan<byte> leafHash)
    {
        ArgumentNullException.ThrowIfNull(nodeKey);
        RequireP256(nodeKey.Suite);
        var message = Decode(receipt);
        if (!message.ProtectedHeaders.TryGetValue(CoseHeaderLabel.Algorithm, out var algorithm) || algorithm.GetValueAsInt32() != -7)
        {
            throw new CoseReceiptException("protected header alg is not ES256 (-7)");
        }

        if (!message.ProtectedHeaders.TryGetValue(Vds, out var vds) || vds.GetValueAsInt32() != Rfc9162Sha256)
        {
            throw new CoseReceiptException("protected header vds (395) is not RFC9162_SHA256 (1)");
        }

        var contents = ReadContents(message);
        if (!nodeKey.KeyId.Matches(contents.KeyId))
        {
            throw new CoseReceiptException($"receipt kid {Convert.ToHexStringLower(contents.KeyId)} is not the key id of the given node key {nodeKey.KeyId}");
        }

        var root = ComputeRoot(Sha256HashAlgorithm.Instance, contents, leafHash);
        using var key = ECDsa.Create();
        key.ImportFromPem(KeyPem.ExportPublicKey(nodeKey));
        if (!message.VerifyDetached(key, root))
        {
            throw new CoseReceiptException("signature does not verify over the log root computed from the leaf and proof");
        }

        return root;
    }

    private static byte[] ComputeRoot(IHashAlgorithm hash, Contents contents, ReadOnlySpan<byte> leafHash)
    {
        if (contents.LeafIndex >= contents.TreeSize)
        {
            throw new CoseReceiptException($"leaf index {contents.LeafIndex} is not below tree size {contents.TreeSize}");
        }

        var hasher = new MerkleHasher(hash);
        if (leafHash.Length != hasher.HashSizeBytes)
        {
            throw new CoseReceiptException($"leaf hash is {leafHash.Length} bytes, expected {hasher.HashSizeBytes}");
        }

        if (contents.Path.Count != MerkleMath.InclusionProofLength(contents.LeafIndex, contents.TreeSize))
        {
            throw new CoseReceiptException($"inclusion path has {contents.Path.Count} hashes, leaf {contents.LeafIndex} of {contents.TreeSize} needs {MerkleMath.InclusionProofLength(contents.LeafIndex, contents.TreeSize)}");
        }

        // RFC 9162 §2.1.3.2 root computation from the path.
        var root = leafHash.ToArray();
        var fn = contents.LeafIndex;
        var sn = contents.TreeSize - 1;
        foreach (var sibling in contents.Path)
        {
            if (sibling.Length != hasher.HashSizeBytes || sn == 0)
            {
                throw new CoseReceiptException("malformed inclusion path");
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                root = hasher.HashChildren(sibling, root);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                root = hasher.HashChildren(root, sibling);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 ? root : throw new CoseReceiptException("inclusion path ends below the root");
    }

    private static CoseSign1Message Decode(ReadOnlySpan<byte> receipt)
    {
        if (receipt.Length > ReceiptBytesMax)
        {
            throw new CoseReceiptException($"receipt is {receipt.Length} bytes, more than {ReceiptBytesMax}");
        }

        CoseSign1Message message;
        try
        {
            message = CoseMessage.DecodeSign1(receipt);
        }
        catch (CryptographicException exception)
        {
            throw new CoseReceiptException($"not a COSE_Sign1 message: {exception.Message}", exception);
        }

        if (!message.Content.HasValue)
        {
            return message;
        }

        throw new CoseReceiptException("receipt payload must be detached (the verifier recomputes the log root)");
    }

    private static Contents ReadContents(CoseSign1Message message)
    {
        if (!message.ProtectedHeaders.TryGetValue(CoseHeaderLabel.KeyIdentifier, out var kid))
        {
            throw new CoseReceiptException("protected header has no kid");
        }

        if (!message.UnprotectedHeaders.TryGetValue(Vdp, out var vdp))
        {
            throw new CoseReceiptException("unprotected header has no vdp (396)");
        }

        try
        {
            var reader = new CborReader(vdp.EncodedValue, CborConformanceMode.Strict);
            var mapLength = reader.ReadStartMap();
            if (mapLength != 1 || reader.ReadInt32() != InclusionProofsKey)
            {
                throw new CoseReceiptException("vdp must hold exactly the inclusion proofs (-1)");
            }

            if (reader.ReadStartArray() != 1)
            {
                throw new CoseReceiptException("a ledger receipt carries exactly one inclusion proof");
            }

            var proof = new CborReader(reader.ReadByteString(), CborConformanceMode.Strict);
            reader.ReadEndArray();
            reader.ReadEndMap();
            if (proof.ReadStartArray() != 3)
            {
                throw new CoseReceiptException("inclusion proof must be [tree_size, leaf_index, path]");
            }

            var treeSize = proof.ReadUInt64();
            var leafIndex = proof.ReadUInt64();
            var count = proof.ReadStartArray() ?? throw new CoseReceiptException("inclusion path must have a definite length");
            if (count > ProofHashesMax)
            {
                throw new CoseReceiptException($"inclusion path has more than {ProofHashesMax} hashes");
            }

            var path = new List<byte[]>(count);
            for (var i = 0; i < count; i++)
            {
                path.Add(proof.ReadByteString());
            }

            proof.ReadEndArray();
            proof.ReadEndArray();
            return new Contents(kid.GetValueAsBytes(), leafIndex, treeSize, path);
        }
        catch (Exception exception) when (exception is CborContentException or InvalidOperationException or FormatException)
        {
            throw new CoseReceiptException($"malformed vdp: {exception.Message}", exception);
        }
    }

    private static byte[] EncodeProofs(ulong leafIndex, ulong treeSize, IReadOnlyList<byte[]> path)
    {
        var proof = new CborWriter(CborConformanceMode.Strict);
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
        var proofs = new CborWriter(CborConformanceMode.Strict);
        proofs.WriteStartMap(1);
        proofs.WriteInt32(InclusionProofsKey);
        proofs.WriteStartArray(1);
        proofs.WriteByteString(proof.Encode());
        proofs.WriteEndArray();
        proofs.WriteEndMap();
        return proofs.Encode();
    }

    private static void RequireP256(ICryptoSuite suite)
    {
        if (suite.Name != CryptoSuites.P256Sha256Name)
        {
            throw new CoseReceiptException($"COSE receipts need a p256-sha256 key (ES256); suite {suite.Name} cannot be expressed (SM2 has no COSE algorithm; EdDSA receipts are not implemented)");
        }
    }
}

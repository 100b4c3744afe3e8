using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Keys;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;

namespace Ledger.Core.Receipts;

/// <summary>
/// COSE Receipts (RFC 9942) for the ledger's log, resting on the quorum that certified the block.
/// <para>
/// A receipt is an RFC 9942 receipt of inclusion: a COSE_Sign1 whose protected header says alg
/// ES256 (-7), kid = the issuing node's key id, vds (395) = RFC9162_SHA256 (1); whose unprotected
/// header carries vdp (396) = { -1 (inclusion proofs): [ bstr .cbor [tree_size, leaf_index, [path]] ] };
/// and whose payload is detached: the log root the proof leads to. The leaf is the log's RFC 9162
/// leaf hash, <c>LogLeaf.MerkleLeafHash(tx_hash, result)</c>.
/// </para>
/// <para>
/// One node's signature is not the ledger's word, so the protected header also binds the certified
/// block the proof ends in (<see cref="CoseReceiptClaims"/>, private-use label
/// <see cref="LedgerClaimsLabel"/>, marked critical): the block header and the attestations the
/// nodes signed when they applied it, plus the leaf index. Nodes attest blocks asynchronously and
/// an honest node signs only what it checked itself, so a receipt made later, offline, cannot
/// gather fresh per-node COSE signatures (a COSE_Sign with one COSE_Signature per node); it can
/// carry the signatures the nodes already made. Then the tree size (header log_size) and the root
/// (header log_root) are covered by the quorum, the leaf index by the issuer's signature and bound
/// by the proof to that size and root, and checked to lie in the block's own leaves.
/// </para>
/// <para>
/// Verifying needs the node set in force at the block's height (<see cref="ReceiptNodeSet"/>):
/// a strict majority of it must have attested, every attestation must be by a distinct node of it,
/// and the issuer must be one of its nodes. p256-sha256 consortia issue ES256 receipts; sm2-sm3
/// consortia issue receipts with private-use alg and vds values (<see cref="CoseReceiptProfile"/>:
/// COSE has no registered SM2 algorithm); ed25519 consortia use evidence bundles (no EdDSA receipts).
/// docs/cose-receipts.md shows a real receipt.
/// </para>
/// </summary>
public static class CoseReceipts
{
    public const int VerifiableDataStructureLabel = 395;
    public const int VerifiableDataProofsLabel = 396;
    public const int InclusionProofsKey = -1;
    public const int Rfc9162Sha256 = 1;
    public const int Es256 = -7;

    /// <summary>Private use (RFC 9052: integer labels below -65536): the ledger claims.</summary>
    public const int LedgerClaimsLabel = -65537;

    public const int ReceiptBytesMax = 64 * 1024;

    private const int CoseAlgorithmLabel = 1;
    private const int CoseCriticalLabel = 2;
    private const int CoseKeyIdLabel = 4;
    public const int ProofHashesMax = 64;

    private static readonly CoseHeaderLabel Vds = new(VerifiableDataStructureLabel);
    private static readonly CoseHeaderLabel Vdp = new(VerifiableDataProofsLabel);
    private static readonly CoseHeaderLabel LedgerClaims = new(LedgerClaimsLabel);

    /// <summary>
    /// Signs a receipt for leaf <paramref name="leafIndex"/> (hash <paramref name="leafHash"/>) of the
    /// log that <paramref name="certified"/> commits to, with the issuing node's key, carrying
    /// <paramref name="anchors"/> for the blocks that changed the node set, and verifies it against
    /// <paramref name="genesis"/> and <paramref name="changes"/> before returning it: a node hands
    /// out only a receipt it checked. Throws <see cref="CoseReceiptException"/>.
    /// </summary>
    public static byte[] Create(
        KeyPair issuerKey,
        CertifiedHeader certified,
        ulong leafIndex,
        IReadOnlyList<byte[]> path,
        IReadOnlyList<NodeSetAnchor> anchors,
        ConsortiumGenesis genesis,
        IReadOnlyList<GovernanceChangeEvidence> changes,
        ReadOnlySpan<byte> leafHash)
    {
        ArgumentNullException.ThrowIfNull(issuerKey);
        ArgumentNullException.ThrowIfNull(certified);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(anchors);
        var profile = CoseReceiptProfile.For(issuerKey.Suite);
        if (certified.Header is null)
        {
            throw new CoseReceiptException("certified header has no header");
        }

        var claims = CoseReceiptClaims.From(leafIndex, certified, anchors).Encode();
        var proofs = EncodeProofs(leafIndex, certified.Header.LogSize, path);
        var logRoot = certified.Header.LogRoot.ToByteArray();
        var receipt = profile == CoseReceiptProfile.P256Sha256
            ? SignEs256(issuerKey, claims, proofs, logRoot)
            : Sm2CoseSign1.SignDetached(issuerKey, EncodeProtectedHeader(profile, issuerKey.KeyId.ToArray(), claims), EncodeUnprotectedHeader(proofs), logRoot);
        Verify(receipt, genesis, changes, leafHash);
        return receipt;
    }

    /// <summary>
    /// Verifies a receipt against a trusted <paramref name="genesis"/> and the governance changes
    /// before its block (<paramref name="changes"/>, e.g. an evidence bundle's): the node set at the
    /// block's height is replayed with the receipt's node-set anchors (<see cref="ReceiptNodeSet"/>),
    /// then checked as <see cref="Verify(ReadOnlySpan{byte}, ConsortiumState, ReadOnlySpan{byte})"/> does.
    /// </summary>
    public static CoseReceiptVerification Verify(ReadOnlySpan<byte> receipt, ConsortiumGenesis genesis, IReadOnlyList<GovernanceChangeEvidence> changes, ReadOnlySpan<byte> leafHash)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentNullException.ThrowIfNull(changes);
        var message = Decode(receipt);
        CheckHeaderShape(message, profile: null);
        var claims = CoseReceiptClaims.Decode(message.ProtectedHeaders[LedgerClaims].EncodedValue);
        var nodeSet = ReceiptNodeSet.Before(genesis, changes, claims.Header, claims.NodeSetAnchors);
        return Verify(receipt, nodeSet, leafHash);
    }

    /// <summary>
    /// Verifies that <paramref name="leafHash"/> is leaf <see cref="CoseReceiptVerification.LeafIndex"/>
    /// of a log whose size and root a quorum of <paramref name="nodeSet"/> attested, in a block of the
    /// consortium's chain, and that a node of that set issued the receipt. <paramref name="nodeSet"/>
    /// must be trusted and be the state before the block: the genesis one, or from
    /// <see cref="ReceiptNodeSet.Before"/> (the receipt's node-set anchors are not read here). Throws
    /// <see cref="CoseReceiptException"/> with the reason; never accepts on a value it did not check.
    /// </summary>
    public static CoseReceiptVerification Verify(ReadOnlySpan<byte> receipt, ConsortiumState nodeSet, ReadOnlySpan<byte> leafHash)
    {
        ArgumentNullException.ThrowIfNull(nodeSet);
        var profile = CoseReceiptProfile.For(nodeSet.Suite);
        var message = Decode(receipt);
        var kid = CheckHeaderShape(message, profile);
        var claims = CoseReceiptClaims.Decode(message.ProtectedHeaders[LedgerClaims].EncodedValue);
        var header = claims.Header;
        var chainHash = nodeSet.Suite.Hash;
        CheckBlock(header, nodeSet, chainHash);

        // The quorum: who attested this very header, against the node set in force at its height.
        var blockHash = BlockHash.Compute(header, chainHash);
        var attesting = new List<string>();
        var failure = CertifiedHeaderVerifier.Check(claims.ToCertifiedHeader(blockHash, nodeSet.Suite.Name), nodeSet, attesting);
        if (failure is not null)
        {
            throw new CoseReceiptException($"block {header.Height} is not certified: {failure}");
        }

        var issuer = nodeSet.ActiveNodes.Values.FirstOrDefault(n => n.PublicKey.KeyId.Matches(kid))
            ?? throw new CoseReceiptException($"receipt kid {Convert.ToHexStringLower(kid)} is not the key of a node in force at height {header.Height}");

        // The proof: tree size and leaf index as the signatures cover them, leading to the attested root.
        var proof = ReadProof(message);
        if (proof.TreeSize != header.LogSize)
        {
            throw new CoseReceiptException($"inclusion proof tree_size {proof.TreeSize} is not the attested log size {header.LogSize}");
        }

        if (proof.LeafIndex != claims.LeafIndex)
        {
            throw new CoseReceiptException($"inclusion proof leaf_index {proof.LeafIndex} is not the signed leaf index {claims.LeafIndex}");
        }

        if (!LogLeafIndex.TryGet(header, 0, out var blockFirstLeaf) || claims.LeafIndex < blockFirstLeaf || claims.LeafIndex >= header.LogSize)
        {
            throw new CoseReceiptException($"leaf index {claims.LeafIndex} is not one of block {header.Height}'s leaves [{header.LogSize - Math.Min(header.LogSize, header.TxCount)}, {header.LogSize})");
        }

        var inclusion = MerkleProofVerifier.CheckInclusion(new MerkleHasher(chainHash), proof.LeafIndex, proof.TreeSize, leafHash, proof.Path, header.LogRoot.Span);
        if (inclusion != MerkleProofResult.Valid)
        {
            throw new CoseReceiptException($"inclusion proof of leaf {proof.LeafIndex} in the attested log root: {inclusion}");
        }

        VerifyIssuerSignature(message, profile, issuer.PublicKey, header.LogRoot.ToByteArray());
        return new CoseReceiptVerification(claims.LeafIndex, header.LogSize, header.LogRoot.ToByteArray(), header, issuer.NodeId, attesting, nodeSet.Quorum, nodeSet.ActiveNodes.Count);
    }

    private static void CheckBlock(BlockHeader header, ConsortiumState nodeSet, Hashing.IHashAlgorithm chainHash)
    {
        if (!string.Equals(header.ChainId, nodeSet.ChainId, StringComparison.Ordinal))
        {
            throw new CoseReceiptException($"receipt is for chain '{header.ChainId}', not the genesis chain '{nodeSet.ChainId}'");
        }

        var shape = BlockHeaderValidation.CheckShape(header, chainHash);
        if (shape != BlockValidationError.None)
        {
            throw new CoseReceiptException($"block header is malformed: {shape}");
        }

        if (header.Height == 0)
        {
            throw new CoseReceiptException("height 0 is not a block (blocks start at 1)");
        }

        if (nodeSet.NodeSetChangedAtHeight >= header.Height)
        {
            throw new CoseReceiptException($"the node set given was changed at height {nodeSet.NodeSetChangedAtHeight}, not before block {header.Height}");
        }
    }

    private static byte[] SignEs256(KeyPair issuerKey, byte[] claims, byte[] proofs, byte[] logRoot)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(KeyPem.ExportPrivateKey(issuerKey));
        var protectedHeaders = new CoseHeaderMap
        {
            [CoseHeaderLabel.Algorithm] = CoseHeaderValue.FromInt32(Es256),
            [CoseHeaderLabel.CriticalHeaders] = CoseHeaderValue.FromEncodedValue(EncodeCritical()),
            [CoseHeaderLabel.KeyIdentifier] = CoseHeaderValue.FromBytes(issuerKey.KeyId.ToArray()),
            [Vds] = CoseHeaderValue.FromInt32(Rfc9162Sha256),
            [LedgerClaims] = CoseHeaderValue.FromEncodedValue(claims),
        };
        var unprotectedHeaders = new CoseHeaderMap
        {
            [Vdp] = CoseHeaderValue.FromEncodedValue(proofs),
        };
        var signer = new CoseSigner(key, HashAlgorithmName.SHA256, protectedHeaders, unprotectedHeaders);
        return CoseSign1Message.SignDetached(logRoot, signer);
    }

    /// <summary>The protected header of a receipt whose signature .NET cannot make (SM2): the same labels, in the same order, as the ES256 one.</summary>
    private static byte[] EncodeProtectedHeader(CoseReceiptProfile profile, byte[] kid, byte[] claims)
    {
        var writer = new CborWriter(CborConformanceMode.Strict);
        writer.WriteStartMap(5);
        writer.WriteInt32(CoseAlgorithmLabel);
        writer.WriteInt32(profile.Algorithm);
        writer.WriteInt32(CoseCriticalLabel);
        writer.WriteEncodedValue(EncodeCritical());
        writer.WriteInt32(CoseKeyIdLabel);
        writer.WriteByteString(kid);
        writer.WriteInt32(VerifiableDataStructureLabel);
        writer.WriteInt32(profile.VerifiableDataStructure);
        writer.WriteInt32(LedgerClaimsLabel);
        writer.WriteEncodedValue(claims);
        writer.WriteEndMap();
        return writer.Encode();
    }

    private static byte[] EncodeUnprotectedHeader(byte[] proofs)
    {
        var writer = new CborWriter(CborConformanceMode.Strict);
        writer.WriteStartMap(1);
        writer.WriteInt32(VerifiableDataProofsLabel);
        writer.WriteEncodedValue(proofs);
        writer.WriteEndMap();
        return writer.Encode();
    }

    private static void VerifyIssuerSignature(CoseSign1Message message, CoseReceiptProfile profile, PublicKey issuerKey, byte[] logRoot)
    {
        if (profile != CoseReceiptProfile.P256Sha256)
        {
            if (!Sm2CoseSign1.VerifyDetached(message, issuerKey, logRoot))
            {
                throw new CoseReceiptException("issuer signature does not verify over the attested log root");
            }

            return;
        }

        using var key = ECDsa.Create();
        key.ImportFromPem(KeyPem.ExportPublicKey(issuerKey));
        bool valid;
        try
        {
            valid = message.VerifyDetached(key, logRoot);
        }
        catch (CryptographicException exception)
        {
            throw new CoseReceiptException($"issuer signature cannot be checked: {exception.Message}", exception);
        }

        if (!valid)
        {
            throw new CoseReceiptException("issuer signature does not verify over the attested log root");
        }
    }

    /// <summary>Exactly the headers a ledger receipt has, alg and vds those of <paramref name="profile"/> (when known, else of some profile); returns the kid.</summary>
    private static byte[] CheckHeaderShape(CoseSign1Message message, CoseReceiptProfile? profile)
    {
        int[] protectedLabels = [CoseAlgorithmLabel, CoseCriticalLabel, CoseKeyIdLabel, VerifiableDataStructureLabel, LedgerClaimsLabel];
        if (message.ProtectedHeaders.Count != protectedLabels.Length || protectedLabels.Any(l => !message.ProtectedHeaders.ContainsKey(new CoseHeaderLabel(l))))
        {
            throw new CoseReceiptException($"protected header must hold exactly alg, crit, kid, vds and the ledger claims ({LedgerClaimsLabel})");
        }

        if (message.UnprotectedHeaders.Count != 1 || !message.UnprotectedHeaders.ContainsKey(Vdp))
        {
            throw new CoseReceiptException("unprotected header must hold exactly vdp (396)");
        }

        try
        {
            var algorithm = message.ProtectedHeaders[CoseHeaderLabel.Algorithm].GetValueAsInt32();
            var structure = message.ProtectedHeaders[Vds].GetValueAsInt32();
            if (profile is null ? !CoseReceiptProfile.IsKnownPair(algorithm, structure) : algorithm != profile.Algorithm || structure != profile.VerifiableDataStructure)
            {
                var expected = profile is null ? "a ledger receipt's" : $"the {profile.SuiteName} consortium's ({profile.Algorithm}, {profile.VerifiableDataStructure})";
                throw new CoseReceiptException($"protected header alg {algorithm} and vds (395) {structure} are not {expected}");
            }

            if (!message.ProtectedHeaders[CoseHeaderLabel.CriticalHeaders].EncodedValue.Span.SequenceEqual(EncodeCritical()))
            {
                throw new CoseReceiptException($"protected header crit must be [{LedgerClaimsLabel}]");
            }

            return message.ProtectedHeaders[CoseHeaderLabel.KeyIdentifier].GetValueAsBytes();
        }
        catch (InvalidOperationException exception)
        {
            throw new CoseReceiptException($"malformed protected header: {exception.Message}", exception);
        }
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
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // .NET's decoder lets more than CryptographicException escape on hostile bytes
            // (ArgumentException, OverflowException for a known label with a value of the wrong
            // type), so every failure to decode is the receipt's fault, reported with a reason.
            throw new CoseReceiptException($"not a COSE_Sign1 message: {exception.Message}", exception);
        }

        if (!message.Content.HasValue)
        {
            return message;
        }

        throw new CoseReceiptException("receipt payload must be detached (the verifier recomputes the log root)");
    }

    private sealed record Proof(ulong TreeSize, ulong LeafIndex, IReadOnlyList<byte[]> Path);

    private static Proof ReadProof(CoseSign1Message message)
    {
        try
        {
            var reader = new CborReader(message.UnprotectedHeaders[Vdp].EncodedValue, CborConformanceMode.Strict);
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
            if (proof.BytesRemaining != 0)
            {
                throw new CoseReceiptException("trailing bytes after the inclusion proof");
            }

            return new Proof(treeSize, leafIndex, path);
        }
        catch (Exception exception) when (exception is CborContentException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new CoseReceiptException($"malformed vdp: {exception.Message}", exception);
        }
    }

    private static byte[] EncodeCritical()
    {
        var writer = new CborWriter(CborConformanceMode.Strict);
        writer.WriteStartArray(1);
        writer.WriteInt32(LedgerClaimsLabel);
        writer.WriteEndArray();
        return writer.Encode();
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
}

using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Ledger.Core.Evidence;
using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;

namespace Ledger.Client.Batches;

/// <summary>
/// Builds one BatchRegister over many items (RFC 9162 tree over <see cref="BatchItemLeaf"/> bytes)
/// and writes/reads its manifest: JSON lines, first a header line
/// <c>{"merkleRoot","itemCount","txHash","treeHash"}</c> (treeHash: the suite hash of the batch tree,
/// "sha256" or "sm3"; absent in manifests written before it was recorded), then one line per item
/// <c>{"index","itemId","contentSha256","perceptualHash","contentSm3"}</c> (contentSm3 only for an
/// item that carries one — every item on sm2-sm3 — and contentSha256 null for an item without one).
/// From the manifest alone any item's proof to the batch root can be rebuilt later.
/// <para>
/// The signed body carries the items' root and count only; the items travel detached
/// (<c>SignedTransaction.detached_items</c>, outside the transaction hash; see
/// <see cref="Signing.TransactionBuilder.BatchRegister(BatchRegister, BatchItems)"/>), so the signed
/// transaction stays a few hundred bytes whatever the batch size, and one item's evidence is its
/// Merkle path, not the batch.
/// </para>
/// </summary>
public static class BatchRegistration
{
    /// <summary>Most items one BatchRegister carries (the registry's bound).</summary>
    public const int ItemsMax = 100_000;

    /// <summary>
    /// A manifest line in characters, read no further: an item line is an item id of at most
    /// <see cref="BatchItemLeaf.ItemIdBytesMax"/> UTF-8 bytes (JSON escapes a byte to at most six characters),
    /// three hashes in hex and the field names, well under this.
    /// </summary>
    public const int ManifestLineCharsMax = 4096;

    /// <summary>The signed body (merkle_root, item_count, media type, holder; no items), the detached items, and their tree (for proofs).</summary>
    public static BuiltBatch Build(IReadOnlyList<BatchItem> items, MediaType mediaType, RightsHolder holder, IHashAlgorithm chainHash)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count is 0 or > ItemsMax)
        {
            throw new ArgumentException($"a batch holds 1..{ItemsMax} items, got {items.Count}", nameof(items));
        }

        var tree = new MemoryMerkleTree(new MerkleHasher(chainHash), items.Count);
        var detached = new BatchItems();
        foreach (var item in items)
        {
            tree.AppendLeaf(BatchItemLeaf.Encode(item));
            detached.Items.Add(item);
        }

        var body = new BatchRegister
        {
            MediaType = mediaType,
            RightsHolder = holder,
            ItemCount = (uint)items.Count,
            MerkleRoot = ByteString.CopyFrom(tree.ComputeRoot()),
        };
        return new BuiltBatch(body, detached, tree);
    }

    /// <summary>The detached items a batch transaction carries (as the node stores and serves them).</summary>
    /// <exception cref="ClientVerificationException">They are missing or do not parse.</exception>
    public static BatchItems DetachedItemsOf(SignedTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.DetachedItems.IsEmpty)
        {
            throw new ClientVerificationException("the transaction carries no detached items");
        }

        try
        {
            return BatchItems.Parser.ParseFrom(transaction.DetachedItems);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ClientVerificationException($"the transaction's detached items do not parse: {e.Message}");
        }
    }

    /// <summary>Item <paramref name="index"/> of <paramref name="items"/> with its proof to their root.</summary>
    public static BatchItemEvidence ProofFromItems(IReadOnlyList<BatchItem> items, int index, IHashAlgorithm chainHash)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, items.Count);
        var tree = new MemoryMerkleTree(new MerkleHasher(chainHash), items.Count);
        foreach (var item in items)
        {
            tree.AppendLeaf(BatchItemLeaf.Encode(item));
        }

        var proof = new InclusionProof { LeafIndex = (ulong)index, TreeSize = (ulong)items.Count };
        proof.Path.AddRange(tree.BuildInclusionProof((ulong)index, (ulong)items.Count).Select(ByteString.CopyFrom));
        return new BatchItemEvidence { Item = items[index], ItemProof = proof };
    }

    /// <summary>Writes the submitter's manifest of <paramref name="batch"/> (signed as <paramref name="txHash"/>): what rebuilds any item's proof later.</summary>
    public static void WriteManifest(TextWriter writer, BuiltBatch batch, ReadOnlySpan<byte> txHash)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(batch);
        var items = batch.Items.Items;
        writer.WriteLine(JsonSerializer.Serialize(new ManifestHeader(Convert.ToHexStringLower(batch.Body.MerkleRoot.Span), items.Count, Convert.ToHexStringLower(txHash), batch.Tree.Hasher.Algorithm.Name)));
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            writer.WriteLine(JsonSerializer.Serialize(new ManifestItem(
                i, item.ItemId, item.ContentSha256.IsEmpty ? null : Convert.ToHexStringLower(item.ContentSha256.Span),
                item.HasPerceptualHash ? item.PerceptualHash.ToString("x16", CultureInfo.InvariantCulture) : null,
                item.ContentSm3.IsEmpty ? null : Convert.ToHexStringLower(item.ContentSm3.Span))));
        }
    }

    /// <summary>
    /// Item <paramref name="index"/> of a manifest with its proof to the manifest's root, read in one pass in bounded
    /// memory whatever the file holds: a line of at most <see cref="ManifestLineCharsMax"/> characters and a few hashes
    /// per tree level, never the batch (the header's count is bounded by <see cref="ItemsMax"/>, and the items must be
    /// exactly that many, in order, hashing to the header's root).
    /// </summary>
    /// <exception cref="BatchManifestException">A line is past its bound or not a manifest line, the counts disagree, or the manifest has no item <paramref name="index"/>.</exception>
    /// <exception cref="ClientVerificationException">The items do not hash to the header's root, or the tree is of another hash than the suite's.</exception>
    public static BatchItemEvidence ProofFromManifest(TextReader reader, int index, IHashAlgorithm chainHash) =>
        ManifestItemProof.Read(reader, index, chainHash);}

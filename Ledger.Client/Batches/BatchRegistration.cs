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
/// <c>{"merkleRoot","itemCount","txHash"}</c>, then one line per item
/// <c>{"index","itemId","contentSha256","perceptualHash"}</c>. From the manifest alone any item's
/// proof to the batch root can be rebuilt later.
/// </summary>
public static class BatchRegistration
{
    public const int ItemsMax = 100_000;

    public static (BatchRegister Body, MemoryMerkleTree Tree) Build(IReadOnlyList<BatchItem> items, MediaType mediaType, RightsHolder holder, IHashAlgorithm chainHash)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count is 0 or > ItemsMax)
        {
            throw new ArgumentException($"a batch holds 1..{ItemsMax} items, got {items.Count}", nameof(items));
        }

        var tree = new MemoryMerkleTree(new MerkleHasher(chainHash), items.Count);
        var body = new BatchRegister { MediaType = mediaType, RightsHolder = holder };
        foreach (var item in items)
        {
            tree.AppendLeaf(BatchItemLeaf.Encode(item));
            body.Items.Add(item);
        }

        body.MerkleRoot = ByteString.CopyFrom(tree.ComputeRoot());
        return (body, tree);
    }

    public static void WriteManifest(TextWriter writer, BatchRegister body, ReadOnlySpan<byte> txHash)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(body);
        writer.WriteLine(JsonSerializer.Serialize(new ManifestHeader(Convert.ToHexStringLower(body.MerkleRoot.Span), body.Items.Count, Convert.ToHexStringLower(txHash))));
        for (var i = 0; i < body.Items.Count; i++)
        {
            var item = body.Items[i];
            writer.WriteLine(JsonSerializer.Serialize(new ManifestItem(
                i, item.ItemId, Convert.ToHexStringLower(item.ContentSha256.Span),
                item.HasPerceptualHash ? item.PerceptualHash.ToString("x16", CultureInfo.InvariantCulture) : null)));
        }
    }

    /// <summary>Rebuilds the batch tree from a manifest and returns item <paramref name="index"/> with its proof (checked against the manifest's root).</summary>
    public static BatchItemEvidence ProofFromManifest(TextReader reader, int index, IHashAlgorithm chainHash)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = JsonSerializer.Deserialize<ManifestHeader>(reader.ReadLine() ?? throw new FormatException("empty manifest"))
            ?? throw new FormatException("manifest header is null");
        var items = new List<BatchItem>(header.ItemCount);
        while (reader.ReadLine() is { } line)
        {
            var entry = JsonSerializer.Deserialize<ManifestItem>(line) ?? throw new FormatException("manifest line is null");
            var item = new BatchItem { ItemId = entry.ItemId, ContentSha256 = ByteString.CopyFrom(Convert.FromHexString(entry.ContentSha256)) };
            if (entry.PerceptualHash is not null)
            {
                item.PerceptualHash = ulong.Parse(entry.PerceptualHash, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }

            items.Add(item);
        }

        if (items.Count != header.ItemCount || index < 0 || index >= items.Count)
        {
            throw new FormatException($"manifest lists {items.Count} items (header says {header.ItemCount}); item {index} is not among them");
        }

        var (body, tree) = Build(items, MediaType.Unspecified, new RightsHolder(), chainHash);
        if (Convert.ToHexStringLower(body.MerkleRoot.Span) != header.MerkleRoot)
        {
            throw new ClientVerificationException($"manifest items hash to root {Convert.ToHexStringLower(body.MerkleRoot.Span)}, its header says {header.MerkleRoot}");
        }

        var proof = new InclusionProof { LeafIndex = (ulong)index, TreeSize = (ulong)items.Count };
        proof.Path.AddRange(tree.BuildInclusionProof((ulong)index, (ulong)items.Count).Select(ByteString.CopyFrom));
        return new BatchItemEvidence { Item = items[index], ItemProof = proof };
    }

    private sealed record ManifestHeader(string MerkleRoot, int ItemCount, string TxHash);

    private sealed record ManifestItem(int Index, string ItemId, string ContentSha256, string? PerceptualHash);
}

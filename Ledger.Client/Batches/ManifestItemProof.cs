using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Ledger.Core.Evidence;
using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;

namespace Ledger.Client.Batches;

/// <summary>
/// One item's proof from a batch manifest in one streamed pass and bounded memory, whatever the file
/// holds: each line is read within <see cref="BatchRegistration.ManifestLineCharsMax"/>, the items go
/// one by one into a compact tree (one hash per level) and only the complete subtrees the item's proof
/// needs are kept (at most a few per level), so memory is a line and O(log² n) hashes, not the batch.
/// The header's count is bounded by <see cref="BatchRegistration.ItemsMax"/>, the lines must be exactly
/// that many items in order, and the items must hash to the header's root.
/// </summary>
internal static class ManifestItemProof
{
    private const int HexDigitsPerHash = 2 * BatchItemLeaf.ContentHashBytes;

    private const int PerceptualHashHexDigitsMax = 16;

    public static BatchItemEvidence Read(TextReader text, int index, IHashAlgorithm chainHash)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(chainHash);
        var lines = new BoundedLineReader(text, BatchRegistration.ManifestLineCharsMax);
        if (!lines.ReadLine())
        {
            throw new BatchManifestException(0, "the manifest is empty");
        }

        var header = Parse<ManifestHeader>(lines);
        if (header.TreeHash is { } treeHash && treeHash != chainHash.Name)
        {
            throw new ClientVerificationException($"the manifest's batch tree is hashed with {Shown(treeHash)}, the consortium's suite hashes with {chainHash.Name}");
        }

        var hasher = new MerkleHasher(chainHash);
        var root = header.MerkleRoot is { } rootHex && rootHex.Length == 2 * hasher.HashSizeBytes && rootHex.All(char.IsAsciiHexDigit)
            ? Convert.FromHexString(rootHex)
            : throw new BatchManifestException(1, $"MerkleRoot must be {2 * hasher.HashSizeBytes} hex digits");
        if (header.ItemCount is < 1 or > BatchRegistration.ItemsMax)
        {
            throw new BatchManifestException(1, $"ItemCount must be 1..{BatchRegistration.ItemsMax}, is {header.ItemCount}");
        }

        var count = header.ItemCount;
        if (index < 0 || index >= count)
        {
            throw new BatchManifestException(0, $"item {index} is not in this manifest: it lists {count} items (0..{count - 1})");
        }

        var capture = new SubtreeCapture(NeededSubtrees(hasher, index, count));
        var tree = new CompactMerkleTree(hasher);
        BatchItem? wanted = null;
        for (var i = 0; i < count; i++)
        {
            if (!lines.ReadLine())
            {
                throw new BatchManifestException(0, $"the manifest ends after {i} items, its header lists {count}");
            }

            var item = ParseItem(lines, i);
            if (i == index)
            {
                wanted = item;
            }

            tree.AppendLeafHash(hasher.HashLeaf(BatchItemLeaf.Encode(item)), ref capture);
        }

        while (lines.ReadLine())
        {
            if (!lines.Line.IsWhiteSpace())
            {
                throw new BatchManifestException(lines.LineNumber, $"a line after the {count} items the header lists");
            }
        }

        var computed = tree.ComputeRoot();
        if (!computed.AsSpan().SequenceEqual(root))
        {
            throw new ClientVerificationException($"manifest items hash to root {Convert.ToHexStringLower(computed)}, its header says {Convert.ToHexStringLower(root)}");
        }

        var proof = new InclusionProof { LeafIndex = (ulong)index, TreeSize = (ulong)count };
        proof.Path.AddRange(MerkleProofBuilder.BuildInclusionProof(hasher, capture, (ulong)index, (ulong)count).Select(ByteString.CopyFrom));
        return new BatchItemEvidence { Item = wanted!, ItemProof = proof };
    }

    /// <summary>The complete subtrees (level, index) the proof of <paramref name="index"/> in a tree of <paramref name="count"/> leaves reads: pure shape, asked of the proof builder itself.</summary>
    private static HashSet<(int Level, ulong Index)> NeededSubtrees(MerkleHasher hasher, int index, int count)
    {
        var recorder = new SubtreeRecorder();
        MerkleProofBuilder.BuildInclusionProof(hasher, recorder, (ulong)index, (ulong)count);
        return recorder.Needed;
    }

    private static BatchItem ParseItem(BoundedLineReader lines, int expectedIndex)
    {
        var entry = Parse<ManifestItem>(lines);
        var number = lines.LineNumber;
        if (entry.Index != expectedIndex)
        {
            throw new BatchManifestException(number, $"Index is {entry.Index}, item lines must count up from 0 (expected {expectedIndex})");
        }

        if (entry.ItemId is null)
        {
            throw new BatchManifestException(number, "ItemId is missing");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(entry.ItemId) > BatchItemLeaf.ItemIdBytesMax)
        {
            throw new BatchManifestException(number, $"ItemId is longer than {BatchItemLeaf.ItemIdBytesMax} UTF-8 bytes");
        }

        var item = new BatchItem
        {
            ItemId = entry.ItemId,
            ContentSha256 = Hash(entry.ContentSha256, "ContentSha256", number),
            ContentSm3 = Hash(entry.ContentSm3, "ContentSm3", number),
        };
        if (item.ContentSha256.IsEmpty && item.ContentSm3.IsEmpty)
        {
            throw new BatchManifestException(number, "the item has neither ContentSha256 nor ContentSm3");
        }

        if (entry.PerceptualHash is { } phash)
        {
            if (phash.Length is 0 or > PerceptualHashHexDigitsMax || !ulong.TryParse(phash, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                throw new BatchManifestException(number, $"PerceptualHash must be 1..{PerceptualHashHexDigitsMax} hex digits");
            }

            item.PerceptualHash = value;
        }

        return item;
    }

    private static ByteString Hash(string? hex, string field, long lineNumber)
    {
        if (hex is null)
        {
            return ByteString.Empty;
        }

        return hex.Length == HexDigitsPerHash && hex.All(char.IsAsciiHexDigit)
            ? ByteString.CopyFrom(Convert.FromHexString(hex))
            : throw new BatchManifestException(lineNumber, $"{field} must be {HexDigitsPerHash} hex digits");
    }

    private static T Parse<T>(BoundedLineReader lines)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(lines.Line) ?? throw new BatchManifestException(lines.LineNumber, "the line is JSON null");
        }
        catch (JsonException exception)
        {
            throw new BatchManifestException(lines.LineNumber, $"not a manifest {(typeof(T) == typeof(ManifestHeader) ? "header" : "item")} line ({exception.Message.Split('.')[0]})");
        }
    }

    /// <summary>A value from the file quoted in a message: short, and without control characters.</summary>
    private static string Shown(string value)
    {
        const int CharsShown = 32;
        var prefix = value.Length <= CharsShown ? value : value[..CharsShown] + "…";
        return new string([.. prefix.Select(c => char.IsControl(c) ? '?' : c)]);
    }

    /// <summary>Answers the proof builder with zeros and notes which subtrees it asked for.</summary>
    private sealed class SubtreeRecorder : IMerkleSubtreeReader
    {
        public HashSet<(int Level, ulong Index)> Needed { get; } = [];

        public void ReadSubtreeHash(int level, ulong index, Span<byte> destination)
        {
            Needed.Add((level, index));
            destination.Clear();
        }
    }

    /// <summary>Keeps the needed complete subtrees as the compact tree creates them, then serves them to the proof builder.</summary>
    private sealed class SubtreeCapture : IMerkleNodeSink, IMerkleSubtreeReader
    {
        private readonly HashSet<(int Level, ulong Index)> needed;
        private readonly Dictionary<(int Level, ulong Index), byte[]> hashes = [];

        public SubtreeCapture(HashSet<(int Level, ulong Index)> needed) => this.needed = needed;

        public void OnNode(int level, ulong index, scoped ReadOnlySpan<byte> hash)
        {
            if (needed.Contains((level, index)))
            {
                hashes[(level, index)] = hash.ToArray();
            }
        }

        public void ReadSubtreeHash(int level, ulong index, Span<byte> destination) =>
            hashes[(level, index)].CopyTo(destination);
    }
}

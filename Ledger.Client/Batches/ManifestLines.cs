using System.Text.Json.Serialization;

namespace Ledger.Client.Batches;

/// <summary>A batch manifest's first line: the batch root, its item count, the transaction that anchors it, the tree's hash ("sha256" or "sm3"; absent in older manifests).</summary>
internal sealed record ManifestHeader(string MerkleRoot, int ItemCount, string TxHash, string? TreeHash = null);

/// <summary>One item line of a batch manifest (hashes in lowercase hex; null when the item has none).</summary>
internal sealed record ManifestItem(
    int Index,
    string ItemId,
    string? ContentSha256,
    string? PerceptualHash,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ContentSm3 = null);

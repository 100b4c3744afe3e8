using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Batches;
using Ledger.Registry.Model;

namespace Ledger.Registry.Tests.Support;

/// <summary>Builders for transaction bodies with sensible valid defaults.</summary>
internal static class Sample
{
    public static ByteString Hash(string seed) => ByteString.CopyFrom(SHA256.HashData(Encoding.UTF8.GetBytes(seed)));

    public static RightsHolder Member(string memberId) => new() { MemberId = memberId };

    public static RightsHolder External(string identifier, string name = "Seller Ltd") => new() { External = new ExternalHolder { Identifier = identifier, Name = name } };

    public static RegisterWork Work(string seed, RightsHolder holder, ulong? perceptualHash = null, MediaType mediaType = MediaType.Image)
    {
        var body = new RegisterWork
        {
            ContentHash = new ContentHash { Sha256 = Hash(seed) },
            MediaType = mediaType,
            Title = $"work {seed}",
            RightsHolder = holder,
            ClaimedCreationUnixMs = TestChain.GenesisTimeUnixMs - 1000,
        };
        if (perceptualHash is { } value)
        {
            body.PerceptualHash = value;
        }

        return body;
    }

    /// <param name="seed">Seed of the item's SHA-256; null: the item carries none.</param>
    /// <param name="sm3Seed">Seed of the item's SM3 (a stand-in 32-byte value); null: the item carries none.</param>
    public static BatchItem Item(string? seed, string itemId, ulong? perceptualHash = null, string? sm3Seed = null)
    {
        var item = new BatchItem
        {
            ContentSha256 = seed is null ? ByteString.Empty : Hash(seed),
            ContentSm3 = sm3Seed is null ? ByteString.Empty : Hash(sm3Seed),
            ItemId = itemId,
        };
        if (perceptualHash is { } value)
        {
            item.PerceptualHash = value;
        }

        return item;
    }

    /// <summary>A batch as a member sends it: the signed body (root and count) and its detached items.</summary>
    public static TestBatch Batch(RightsHolder holder, IEnumerable<BatchItem> items, MediaType mediaType = MediaType.ProductListing)
    {
        var detached = new BatchItems();
        detached.Items.AddRange(items);
        var body = new BatchRegister
        {
            MediaType = mediaType,
            RightsHolder = holder,
            ItemCount = (uint)detached.Items.Count,
            MerkleRoot = ByteString.CopyFrom(BatchMerkleRoot.Compute(Ledger.Core.Hashing.Sha256HashAlgorithm.Instance, detached.Items)),
        };
        return new TestBatch(body, detached);
    }

    public static ByteString WorkIdOf(byte[] txHash, uint itemIndex = 0) => ByteString.CopyFrom(WorkIds.Create(txHash, itemIndex));

    public static FileClaim Claim(ByteString workId, string accusedMemberId = "") => new()
    {
        WorkId = workId,
        InfringingItemId = "listing-123",
        InfringingContentSha256 = Hash("copy"),
        EvidenceHashes = { Hash("screenshot") },
        AccusedMemberId = accusedMemberId,
    };
}

using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Ledger.Client.Batches;
using Ledger.Core.Evidence;
using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Registry.Batches;

namespace Ledger.Client.Tests.Batches;

public sealed class BatchRegistrationTests
{
    private static List<BatchItem> Items(int count)
    {
        var items = new List<BatchItem>();
        for (var i = 0; i < count; i++)
        {
            var item = new BatchItem { ItemId = $"sku-{i}-é", ContentSha256 = ByteString.CopyFrom(SHA256.HashData(Encoding.UTF8.GetBytes($"item {i}"))) };
            if (i % 3 == 0)
            {
                item.PerceptualHash = (ulong)i * 0x0101010101010101UL;
            }

            items.Add(item);
        }

        return items;
    }

    [Test]
    public void BatchItemLeaf_IsByteIdenticalToTheRegistryEncoding()
    {
        foreach (var item in Items(7).Append(new BatchItem { ItemId = "", ContentSha256 = ByteString.CopyFrom(new byte[32]), PerceptualHash = ulong.MaxValue }))
        {
            Assert.That(BatchItemLeaf.Encode(item), Is.EqualTo(BatchItemEncoding.Encode(item)), item.ItemId);
        }
    }

    [Test]
    public void ProofFromManifest_EveryItem_ProvesToTheBatchRoot()
    {
        var batch = BatchRegistration.Build(Items(7), MediaType.ProductListing, new RightsHolder { MemberId = "platform" }, Sha256HashAlgorithm.Instance);
        using var writer = new StringWriter();
        BatchRegistration.WriteManifest(writer, batch, new byte[32]);
        var manifest = writer.ToString();
        var hasher = new MerkleHasher(Sha256HashAlgorithm.Instance);

        for (var i = 0; i < 7; i++)
        {
            var evidence = BatchRegistration.ProofFromManifest(new StringReader(manifest), i, Sha256HashAlgorithm.Instance);
            var result = MerkleProofVerifier.CheckInclusion(
                hasher, evidence.ItemProof.LeafIndex, evidence.ItemProof.TreeSize, hasher.HashLeaf(BatchItemLeaf.Encode(evidence.Item)),
                [.. evidence.ItemProof.Path.Select(p => p.ToByteArray())], batch.Body.MerkleRoot.Span);

            Assert.That(result, Is.EqualTo(MerkleProofResult.Valid), $"item {i}");
            Assert.That(evidence.Item, Is.EqualTo(batch.Items.Items[i]));
        }
    }

    [Test]
    public void ProofFromManifest_EditedItemLine_IsDetected()
    {
        var batch = BatchRegistration.Build(Items(5), MediaType.ProductListing, new RightsHolder { MemberId = "platform" }, Sha256HashAlgorithm.Instance);
        using var writer = new StringWriter();
        BatchRegistration.WriteManifest(writer, batch, new byte[32]);
        var edited = writer.ToString().Replace("sku-3", "sku-9", StringComparison.Ordinal);

        Assert.That(() => BatchRegistration.ProofFromManifest(new StringReader(edited), 0, Sha256HashAlgorithm.Instance), Throws.TypeOf<ClientVerificationException>());
    }
}

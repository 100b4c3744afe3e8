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

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(6)]
    [TestCase(8)]
    [TestCase(13)]
    [TestCase(100)]
    public void ProofFromManifest_EveryItemOfABatchOfThisSize_IsTheInMemoryTreesProof(int size)
    {
        // The streamed pass keeps only the proof's subtrees; the whole tree in memory is the reference.
        var items = Items(size);
        var manifest = Manifest(items);

        for (var i = 0; i < size; i++)
        {
            var streamed = BatchRegistration.ProofFromManifest(new StringReader(manifest), i, Sha256HashAlgorithm.Instance);
            var reference = BatchRegistration.ProofFromItems(items, i, Sha256HashAlgorithm.Instance);

            Assert.That((streamed.Item, streamed.ItemProof), Is.EqualTo((reference.Item, reference.ItemProof)), $"item {i} of {size}");
        }
    }

    [Test]
    public void ProofFromManifest_WorstCaseItemLine_FitsTheLineBound()
    {
        // The longest item id the leaf takes, of characters JSON escapes to six, with every hash.
        var item = new BatchItem
        {
            ItemId = new string('<', BatchItemLeaf.ItemIdBytesMax),
            ContentSha256 = ByteString.CopyFrom(new byte[32]),
            ContentSm3 = ByteString.CopyFrom(new byte[32]),
            PerceptualHash = ulong.MaxValue,
        };
        var manifest = Manifest([item]);

        var longest = manifest.Split('\n').Max(line => line.Length);
        var evidence = BatchRegistration.ProofFromManifest(new StringReader(manifest), 0, Sha256HashAlgorithm.Instance);

        Assert.That(longest, Is.LessThanOrEqualTo(BatchRegistration.ManifestLineCharsMax));
        Assert.That(evidence.Item, Is.EqualTo(item));
    }

    [Test]
    public void ProofFromManifest_LineWithoutEnd_IsRefusedAfterReadingNoMoreThanTheBound()
    {
        var endless = new GeneratedText(_ => 'x');

        Assert.That(() => BatchRegistration.ProofFromManifest(endless, 0, Sha256HashAlgorithm.Instance), Throws.TypeOf<BatchManifestException>()
            .With.Property(nameof(BatchManifestException.LineNumber)).EqualTo(1)
            .And.Message.Contains($"longer than {BatchRegistration.ManifestLineCharsMax} characters"));
        Assert.That(endless.CharsRead, Is.LessThan(BatchRegistration.ManifestLineCharsMax + (64 * 1024)));
    }

    [Test]
    public void ProofFromManifest_EndlessItemLinesAfterTheHeadersCount_IsRefusedAtTheFirstExtraLine()
    {
        // A valid 3-item manifest followed by item lines without end: reading stops at the first line past the count.
        var manifest = Manifest(Items(3));
        var extra = "{\"Index\":3,\"ItemId\":\"more\",\"ContentSha256\":\"" + new string('0', 64) + "\",\"PerceptualHash\":null}\n";
        var endless = new GeneratedText(position => position < manifest.Length ? manifest[(int)position] : extra[(int)((position - manifest.Length) % extra.Length)]);

        Assert.That(() => BatchRegistration.ProofFromManifest(endless, 1, Sha256HashAlgorithm.Instance), Throws.TypeOf<BatchManifestException>()
            .With.Property(nameof(BatchManifestException.LineNumber)).EqualTo(5)
            .And.Message.Contains("a line after the 3 items the header lists"));
        Assert.That(endless.CharsRead, Is.LessThan(manifest.Length + (64 * 1024)));
    }

    [TestCase("{\"MerkleRoot\":\"00\",\"ItemCount\":1,\"TxHash\":\"\"}", 1, "MerkleRoot must be 64 hex digits")]
    [TestCase("not json", 1, "not a manifest header line")]
    [TestCase("", 0, "the manifest is empty")]
    public void ProofFromManifest_BadHeader_IsRefusedNamingTheLine(string text, long line, string problem)
    {
        Assert.That(() => BatchRegistration.ProofFromManifest(new StringReader(text), 0, Sha256HashAlgorithm.Instance), Throws.TypeOf<BatchManifestException>()
            .With.Property(nameof(BatchManifestException.LineNumber)).EqualTo(line).And.Message.Contains(problem));
    }

    [Test]
    public void ProofFromManifest_HeaderCountAboveTheBatchBound_IsRefusedBeforeReadingItems()
    {
        var header = $"{{\"MerkleRoot\":\"{new string('0', 64)}\",\"ItemCount\":{BatchRegistration.ItemsMax + 1},\"TxHash\":\"\"}}";

        Assert.That(() => BatchRegistration.ProofFromManifest(new StringReader(header), 0, Sha256HashAlgorithm.Instance), Throws.TypeOf<BatchManifestException>()
            .With.Message.Contains($"ItemCount must be 1..{BatchRegistration.ItemsMax}"));
    }

    [Test]
    public void ProofFromManifest_FewerItemLinesThanTheHeaderSays_IsRefused()
    {
        var lines = Manifest(Items(5)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var cut = string.Join('\n', lines.Take(4));

        Assert.That(() => BatchRegistration.ProofFromManifest(new StringReader(cut), 0, Sha256HashAlgorithm.Instance), Throws.TypeOf<BatchManifestException>()
            .With.Message.Contains("the manifest ends after 3 items, its header lists 5"));
    }

    [Test]
    public void ProofFromManifest_ItemLinesOutOfOrderOrMalformed_AreRefusedNamingTheLine()
    {
        var lines = Manifest(Items(4)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var swapped = string.Join('\n', [lines[0], lines[1], lines[3], lines[2], lines[4]]);
        var badHash = string.Join('\n', [lines[0], lines[1], lines[2].Replace("\"ContentSha256\":\"", "\"ContentSha256\":\"zz", StringComparison.Ordinal), lines[3], lines[4]]);

        Assert.That(() => BatchRegistration.ProofFromManifest(new StringReader(swapped), 0, Sha256HashAlgorithm.Instance), Throws.TypeOf<BatchManifestException>()
            .With.Property(nameof(BatchManifestException.LineNumber)).EqualTo(3).And.Message.Contains("Index is 2"));
        Assert.That(() => BatchRegistration.ProofFromManifest(new StringReader(badHash), 0, Sha256HashAlgorithm.Instance), Throws.TypeOf<BatchManifestException>()
            .With.Property(nameof(BatchManifestException.LineNumber)).EqualTo(3).And.Message.Contains("ContentSha256 must be 64 hex digits"));
    }

    [Test]
    public void ProofFromManifest_ItemIndexPastTheManifest_IsRefusedNamingItsCount()
    {
        var manifest = Manifest(Items(4));

        Assert.That(() => BatchRegistration.ProofFromManifest(new StringReader(manifest), 4, Sha256HashAlgorithm.Instance), Throws.TypeOf<BatchManifestException>()
            .With.Message.Contains("item 4 is not in this manifest: it lists 4 items (0..3)"));
    }

    private static string Manifest(IReadOnlyList<BatchItem> items)
    {
        var batch = BatchRegistration.Build(items, MediaType.ProductListing, new RightsHolder { MemberId = "platform" }, Sha256HashAlgorithm.Instance);
        using var writer = new StringWriter();
        BatchRegistration.WriteManifest(writer, batch, new byte[32]);
        return writer.ToString();
    }

    /// <summary>Text without end: character n is <c>at(n)</c>; counts what was read.</summary>
    private sealed class GeneratedText(Func<long, char> at) : TextReader
    {
        public long CharsRead { get; private set; }

        public override int Read(char[] buffer, int index, int count)
        {
            for (var i = 0; i < count; i++)
            {
                buffer[index + i] = at(CharsRead++);
            }

            return count;
        }

        public override int Read(Span<char> buffer)
        {
            for (var i = 0; i < buffer.Length; i++)
            {
                buffer[i] = at(CharsRead++);
            }

            return buffer.Length;
        }
    }
}

using System.Text;
using Google.Protobuf;
using Ledger.Cli.Batches;
using Ledger.Client.Batches;
using Ledger.Client.Content;
using Ledger.Client.Tests.Support;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Registry.Batches;

namespace Ledger.Client.Tests.Cli;

/// <summary>
/// batch-register's inputs on an sm2-sm3 consortium (issue 20): a CSV names its SM3 column in its
/// header, a directory's files are hashed with SM3 too, an item without the hash the suite requires
/// is refused at its file:line before anything is signed, and the batch manifests name each item's SM3.
/// </summary>
public sealed class SmBatchManifestTests
{
    private static readonly string Sha = new('a', 64);
    private static readonly string Sm3 = new('b', 64);

    private static List<BatchItem> Read(string text, string? suite)
    {
        using var reader = new CsvManifestReader(new StringReader(text), "m.csv", text.Length, suite);
        var items = new List<BatchItem>();
        reader.ReadBatch(items, 100, skip: false);
        return items;
    }

    [Test]
    public void ReadBatch_HeaderNamingSm3_TakesBothHashesAndThePerceptualHash()
    {
        var items = Read($"item_id,content_sha256,content_sm3,phash\nsku-1,{Sha},{Sm3},ff\nsku-2,{Sha},{Sm3}\n", CryptoSuites.Sm2Sm3Name);

        Assert.That(items, Has.Count.EqualTo(2));
        Assert.That(items[0].ContentSha256.ToByteArray(), Is.EqualTo(Convert.FromHexString(Sha)));
        Assert.That(items[0].ContentSm3.ToByteArray(), Is.EqualTo(Convert.FromHexString(Sm3)));
        Assert.That(items[0].PerceptualHash, Is.EqualTo(0xFF));
        Assert.That(items[1].HasPerceptualHash, Is.False);
    }

    [Test]
    public void ReadBatch_HeaderWithSm3Only_ItemsCarryNoSha256()
    {
        var items = Read($"item_id,sm3\nsku-1,{Sm3}\n", CryptoSuites.Sm2Sm3Name);

        Assert.That(items.Single().ContentSha256.IsEmpty, Is.True);
        Assert.That(items.Single().ContentSm3.ToByteArray(), Is.EqualTo(Convert.FromHexString(Sm3)));
    }

    [Test]
    public void ReadBatch_OnSmSuiteWithoutAnSm3Column_IsRefusedNamingTheLineAndTheHeader()
    {
        Assert.That(() => Read($"sku-1,{Sha}\n", CryptoSuites.Sm2Sm3Name), Throws.InstanceOf<ManifestFormatException>()
            .With.Message.Contains("m.csv:1").And.Message.Contains("item_id,content_sha256,content_sm3,phash"));
    }

    [Test]
    public void ReadBatch_OnP256AnOldHeader_IsSkippedAsBefore()
    {
        var items = Read($"item_id,hash,whatever\nsku-1,{Sha},01\n", CryptoSuites.P256Sha256Name);

        Assert.That(items.Single().ContentSm3.IsEmpty, Is.True);
        Assert.That(items.Single().PerceptualHash, Is.EqualTo(1));
    }

    [TestCase("item_id,content_sm3,content_sm3", "twice")]
    [TestCase("item_id,content_sm3,colour", "column 3 is not one of")]
    [TestCase("item_id,phash,content_sm3", "must be the last")]
    public void ReadBatch_BadSm3Header_IsRefusedOnTheHeaderLine(string header, string problem)
    {
        Assert.That(() => Read($"{header}\nsku-1,{Sm3},{Sm3}\n", CryptoSuites.Sm2Sm3Name), Throws.InstanceOf<ManifestFormatException>()
            .With.Message.Contains("m.csv:1").And.Message.Contains(problem));
    }

    [Test]
    public void ReadBatch_Sm3ColumnNotHex_NamesTheColumn()
    {
        Assert.That(() => Read($"item_id,content_sha256,content_sm3\nsku-1,{Sha},zz\n", CryptoSuites.Sm2Sm3Name), Throws.InstanceOf<ManifestFormatException>()
            .With.Message.Contains("m.csv:2").And.Message.Contains("content_sm3 content hash must be 32 bytes of hex"));
    }

    [Test]
    public void ReadBatch_DirectoryOnSmSuite_HashesEachFileWithSha256AndSm3_OtherSuitesSha256Only()
    {
        using var directory = new TempDirectory();
        var tree = directory.File("tree");
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Combine(tree, "a.txt"), "the content of a");
        var expected = ContentHashes.Compute(Encoding.UTF8.GetBytes("the content of a"));
        using var sm = new DirectoryManifestReader(tree, CryptoSuites.Sm2Sm3Name);
        using var p256 = new DirectoryManifestReader(tree, CryptoSuites.P256Sha256Name);
        var smItems = new List<BatchItem>();
        var p256Items = new List<BatchItem>();

        sm.ReadBatch(smItems, 10, skip: false);
        p256.ReadBatch(p256Items, 10, skip: false);

        Assert.That(smItems.Single().ContentSm3, Is.EqualTo(expected.Sm3));
        Assert.That(smItems.Single().ContentSha256, Is.EqualTo(expected.Sha256));
        Assert.That(p256Items.Single().ContentSm3.IsEmpty, Is.True, "a p256 run's batches stay what they were (a resume rebuilds them byte for byte)");
    }

    [Test]
    public void Manifest_ItemsWithSm3_RoundTripTheirProofUnderTheSm3Tree()
    {
        var items = Enumerable.Range(0, 5).Select(i => new BatchItem
        {
            ItemId = $"sku-{i}",
            ContentSha256 = i == 2 ? ByteString.Empty : ByteString.CopyFrom(Enumerable.Repeat((byte)i, 32).ToArray()),
            ContentSm3 = ByteString.CopyFrom(Enumerable.Repeat((byte)(0x80 + i), 32).ToArray()),
        }).ToList();
        var built = BatchRegistration.Build(items, MediaType.ProductListing, new RightsHolder { MemberId = "platform-1" }, Sm3HashAlgorithm.Instance);
        var writer = new StringWriter();
        BatchRegistration.WriteManifest(writer, built, new byte[32]);

        var proof = BatchRegistration.ProofFromManifest(new StringReader(writer.ToString()), 2, Sm3HashAlgorithm.Instance);

        Assert.That(writer.ToString(), Does.Contain("\"ContentSm3\":\"" + new string('8', 1) + "2" + string.Concat(Enumerable.Repeat("82", 31))));
        Assert.That(proof.Item, Is.EqualTo(items[2]));
        Assert.That(built.Body.MerkleRoot.ToByteArray(), Is.EqualTo(BatchMerkleRoot.Compute(Sm3HashAlgorithm.Instance, items)), "the SDK's root is the registry's");
        Assert.That(BatchItemLeaf.Encode(items[2]), Is.EqualTo(BatchItemEncoding.Encode(items[2])));
    }
}

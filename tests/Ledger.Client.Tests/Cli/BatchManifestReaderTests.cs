using System.Text;
using Ledger.Cli.Batches;
using Ledger.Client.Tests.Support;
using Ledger.Core.Protocol;

namespace Ledger.Client.Tests.Cli;

/// <summary>The batch-register manifest readers: one batch at a time from any length of input, every line bound checked with its file:line.</summary>
public sealed class BatchManifestReaderTests
{
    [Test]
    public void ReadBatch_EndlessCsv_ReadsOneBatchAndAtMostOneBufferAhead()
    {
        using var endless = new EndlessCsv();
        using var reader = new CsvManifestReader(endless, "endless.csv", totalBytes: 0);
        var items = new List<BatchItem>();

        var first = reader.ReadBatch(items, 10, skip: false);
        var second = reader.ReadBatch(items, 10, skip: false);

        Assert.That((first, second, items.Count), Is.EqualTo((10, 10, 20)));
        Assert.That(items[19].ItemId, Is.EqualTo("item-19"));
        Assert.That(endless.CharsServed, Is.LessThanOrEqualTo(64 * 1024), "one read buffer, not the input");
    }

    [Test]
    public void ReadBatch_CsvSavedWithAByteOrderMark_LeavesItOutOfTheFirstItemId()
    {
        // Found by the batch-input fuzzer: the mark became the first character of the first item's id.
        using var directory = new TempDirectory();
        var path = directory.File("bom.csv");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes($"first,{new string('a', 64)}\nsecond,{new string('b', 64)}\n")]);
        using var reader = CsvManifestReader.Open(path);
        var items = new List<BatchItem>();

        reader.ReadBatch(items, 10, skip: false);

        Assert.That(items.Select(i => i.ItemId), Is.EqualTo(new[] { "first", "second" }));
    }

    [Test]
    public void ReadBatch_DirectoryFileNameWithALineEnd_IsRefusedOnOneLine()
    {
        // Found by the batch-input fuzzer: a file name's line end (or escape sequence) went into the error as it was.
        using var directory = new TempDirectory();
        var tree = directory.File("tree");
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Combine(tree, "x\n\u001b[31m" + new string('n', 70)), "content");
        using var reader = new DirectoryManifestReader(tree);

        Assert.That(() => reader.ReadBatch([], 10, skip: false), Throws.InstanceOf<ManifestFormatException>()
            .With.Message.Contains("x\\u000a\\u001b[31m").And.Message.Not.Contains("\n").And.Message.Not.Contains("\u001b"));
    }

    [Test]
    public void ReadBatch_MalformedLine_NamesFileAndLine()
    {
        var text = "item_id,content_sha256_hex\n" + string.Concat(Enumerable.Range(0, 40).Select(i => i == 30 ? "x,zz\n" : $"i{i},{new string('a', 64)}\n"));
        using var reader = new CsvManifestReader(new StringReader(text), "m.csv", text.Length);
        var items = new List<BatchItem>();

        reader.ReadBatch(items, 30, skip: false);

        Assert.That(() => reader.ReadBatch(items, 10, skip: false), Throws.InstanceOf<ManifestFormatException>().With.Message.EqualTo("m.csv:32: content hash must be 32 bytes of hex (64 hex digits)"));
    }

    [TestCase("a,b,c,d", "expected item_id,content_sha256_hex[,phash_hex]")]
    [TestCase(",aa", "item_id is empty")]
    public void ReadBatch_BadFields_AreRefusedWithTheirLine(string line, string problem)
    {
        using var reader = new CsvManifestReader(new StringReader(line + "\n"), "m.csv", 0);

        Assert.That(() => reader.ReadBatch([], 10, skip: false), Throws.InstanceOf<ManifestFormatException>().With.Message.EqualTo($"m.csv:1: {problem}"));
    }

    [Test]
    public void ReadBatch_ItemIdOverTheRegistryBound_IsRefused()
    {
        var line = $"{new string('x', ManifestBounds.ItemIdBytesMax + 1)},{new string('a', 64)}\n";
        using var reader = new CsvManifestReader(new StringReader(line), "m.csv", 0);

        Assert.That(() => reader.ReadBatch([], 10, skip: false), Throws.InstanceOf<ManifestFormatException>().With.Message.Contains("m.csv:1: item_id is 65 bytes, more than ItemIdBytesMax=64"));
    }

    [Test]
    public void ReadBatch_EndlessLine_IsRefusedWithoutHoldingIt()
    {
        using var endless = new EndlessCsv(oneLine: true);
        using var reader = new CsvManifestReader(endless, "big.csv", 0);

        Assert.That(() => reader.ReadBatch([], 10, skip: false), Throws.InstanceOf<ManifestFormatException>().With.Message.EqualTo($"big.csv:1: line is longer than LineCharsMax={ManifestBounds.LineCharsMax} characters"));
        Assert.That(endless.CharsServed, Is.LessThanOrEqualTo(64 * 1024));
    }

    [Test]
    public void SourceDigestHex_SameLinesSkippedOrRead_IsTheSame()
    {
        var text = string.Concat(Enumerable.Range(0, 25).Select(i => $"i{i},{new string('b', 64)}\n"));
        using var skipping = new CsvManifestReader(new StringReader(text), "m.csv", 0);
        using var reading = new CsvManifestReader(new StringReader(text), "m.csv", 0);

        skipping.ReadBatch([], 20, skip: true);
        reading.ReadBatch([], 20, skip: false);

        Assert.That(skipping.SourceDigestHex(), Is.EqualTo(reading.SourceDigestHex()));
    }

    [Test]
    public void ReadBatch_Directory_ListsFilesInTheOrdinalOrderOfTheirRelativePaths()
    {
        var root = Directory.CreateTempSubdirectory("ledger-manifest-dir-").FullName;
        try
        {
            string[] paths = ["a.txt", "a/b", "a/c/d", "ab", "b-1", "b/x", "B"];
            foreach (var path in paths)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
                File.WriteAllText(Path.Combine(root, path), path);
            }

            using var reader = new DirectoryManifestReader(root);
            var items = new List<BatchItem>();
            while (reader.ReadBatch(items, 2, skip: false) > 0)
            {
            }

            Assert.That(items.Select(i => i.ItemId), Is.EqualTo(paths.Order(StringComparer.Ordinal)));
            Assert.That(items[0].ContentSha256.ToByteArray(), Is.EqualTo(System.Security.Cryptography.SHA256.HashData("B"u8.ToArray())));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>An input that never ends: CSV lines item-0, item-1, ... (or one line that never ends); counts what it served.</summary>
    private sealed class EndlessCsv(bool oneLine = false) : TextReader
    {
        private readonly StringBuilder pending = new();
        private long next;

        public long CharsServed { get; private set; }

        public override int Read(char[] buffer, int index, int count)
        {
            while (pending.Length < count)
            {
                pending.Append(oneLine ? new string('x', 100) : $"item-{next++},{new string('c', 64)}\n");
            }

            pending.CopyTo(0, buffer, index, count);
            pending.Remove(0, count);
            CharsServed += count;
            return count;
        }
    }
}

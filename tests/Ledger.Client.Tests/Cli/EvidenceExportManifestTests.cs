using Ledger.Cli.Infrastructure;
using Ledger.Client.Tests.Support;

namespace Ledger.Client.Tests.Cli;

/// <summary>
/// <c>ledger evidence export --manifest FILE --item N</c> reads the batch manifest in one bounded pass before
/// asking the node anything: a bad manifest is refused naming its file and line (exit 6), never a stack trace,
/// and never after holding an unbounded line. The endpoint listens nowhere: a command that got as far as the
/// node would exit 4.
/// </summary>
public sealed class EvidenceExportManifestTests
{
    private const string Nowhere = "http://127.0.0.1:1";

    private static readonly TestChain Chain = new();

    [Test]
    public void Export_ManifestWithAnOverlongLine_IsRefusedNamingFileAndLine()
    {
        using var directory = new TempDirectory();
        var manifest = directory.File("batch-000000.jsonl");
        File.WriteAllText(manifest, $"{{\"MerkleRoot\":\"{new string('0', 64)}\",\"ItemCount\":2,\"TxHash\":\"\"}}\n{{\"Index\":0,\"ItemId\":\"{new string('a', 100_000)}\"}}\n");

        var run = Export(directory, manifest, item: 0);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), run.Out + run.Error);
        Assert.That(run.Error, Does.Contain($"manifest {manifest}:2: line is longer than 4096 characters"));
        Assert.That(run.Error, Does.Not.Contain("   at "));
    }

    [Test]
    public void Export_ManifestOfAnotherShape_IsRefusedNamingFileAndLine()
    {
        using var directory = new TempDirectory();
        var manifest = directory.File("items.csv");
        File.WriteAllText(manifest, "item_id,content_sha256_hex\nsku-1,00\n");

        var run = Export(directory, manifest, item: 0);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), run.Out + run.Error);
        Assert.That(run.Error, Does.Contain($"manifest {manifest}:1: not a manifest header line"));
    }

    [Test]
    public void Export_ItemPastTheManifest_IsRefusedNamingItsCount()
    {
        using var directory = new TempDirectory();
        var manifest = directory.File("batch-000000.jsonl");
        File.WriteAllText(manifest, $"{{\"MerkleRoot\":\"{new string('0', 64)}\",\"ItemCount\":3,\"TxHash\":\"\"}}\n");

        var run = Export(directory, manifest, item: 7);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), run.Out + run.Error);
        Assert.That(run.Error, Does.Contain($"manifest {manifest}: item 7 is not in this manifest: it lists 3 items (0..2)"));
    }

    [Test]
    public void Export_MissingManifest_IsNotFound()
    {
        using var directory = new TempDirectory();

        var run = Export(directory, directory.File("absent.jsonl"), item: 0);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.NotFound), run.Out + run.Error);
        Assert.That(run.Error, Does.Contain("absent.jsonl does not exist"));
    }

    private static (int ExitCode, string Out, string Error) Export(TempDirectory directory, string manifest, int item)
    {
        var genesis = directory.File("genesis.json");
        File.WriteAllBytes(genesis, Chain.GenesisBytes);
        return CliRunner.RunWith(
            new Dictionary<string, string> { ["LEDGER_CONFIG"] = directory.File("no-config.json") },
            "evidence", "export", "--tx", new string('a', 64), "--out", directory.File("bundle.json"), "--manifest", manifest, "--item", item.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--genesis", genesis, "--endpoint", Nowhere);
    }
}

using System.Diagnostics;
using System.Text.Json;
using Google.Protobuf;
using Ledger.Client.Signing;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Client.IntegrationTests;

/// <summary>
/// Issue #19, "other languages": a Python client generated from Ledger.Core/Protos with Debian's
/// protoc, its gRPC plugin and python3-grpcio (what docs/other-languages.md tells a developer to
/// run) reads blocks from a live node, and they are the blocks the C# client reads, byte for byte.
/// The tools come from <c>scripts/install-python-grpc.sh</c>; without them the test fails under CI
/// (CI=true) and is ignored elsewhere, saying what is missing.
/// </summary>
public sealed class PythonClientTests
{
    /// <summary>Debian's interpreter: the one python3-grpcio installs into (a pyenv python3 on PATH has no such module).</summary>
    private const string Python = "/usr/bin/python3";

    private const string Protoc = "/usr/bin/protoc";

    /// <summary>
    /// protobuf-compiler-grpc's plugin. Bookworm's python3-grpc-tools (1.14) bundles a protoc too old
    /// for proto3 <c>optional</c> fields, which registry.proto uses; it is only the fallback.
    /// </summary>
    private const string GrpcPythonPlugin = "/usr/bin/grpc_python_plugin";

    private const ulong BlocksRead = 2;

    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(2);

    private TestCluster? cluster;
    private ConsortiumGenesis genesis = null!;
    private string? workDirectory;

    private TestCluster Cluster => cluster ?? throw new InvalidOperationException("the node did not start");

    [OneTimeSetUp]
    public async Task CheckToolsAndStartNodeAsync()
    {
        Require(File.Exists(Python), $"{Python} is missing");
        var modules = await RunAsync(Python, ["-c", "import grpc, google.protobuf"]);
        Require(modules.ExitCode == 0, $"{Python} cannot import grpc and google.protobuf (Debian packages python3-grpcio, python3-protobuf): {modules.Stderr.Trim()}");
        Require(File.Exists(Protoc), $"{Protoc} is missing (Debian package protobuf-compiler)");
        Require(File.Exists(GrpcPythonPlugin) || (await RunAsync(Python, ["-c", "import grpc_tools.protoc"])).ExitCode == 0, $"neither {GrpcPythonPlugin} (Debian package protobuf-compiler-grpc) nor grpc_tools is installed");

        workDirectory = Directory.CreateTempSubdirectory("ledger-python-client-").FullName;
        cluster = await TestCluster.StartAsync(1);
        genesis = ConsortiumGenesis.Parse(await File.ReadAllBytesAsync(cluster.Consortium.GenesisPath));
    }

    [OneTimeTearDown]
    public async Task StopNodeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }

        if (workDirectory is not null)
        {
            Directory.Delete(workDirectory, recursive: true);
        }
    }

    [Test]
    public async Task GeneratedPythonClient_ReadsBlocksFromALiveNode_SameBlocksAsTheCSharpClient()
    {
        await using var client = new LedgerClient(new LedgerClientOptions { Endpoints = [new Uri(Cluster.Nodes[0].PublicUrl)], Genesis = genesis });
        var builder = new TransactionBuilder(Cluster.Consortium.Platform, genesis.ChainId);
        for (var i = 0; (await client.StatusAsync()).Height < BlocksRead; i++)
        {
            await client.SubmitAsync(builder.Build(TransactionType.Anchor, ByteString.CopyFromUtf8($"python interop anchor {i}")));
        }

        var stubs = await GenerateStubsAsync();
        var endpoint = new Uri(Cluster.Nodes[0].PublicUrl);
        var read = await RunAsync(Python, [Path.Combine(RepositoryRoot(), "docs", "samples", "python", "read_block.py"), "--stubs", stubs, "--endpoint", $"{endpoint.Host}:{endpoint.Port}", "1", "2"]);
        Assert.That(read.ExitCode, Is.Zero, $"read_block.py failed:\n{read.Stdout}\n{read.Stderr}");

        using var json = JsonDocument.Parse(read.Stdout);
        Assert.That(json.RootElement.GetProperty("chain_id").GetString(), Is.EqualTo(genesis.ChainId));
        var blocks = json.RootElement.GetProperty("blocks").EnumerateArray().ToList();
        Assert.That(blocks, Has.Count.EqualTo(2));
        var chainHash = CryptoSuites.Get(genesis.Suite).Hash;
        var headersReadByPython = new List<BlockHeader>();
        for (var i = 0; i < blocks.Count; i++)
        {
            var height = (ulong)i + 1;
            var expected = await client.GetBlockAsync(height);
            var header = BlockHeader.Parser.ParseFrom(Convert.FromHexString(blocks[i].GetProperty("header").GetString()!));
            Assert.That(header, Is.EqualTo(expected.Header), $"block {height}");
            Assert.That(blocks[i].GetProperty("height").GetUInt64(), Is.EqualTo(height));
            Assert.That(blocks[i].GetProperty("transactions").GetInt32(), Is.EqualTo(expected.Transactions.Count));
            Assert.That(Convert.FromHexString(blocks[i].GetProperty("log_root").GetString()!), Is.EqualTo(expected.Header.LogRoot.ToByteArray()));
            headersReadByPython.Add(header);
        }

        // The hash of block 1 as Python read it is what block 2 (as Python read it) links to.
        Assert.That(Convert.FromHexString(blocks[1].GetProperty("prev_block_hash").GetString()!), Is.EqualTo(BlockHash.Compute(headersReadByPython[0], chainHash)));
    }

    /// <summary>protoc --python_out and the gRPC plugin over every ledger/v1 file, plus the google/api files they import.</summary>
    private async Task<string> GenerateStubsAsync()
    {
        var output = Path.Combine(workDirectory!, "stubs");
        Directory.CreateDirectory(output);
        var protos = Path.Combine(RepositoryRoot(), "Ledger.Core", "Protos");
        var googleApi = NuGetDirectory("google.api.commonprotos", Path.Combine("content", "protos"), Path.Combine("google", "api", "annotations.proto"))
            ?? throw new InvalidOperationException("google/api/annotations.proto not found in the NuGet cache (package Google.Api.CommonProtos, restored by the build)");
        var wellKnown = WellKnownProtos()
            ?? throw new InvalidOperationException("google/protobuf/descriptor.proto not found (libprotobuf-dev's /usr/include, the Grpc.Tools NuGet package or python3-grpc-tools)");
        List<string> includes = ["-I", protos, "-I", googleApi, "-I", wellKnown];
        List<string> files = [.. Directory.GetFiles(Path.Combine(protos, "ledger", "v1"), "*.proto").Order(StringComparer.Ordinal), Path.Combine(googleApi, "google", "api", "annotations.proto"), Path.Combine(googleApi, "google", "api", "http.proto"), Path.Combine(googleApi, "google", "api", "httpbody.proto")];

        var generated = File.Exists(GrpcPythonPlugin)
            ? await RunAsync(Protoc, [.. includes, $"--python_out={output}", $"--grpc_python_out={output}", $"--plugin=protoc-gen-grpc_python={GrpcPythonPlugin}", .. files])
            : await RunAsync(Python, ["-m", "grpc_tools.protoc", .. includes, $"--python_out={output}", $"--grpc_python_out={output}", .. files]);
        Assert.That(generated.ExitCode, Is.Zero, $"generating the Python client failed:\n{generated.Stdout}\n{generated.Stderr}");
        Assert.That(File.Exists(Path.Combine(output, "ledger", "v1", "api_pb2_grpc.py")), Is.True);
        return output;
    }

    private static string? WellKnownProtos()
    {
        var descriptor = Path.Combine("google", "protobuf", "descriptor.proto");
        if (File.Exists(Path.Combine("/usr/include", descriptor)))
        {
            return "/usr/include";
        }

        return NuGetDirectory("grpc.tools", Path.Combine("build", "native", "include"), descriptor)
            ?? (File.Exists(Path.Combine("/usr/lib/python3/dist-packages/grpc_tools/_proto", descriptor)) ? "/usr/lib/python3/dist-packages/grpc_tools/_proto" : null);
    }

    /// <summary>The newest version's <paramref name="relative"/> folder of a package in the NuGet cache that holds <paramref name="file"/>.</summary>
    private static string? NuGetDirectory(string package, string relative, string file)
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var versions = new DirectoryInfo(Path.Combine(root, package));
        return versions.Exists
            ? versions.GetDirectories()
                .Where(version => File.Exists(Path.Combine(version.FullName, relative, file)))
                .OrderByDescending(version => Version.TryParse(version.Name.Split('-')[0], out var parsed) ? parsed : new Version(0, 0))
                .Select(version => Path.Combine(version.FullName, relative))
                .FirstOrDefault()
            : null;
    }

    private static void Require(bool condition, string missing)
    {
        if (condition)
        {
            return;
        }

        var reason = $"the Python client test needs Debian's protoc, gRPC plugin and python3-grpcio: {missing}. Install them with scripts/install-python-grpc.sh (as root).";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(reason);
        }

        Assert.Ignore(reason);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string fileName, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Debian's interpreter with Debian's modules: nothing from a pyenv or virtualenv setup.
        start.Environment.Remove("PYTHONPATH");
        start.Environment.Remove("PYTHONHOME");
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ToolTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} did not finish within {ToolTimeout}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ledger.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Ledger.sln above {TestContext.CurrentContext.TestDirectory}");
    }
}

using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace Ledger.Client.Tests.Packaging;

/// <summary>
/// Issue #19: <c>Ledger.Client</c> packs as a NuGet package a platform developer can take as it is:
/// its README, Apache-2.0 licence metadata, XML docs beside the assembly and its dependencies
/// (Ledger.Core, itself a package with the same licence, and the gRPC client). The test packs the
/// assemblies this test run already built (<c>--no-build</c>), so it changes nothing other tests read.
/// </summary>
public sealed class ClientPackageTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);

    [Test]
    public async Task DotnetPack_LedgerClient_PackageCarriesReadmeLicenceXmlDocsAndDependencies()
    {
        var root = RepositoryRoot();
        var output = Directory.CreateTempSubdirectory("ledger-pack-");
        try
        {
            await PackAsync(root, Path.Combine(root, "Ledger.Client", "Ledger.Client.csproj"), output.FullName);
            await PackAsync(root, Path.Combine(root, "Ledger.Core", "Ledger.Core.csproj"), output.FullName);

            using (var client = ZipFile.OpenRead(Single(output, "Ledger.Client.*.nupkg")))
            {
                var nuspec = Nuspec(client, "Ledger.Client");
                Assert.That(Element(nuspec, "id")?.Value, Is.EqualTo("Ledger.Client"));
                Assert.That(Element(nuspec, "description")?.Value, Does.Contain("ITransactionSigner"));
                Assert.That(Element(nuspec, "authors")?.Value, Is.Not.Empty);
                AssertApacheLicence(nuspec);
                Assert.That(Element(nuspec, "readme")?.Value, Is.EqualTo("README.md"));
                Assert.That(Text(client, "README.md"), Does.Contain("## Verify inclusion offline").And.Contain("ITransactionSigner"));
                Assert.That(client.GetEntry("lib/net10.0/Ledger.Client.dll"), Is.Not.Null);
                Assert.That(Text(client, "lib/net10.0/Ledger.Client.xml"), Does.Contain("T:Ledger.Client.Signing.ITransactionSigner").And.Contain("M:Ledger.Client.LedgerClient.SubmitAsync"));
                var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string?)e.Attribute("id")).ToList();
                Assert.That(dependencies, Is.SupersetOf(new[] { "Ledger.Core", "Grpc.Net.Client", "Grpc.HealthCheck" }));
                Assert.That(nuspec.Descendants().Where(e => e.Name.LocalName == "group").Select(e => (string?)e.Attribute("targetFramework")), Has.Some.EqualTo("net10.0"));
                var repository = Element(nuspec, "repository");
                Assert.That((string?)repository?.Attribute("url") ?? "", Does.Not.Contain("example").And.Not.Contain("TODO"), "no placeholder repository url");
            }

            using (var core = ZipFile.OpenRead(Single(output, "Ledger.Core.*.nupkg")))
            {
                var nuspec = Nuspec(core, "Ledger.Core");
                AssertApacheLicence(nuspec);
                Assert.That(Element(nuspec, "description")?.Value, Is.Not.Empty);
                Assert.That(core.GetEntry("lib/net10.0/Ledger.Core.xml"), Is.Not.Null);
            }
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static void AssertApacheLicence(XElement nuspec)
    {
        var license = Element(nuspec, "license");
        Assert.That((string?)license?.Attribute("type"), Is.EqualTo("expression"));
        Assert.That(license?.Value, Is.EqualTo("Apache-2.0"));
    }

    private static async Task PackAsync(string root, string project, string output)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            // From the repository root, so its global.json picks the SDK.
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "pack", project, "-c", Configuration, "--no-build", "-o", output, "-nologo", "--disable-build-servers", "-v", "minimal" })
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's own MSBuild settings would point the child build at the wrong SDK pieces.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PackTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet pack {Path.GetFileName(project)} did not finish within {PackTimeout}");
        }

        Assert.That(process.ExitCode, Is.Zero, $"dotnet pack {Path.GetFileName(project)} failed:\n{await stdout}\n{await stderr}");
    }

    private static XElement Nuspec(ZipArchive package, string id) =>
        XDocument.Parse(Text(package, $"{id}.nuspec")).Root ?? throw new InvalidDataException($"{id}.nuspec is empty");

    private static XElement? Element(XElement nuspec, string name) => nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name);

    private static string Text(ZipArchive package, string path)
    {
        var entry = package.GetEntry(path);
        Assert.That(entry, Is.Not.Null, $"the package has no {path}; it has {string.Join(", ", package.Entries.Select(e => e.FullName))}");
        using var reader = new StreamReader(entry!.Open());
        return reader.ReadToEnd();
    }

    private static string Single(DirectoryInfo directory, string pattern)
    {
        var files = directory.GetFiles(pattern).Where(f => !f.Name.EndsWith(".symbols.nupkg", StringComparison.Ordinal)).ToList();
        Assert.That(files, Has.Count.EqualTo(1), $"{pattern} in {directory.FullName}");
        return files[0].FullName;
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

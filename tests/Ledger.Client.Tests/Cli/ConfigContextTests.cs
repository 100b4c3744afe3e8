using System.Text.Json;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Tests.Support;

namespace Ledger.Client.Tests.Cli;

/// <summary>
/// <c>ledger config</c> contexts (issue #19): the file's place, owner-only atomic writes, its bounds, and
/// the precedence flag > LEDGER_* variable > context > default, seen through <c>ledger config show</c>.
/// Every run gets its own environment (<see cref="CliRunner.RunWith"/>), never the process's.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ConfigContextTests
{
    [Test]
    public void SetUseGetCurrentDeleteContext_RoundTripThroughAnOwnerOnlyFile()
    {
        using var directory = new TempDirectory();
        var variables = new Dictionary<string, string> { ["LEDGER_CONFIG"] = directory.File("cfg/config.json") };
        var key = KeyFile(directory, "k.json");

        var set = CliRunner.RunWith(variables, "config", "set-context", "dev", "--endpoint", "http://127.0.0.1:7050", "--key", key);
        var noCurrent = CliRunner.RunWith(variables, "config", "current-context");
        var use = CliRunner.RunWith(variables, "config", "use-context", "dev");
        var current = CliRunner.RunWith(variables, "config", "current-context");
        CliRunner.RunWith(variables, "config", "set-context", "prod", "--endpoint", "https://ledger.example:7050", "--endpoint", "https://ledger2.example:7050");
        var list = CliRunner.RunWith(variables, "config", "get-contexts", "-o", "json");
        var useUnknown = CliRunner.RunWith(variables, "config", "use-context", "nope");
        var delete = CliRunner.RunWith(variables, "config", "delete-context", "dev");
        var afterDelete = CliRunner.RunWith(variables, "config", "current-context");

        Assert.That(set.ExitCode, Is.EqualTo(ExitCodes.Ok), set.Error);
        Assert.That(File.GetUnixFileMode(directory.File("cfg/config.json")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(Directory.GetFiles(directory.File("cfg")), Has.Length.EqualTo(1), "no temporary file is left behind");
        Assert.That(noCurrent.ExitCode, Is.EqualTo(ExitCodes.NotFound));
        Assert.That(use.ExitCode, Is.EqualTo(ExitCodes.Ok), use.Error);
        Assert.That(current.Out.Trim(), Is.EqualTo("dev"));
        var contexts = JsonDocument.Parse(list.Out).RootElement;
        Assert.That(contexts.GetProperty("currentContext").GetString(), Is.EqualTo("dev"));
        Assert.That(contexts.GetProperty("contexts").EnumerateArray().Select(c => c.GetProperty("name").GetString()), Is.EqualTo(new[] { "dev", "prod" }));
        Assert.That(contexts.GetProperty("contexts")[0].GetProperty("key").GetString(), Is.EqualTo(key));
        Assert.That(contexts.GetProperty("contexts")[1].GetProperty("endpoints").GetArrayLength(), Is.EqualTo(2));
        Assert.That(useUnknown.ExitCode, Is.EqualTo(ExitCodes.NotFound));
        Assert.That(delete.ExitCode, Is.EqualTo(ExitCodes.Ok), delete.Error);
        Assert.That(afterDelete.ExitCode, Is.EqualTo(ExitCodes.NotFound), "deleting the current context leaves none current");
    }

    [Test]
    public void Precedence_FlagBeatsVariableBeatsContextBeatsDefault()
    {
        using var directory = new TempDirectory();
        var config = directory.File("config.json");
        var contextKey = KeyFile(directory, "context.json");
        var variableKey = KeyFile(directory, "variable.json");
        var flagKey = KeyFile(directory, "flag.json");
        var bare = new Dictionary<string, string> { ["LEDGER_CONFIG"] = config };

        var defaults = Show(bare);
        CliRunner.RunWith(bare, "config", "set-context", "c", "--endpoint", "http://context.example:1", "--key", contextKey, "--use");
        var fromContext = Show(bare);
        var withVariables = new Dictionary<string, string>(bare) { ["LEDGER_ENDPOINTS"] = "http://variable.example:2", ["LEDGER_KEY"] = variableKey };
        var fromVariables = Show(withVariables);
        var fromFlags = Show(withVariables, "--endpoint", "http://flag.example:3", "--key", flagKey);

        Assert.Multiple(() =>
        {
            Assert.That(Endpoint(defaults), Is.EqualTo((ClientFactory.DefaultEndpoint, "default")));
            Assert.That(Endpoint(fromContext), Is.EqualTo(("http://context.example:1", "context 'c'")));
            Assert.That(Key(fromContext), Is.EqualTo((contextKey, "context 'c'")));
            Assert.That(Endpoint(fromVariables), Is.EqualTo(("http://variable.example:2", "LEDGER_ENDPOINTS")));
            Assert.That(Key(fromVariables), Is.EqualTo((variableKey, "LEDGER_KEY")));
            Assert.That(Endpoint(fromFlags), Is.EqualTo(("http://flag.example:3", "--endpoint")));
            Assert.That(Key(fromFlags), Is.EqualTo((flagKey, "--key")));
        });
    }

    [Test]
    public void ContextSelection_FlagBeatsLedgerContextBeatsCurrent_AndAnUnknownOneIsAUsageError()
    {
        using var directory = new TempDirectory();
        var variables = new Dictionary<string, string> { ["LEDGER_CONFIG"] = directory.File("config.json") };
        CliRunner.RunWith(variables, "config", "set-context", "a", "--endpoint", "http://a.example:1", "--use");
        CliRunner.RunWith(variables, "config", "set-context", "b", "--endpoint", "http://b.example:1");
        CliRunner.RunWith(variables, "config", "set-context", "c", "--endpoint", "http://c.example:1");
        var withVariable = new Dictionary<string, string>(variables) { ["LEDGER_CONTEXT"] = "b" };

        Assert.That(Endpoint(Show(variables)).Value, Is.EqualTo("http://a.example:1"));
        Assert.That(Endpoint(Show(withVariable)).Value, Is.EqualTo("http://b.example:1"));
        Assert.That(Endpoint(Show(withVariable, "--context", "c")).Value, Is.EqualTo("http://c.example:1"));
        var unknown = CliRunner.RunWith(variables, "status", "--context", "zzz");
        Assert.That(unknown.ExitCode, Is.EqualTo(ExitCodes.Usage), unknown.Error);
        Assert.That(unknown.Error, Does.Contain("zzz").And.Contain("get-contexts"));
    }

    [Test]
    public void ConfigPath_XdgConfigHomeThenHome()
    {
        using var directory = new TempDirectory();
        var xdg = new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = directory.File("xdg"), ["HOME"] = directory.File("home") };
        var home = new Dictionary<string, string> { ["HOME"] = directory.File("home") };

        CliRunner.RunWith(xdg, "config", "set-context", "x", "--endpoint", "http://x.example:1");
        CliRunner.RunWith(home, "config", "set-context", "h", "--endpoint", "http://h.example:1");

        Assert.That(File.Exists(directory.File("xdg/ledger/config.json")), Is.True);
        Assert.That(File.Exists(directory.File("home/.config/ledger/config.json")), Is.True);
        Assert.That(File.ReadAllText(directory.File("xdg/ledger/config.json")), Does.Contain("x.example").And.Not.Contain("h.example"));
    }

    [Test]
    public void ConfigFile_OverItsBoundOrMalformed_IsRefusedAsMalformedInput()
    {
        using var directory = new TempDirectory();
        var big = directory.File("big.json");
        File.WriteAllText(big, "{\"contexts\":{}, \"pad\":\"" + new string('x', CliConfig.FileBytesMax) + "\"}");
        var bad = directory.File("bad.json");
        File.WriteAllText(bad, "{\"contexts\": {\"bad name!\": {}}}");

        var tooBig = CliRunner.RunWith(new Dictionary<string, string> { ["LEDGER_CONFIG"] = big }, "config", "get-contexts");
        var badName = CliRunner.RunWith(new Dictionary<string, string> { ["LEDGER_CONFIG"] = bad }, "config", "get-contexts");

        Assert.That(tooBig.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), tooBig.Error);
        Assert.That(tooBig.Error, Does.Contain("more than"));
        Assert.That(badName.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), badName.Error);
    }

    private static JsonElement Show(Dictionary<string, string> variables, params string[] extra)
    {
        var run = CliRunner.RunWith(variables, ["config", "show", "-o", "json", .. extra]);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Error);
        return JsonDocument.Parse(run.Out).RootElement;
    }

    private static (string? Value, string? Source) Endpoint(JsonElement shown) =>
        (shown.GetProperty("endpoints").GetProperty("value")[0].GetString(), shown.GetProperty("endpoints").GetProperty("source").GetString());

    private static (string? Value, string? Source) Key(JsonElement shown) =>
        (shown.GetProperty("key").GetProperty("value").GetString(), shown.GetProperty("key").GetProperty("source").GetString());

    private static string KeyFile(TempDirectory directory, string name)
    {
        var path = directory.File(name);
        var keygen = CliRunner.Run("keygen", "--suite", "p256-sha256", "--out", path);
        Assert.That(keygen.ExitCode, Is.EqualTo(ExitCodes.Ok), keygen.Error);
        return path;
    }
}

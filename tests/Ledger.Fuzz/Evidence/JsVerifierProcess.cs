using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ledger.Fuzz.Evidence;

/// <summary>
/// The JS side: ONE node process (js-driver.mjs, copied next to this assembly) running
/// web/verifier/index.js's <c>verifyBundle</c> for a whole run, fed one JSON line per case on stdin and
/// answering one JSON line per case on stdout. <see cref="Send"/> then <see cref="Receive"/> lets the
/// caller verify the same case in C# while node works on it.
/// </summary>
public sealed class JsVerifierProcess : IDisposable
{
    public const string DriverFileName = "js-driver.mjs";

    /// <summary>Where Debian's nodejs package (scripts/install-browser.sh) puts node; PATH is searched otherwise.</summary>
    public const string NodeDebianPath = "/usr/bin/node";

    private readonly Process process;
    private readonly StringBuilder standardError = new();
    private long pendingId = -1;

    private JsVerifierProcess(Process process)
    {
        this.process = process;
    }

    /// <param name="plantedBug">A driver <c>--plant</c> value (tests only): the JS answers are deliberately bent.</param>
    public static JsVerifierProcess Start(string? plantedBug = null)
    {
        var node = FindNode() ?? throw new NodeUnavailableException(
            $"node (nodejs) was not found at {NodeDebianPath} or on PATH: evidence-diff runs web/verifier under node; scripts/install-browser.sh installs it (apt-get install nodejs)");
        var driver = Path.Combine(AppContext.BaseDirectory, DriverFileName);
        if (!File.Exists(driver))
        {
            throw new NodeUnavailableException($"{driver} is missing (tests/Ledger.Fuzz copies Evidence/{DriverFileName} to its output)");
        }

        var start = new ProcessStartInfo(node)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        start.ArgumentList.Add(driver);
        start.ArgumentList.Add(new Uri(RepositoryFiles.VerifierIndex()).AbsoluteUri);
        if (plantedBug is not null)
        {
            start.ArgumentList.Add("--plant");
            start.ArgumentList.Add(plantedBug);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {node}");
        var js = new JsVerifierProcess(process);
        process.ErrorDataReceived += (_, line) =>
        {
            lock (js.standardError)
            {
                js.standardError.AppendLine(line.Data);
            }
        };
        process.BeginErrorReadLine();
        return js;
    }

    /// <summary>Hands one case to node; call <see cref="Receive"/> before the next.</summary>
    public void Send(DiffCase diffCase)
    {
        ArgumentNullException.ThrowIfNull(diffCase);
        if (pendingId >= 0)
        {
            throw new InvalidOperationException("one case at a time: Receive the previous answer first");
        }

        var request = new JsonObject
        {
            ["id"] = diffCase.Index,
            ["bundleBase64"] = Convert.ToBase64String(diffCase.Bundle),
            ["trustedGenesisSha256Hex"] = diffCase.TrustedGenesisSha256 is null ? null : Convert.ToHexStringLower(diffCase.TrustedGenesisSha256),
            ["contentBase64"] = diffCase.Content is null ? null : Convert.ToBase64String(diffCase.Content),
        };
        process.StandardInput.WriteLine(request.ToJsonString());
        process.StandardInput.Flush();
        pendingId = diffCase.Index;
    }

    public VerifierOutcome Receive()
    {
        var line = process.StandardOutput.ReadLine()
            ?? throw new InvalidOperationException($"the node verifier process ended (exit {(process.HasExited ? process.ExitCode : -1)}): {StandardError}");
        var answer = JsonNode.Parse(line)!.AsObject();
        if ((long)answer["id"]! != pendingId)
        {
            throw new InvalidOperationException($"node answered case {answer["id"]} while case {pendingId} was pending");
        }

        pendingId = -1;
        var checks = answer["checks"]!.AsArray().Select(check => ((string)check![0]!, (string)check[1]!)).ToList();
        return new VerifierOutcome((bool)answer["malformed"]!, (string?)answer["malformedMessage"], (string?)answer["verdict"], checks, (string?)answer["text"], (string?)answer["error"]);
    }

    public VerifierOutcome Verify(DiffCase diffCase)
    {
        Send(diffCase);
        return Receive();
    }

    private string StandardError
    {
        get
        {
            lock (standardError)
            {
                return standardError.ToString();
            }
        }
    }

    private static string? FindNode()
    {
        if (File.Exists(NodeDebianPath))
        {
            return NodeDebianPath;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "node"))
            .FirstOrDefault(File.Exists);
    }

    public void Dispose()
    {
        try
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(10_000))
            {
                process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }
}

/// <summary>node, or the driver script, is not there: the run cannot start (a clear message, not a finding).</summary>
public sealed class NodeUnavailableException(string message) : Exception(message);

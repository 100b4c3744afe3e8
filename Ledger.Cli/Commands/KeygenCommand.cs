using System.CommandLine;
using System.Text.Json.Nodes;
using Ledger.Cli.Infrastructure;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;

namespace Ledger.Cli.Commands;

/// <summary><c>ledger keygen</c>: a new key pair in a JSON key file readable only by its owner.</summary>
public static class KeygenCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var suite = new Option<string>("--suite")
        {
            Description = $"Crypto suite: {string.Join(" | ", CryptoSuites.Names)}",
            DefaultValueFactory = _ => CryptoSuites.P256Sha256Name,
        };
        suite.AcceptOnlyFromAmong([.. CryptoSuites.Names]);
        var output = new Option<string>("--out") { Description = "Key file to write (JSON, mode 0600)", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file" };
        var command = new Command("keygen", "Generate a key pair into a JSON key file") { suite, output, force };
        CommandAction.Set(command, environment, (parse, console) =>
        {
            var path = parse.GetValue(output)!;
            Files.EnsureWritable(path, parse.GetValue(force));
            var keyPair = CryptoSuites.Get(parse.GetValue(suite)!).GenerateKeyPair();
            Files.WritePrivate(path, KeyFile.Export(keyPair));
            console.Result(
                new JsonObject
                {
                    ["file"] = path,
                    ["suite"] = keyPair.Suite.Name,
                    ["keyId"] = keyPair.KeyId.ToHex(),
                    ["publicKey"] = Convert.ToBase64String(keyPair.Public.Encoded),
                },
                $"wrote {path} ({keyPair.Suite.Name})",
                $"key id:     {keyPair.KeyId.ToHex()}",
                $"public key: {Convert.ToBase64String(keyPair.Public.Encoded)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}

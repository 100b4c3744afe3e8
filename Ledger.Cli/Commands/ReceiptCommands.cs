using System.CommandLine;
using System.Text.Json.Nodes;
using Ledger.Cli.Infrastructure;
using Ledger.Client;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Keys;
using Ledger.Core.Receipts;

namespace Ledger.Cli.Commands;

/// <summary><c>ledger receipt export|verify</c>: COSE receipts (RFC 9942) for p256-sha256 consortia.</summary>
public static class ReceiptCommands
{
    public static Command Create(CliEnvironment environment)
    {
        return new Command("receipt", "COSE receipts (RFC 9942): a node-signed inclusion proof of a transaction in the log")
        {
            CreateExport(environment),
            CreateVerify(environment),
        };
    }

    private static Command CreateExport(CliEnvironment environment)
    {
        var bundle = new Option<string?>("--bundle") { Description = "Take the transaction, proof and log root from this evidence bundle" };
        var tx = new Option<string?>("--tx") { Description = "Transaction hash (hex): fetch its receipt from a node (--endpoint)" };
        var format = new Option<string>("--format") { Description = "Receipt format (only cose)", DefaultValueFactory = _ => "cose" };
        format.AcceptOnlyFromAmong("cose");
        var nodeKey = new Option<string>("--node-key") { Description = "The signing node's JSON key file (p256-sha256)", Required = true };
        var output = new Option<string>("--out") { Description = "Receipt file to write", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file" };
        var command = new Command("export", "Sign a COSE receipt for a transaction with a node key")
        {
            bundle, tx, format, nodeKey, output, force,
        };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var outPath = parse.GetValue(output)!;
            Files.EnsureWritable(outPath, parse.GetValue(force));
            var key = KeyFile.Import(await File.ReadAllTextAsync(parse.GetValue(nodeKey)!, cancellation).ConfigureAwait(false));
            byte[] leafHash;
            Ledger.Core.Protocol.InclusionProof proof;
            byte[] root;
            if (parse.GetValue(bundle) is { } bundlePath)
            {
                var evidence = EvidenceBundleJson.Parse(Files.ReadAllBytes(bundlePath, EvidenceBundleJson.DocumentBytesMax, "bundle"));
                var hash = CryptoSuites.Get(ConsortiumGenesis.Parse(evidence.Genesis).Suite).Hash;
                leafHash = LogLeaf.MerkleLeafHash(evidence.TransactionHash, evidence.Result, hash);
                proof = evidence.LogInclusion;
                root = evidence.CertifiedHeader.Header.LogRoot.ToByteArray();
            }
            else if (parse.GetValue(tx) is { } txHex)
            {
                await using var client = ClientFactory.Create(parse, console);
                var receipt = await client.GetReceiptAsync(Hex.Parse(txHex, "--tx"), cancellation).ConfigureAwait(false);
                leafHash = LogLeaf.MerkleLeafHash(receipt.TxHash.Span, receipt.Result, client.ChainHash);
                proof = receipt.LogInclusion;
                root = receipt.Header.LogRoot.ToByteArray();
            }
            else
            {
                throw CliException.Usage("give --bundle FILE or --tx HASH");
            }

            var cose = CoseReceipts.Create(key, proof.LeafIndex, proof.TreeSize, [.. proof.Path.Select(p => p.ToByteArray())], root);
            CoseReceipts.Verify(cose, key.Public, leafHash);
            await File.WriteAllBytesAsync(outPath, cose, cancellation).ConfigureAwait(false);
            console.Result(
                new JsonObject { ["file"] = outPath, ["leafHash"] = Convert.ToHexStringLower(leafHash), ["logRoot"] = Convert.ToHexStringLower(root), ["kid"] = key.KeyId.ToHex() },
                $"wrote {outPath}: leaf {proof.LeafIndex} of {proof.TreeSize}, log root {Convert.ToHexStringLower(root)}, signed by key {key.KeyId}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateVerify(CliEnvironment environment)
    {
        var file = new Argument<string>("FILE") { Description = "COSE receipt" };
        var genesis = new Option<string>("--genesis") { Description = "Consortium genesis: the receipt's kid must be a genesis node key", Required = true };
        var bundle = new Option<string?>("--bundle") { Description = "Evidence bundle naming the transaction (its leaf) and the certified log root" };
        var leaf = new Option<string?>("--leaf-hash") { Description = "The log leaf hash (hex) the receipt must prove" };
        var command = new Command("verify", "Verify a COSE receipt against a genesis node key; exits 1 if it does not verify") { file, genesis, bundle, leaf };
        CommandAction.Set(command, environment, (parse, console) =>
        {
            var receipt = Files.ReadAllBytes(parse.GetValue(file)!, CoseReceipts.ReceiptBytesMax, "receipt");
            var consortium = ConsortiumGenesis.Parse(Files.ReadAllBytes(parse.GetValue(genesis)!, ConsortiumGenesis.DocumentBytesMax, "genesis"));
            byte[] leafHash;
            byte[]? expectedRoot = null;
            if (parse.GetValue(bundle) is { } bundlePath)
            {
                var evidence = EvidenceBundleJson.Parse(Files.ReadAllBytes(bundlePath, EvidenceBundleJson.DocumentBytesMax, "bundle"));
                leafHash = LogLeaf.MerkleLeafHash(evidence.TransactionHash, evidence.Result, CryptoSuites.Get(consortium.Suite).Hash);
                expectedRoot = evidence.CertifiedHeader.Header.LogRoot.ToByteArray();
            }
            else if (parse.GetValue(leaf) is { } leafHex)
            {
                leafHash = Hex.Parse(leafHex, "--leaf-hash");
            }
            else
            {
                throw CliException.Usage("give --bundle FILE or --leaf-hash HEX");
            }

            var contents = CoseReceipts.Read(receipt);
            var node = consortium.Nodes.FirstOrDefault(n => CryptoSuites.TryGet(n.Key.Suite, out var s) && s.DeriveKeyId(n.Key.PublicKey).Matches(contents.KeyId))
                ?? throw CliException.VerificationFailed($"receipt kid {Convert.ToHexStringLower(contents.KeyId)} is not a node key of consortium '{consortium.ChainId}'");
            var root = CoseReceipts.Verify(receipt, CryptoSuites.Get(node.Key.Suite).DecodePublicKey(node.Key.PublicKey), leafHash);
            if (expectedRoot is not null && !root.AsSpan().SequenceEqual(expectedRoot))
            {
                throw CliException.VerificationFailed($"receipt proves to log root {Convert.ToHexStringLower(root)}, the bundle's certified root is {Convert.ToHexStringLower(expectedRoot)}");
            }

            console.Result(
                new JsonObject { ["valid"] = true, ["nodeId"] = node.Id, ["leafIndex"] = contents.LeafIndex, ["treeSize"] = contents.TreeSize, ["logRoot"] = Convert.ToHexStringLower(root) },
                $"✓ receipt valid: leaf {contents.LeafIndex} of {contents.TreeSize} in log root {Convert.ToHexStringLower(root)}, signed by node '{node.Id}' of '{consortium.ChainId}'");
            return ExitCodes.Ok;
        });
        return command;
    }
}

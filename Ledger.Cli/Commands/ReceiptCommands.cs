using System.CommandLine;
using System.Text.Json.Nodes;
using Ledger.Cli.Infrastructure;
using Ledger.Client;
using Ledger.Client.Evidence;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Receipts;
using EvidenceBundle = Ledger.Core.Evidence.EvidenceBundle;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger receipt export|verify</c>: COSE receipts (RFC 9942) for p256-sha256 consortia, resting on
/// the quorum that certified the block (docs/cose-receipts.md).
/// </summary>
public static class ReceiptCommands
{
    public static Command Create(CliEnvironment environment)
    {
        return new Command("receipt", "COSE receipts (RFC 9942): an inclusion proof of a transaction in the log, carrying the quorum that certified its block")
        {
            CreateExport(environment),
            CreateVerify(environment),
        };
    }

    private static Command CreateExport(CliEnvironment environment)
    {
        var bundle = new Option<string?>("--bundle") { Description = "Take the transaction, proof, certified header and governance changes from this evidence bundle (needs --genesis)" };
        var tx = new Option<string?>("--tx") { Description = "Transaction hash (hex): fetch its receipt, certified header and governance changes from a node (--endpoint, --genesis)" };
        var format = new Option<string>("--format") { Description = "Receipt format (only cose)", DefaultValueFactory = _ => "cose" };
        format.AcceptOnlyFromAmong("cose");
        var nodeKey = new Option<string>("--node-key") { Description = "The issuing node's JSON key file (p256-sha256); the node must be in force at the block's height", Required = true };
        var output = new Option<string>("--out") { Description = "Receipt file to write", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file" };
        var command = new Command("export", "Issue a COSE receipt for a transaction: the certified block's attestations bound in, signed with a node key, verified before it is written")
        {
            bundle, tx, format, nodeKey, output, force,
        };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var outPath = parse.GetValue(output)!;
            Files.EnsureWritable(outPath, parse.GetValue(force));
            var key = KeyFile.Import(await File.ReadAllTextAsync(parse.GetValue(nodeKey)!, cancellation).ConfigureAwait(false));
            var genesisPath = CliSettings.Genesis(parse, ClientFactory.Genesis).Value
                ?? throw CliException.Usage("receipt export needs --genesis (the node set that certified the block is checked against it)");
            var genesisBytes = Files.ReadAllBytes(genesisPath, ConsortiumGenesis.DocumentBytesMax, "genesis");
            var genesis = ConsortiumGenesis.Parse(genesisBytes);
            var hash = CryptoSuites.Get(genesis.Suite).Hash;
            ReceiptSource source;
            if (parse.GetValue(bundle) is { } bundlePath)
            {
                var evidence = EvidenceBundleJson.Parse(Files.ReadAllBytes(bundlePath, EvidenceBundleJson.DocumentBytesMax, "bundle"));
                RequireSameGenesis(evidence, genesisBytes);
                source = new ReceiptSource(
                    LogLeaf.MerkleLeafHash(evidence.TransactionHash, evidence.Result, hash),
                    evidence.LogInclusion,
                    evidence.CertifiedHeader,
                    evidence.GovernanceChanges,
                    evidence.NodeSetAnchors);
            }
            else if (parse.GetValue(tx) is { } txHex)
            {
                await using var client = ClientFactory.Create(parse, console);
                var receipt = await client.GetReceiptAsync(Hex.Parse(txHex, "--tx"), cancellation).ConfigureAwait(false);
                var governance = await GovernanceCollector.CollectAsync(client, receipt.Header, receipt.Position, cancellation).ConfigureAwait(false);
                var certified = await client.GetCertifiedHeaderAsync(receipt.BlockHeight, governance.NodeSetForHeader, cancellation).ConfigureAwait(false);
                source = new ReceiptSource(LogLeaf.MerkleLeafHash(receipt.TxHash.Span, receipt.Result, hash), receipt.LogInclusion, certified, governance.Changes, []);
            }
            else
            {
                throw CliException.Usage("give --bundle FILE or --tx HASH");
            }

            var header = source.Certified.Header ?? throw CliException.InvalidInput("the certified header has no header");
            var anchors = new List<NodeSetAnchor>();
            var preview = ReceiptNodeSet.Preview(genesis, source.Changes, header);
            if (!preview.UnvouchedState.ActiveNodes.Values.Any(n => n.PublicKey.KeyId.Equals(key.KeyId)))
            {
                throw CliException.VerificationFailed($"key {key.KeyId} is not the key of a node in force at height {header.Height}: it cannot issue a receipt for that block");
            }

            var heights = preview.HeightsNeedingAnchors;
            if (heights.Count > 0 && source.Anchors.Count > 0)
            {
                // The bundle's own node-set anchors: checked by Create like fetched ones.
                anchors.AddRange(source.Anchors.Select(a => new NodeSetAnchor(a.Certified.Header, CoseReceiptClaims.AttestationsOf(a.Certified), a.ConsistencyPath)));
            }
            else if (heights.Count > 0)
            {
                // Blocks that changed the node set, each certified by the nodes before it: fetched, then checked by Create.
                await using var client = ClientFactory.Create(parse, console);
                foreach (var height in heights)
                {
                    anchors.Add(await FetchAnchorAsync(client, height, header, cancellation).ConfigureAwait(false));
                }
            }

            var cose = CoseReceipts.Create(key, source.Certified, source.Proof.LeafIndex, [.. source.Proof.Path.Select(p => p.ToByteArray())], anchors, genesis, source.Changes, source.LeafHash);
            var verified = CoseReceipts.Verify(cose, genesis, source.Changes, source.LeafHash);
            await File.WriteAllBytesAsync(outPath, cose, cancellation).ConfigureAwait(false);
            console.Result(
                Describe(verified, source.LeafHash, cose.Length, "file", outPath),
                $"wrote {outPath} ({cose.Length} bytes): leaf {verified.LeafIndex} of {verified.TreeSize} in block {verified.Header.Height}, certified by {string.Join(", ", verified.AttestingNodeIds)} (quorum {verified.Quorum} of {verified.NodeCount}), issued by node '{verified.IssuerNodeId}'");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateVerify(CliEnvironment environment)
    {
        var file = new Argument<string>("FILE") { Description = "COSE receipt" };
        var genesis = new Option<string>("--genesis") { Description = "Trusted consortium genesis: the chain id and the genesis node set", Required = true };
        var bundle = new Option<string?>("--bundle") { Description = "Evidence bundle: its governance changes give the node set at the block's height, and its transaction the leaf (unless --leaf-hash)" };
        var leaf = new Option<string?>("--leaf-hash") { Description = "The log leaf hash (hex) the receipt must prove" };
        var command = new Command("verify", "Verify a COSE receipt: a quorum of the node set at the block's height attested the log size and root the proof ends in; exits 1 if not")
        {
            file, genesis, bundle, leaf,
        };
        CommandAction.Set(command, environment, (parse, console) =>
        {
            var receipt = Files.ReadAllBytes(parse.GetValue(file)!, CoseReceipts.ReceiptBytesMax, "receipt");
            var genesisBytes = Files.ReadAllBytes(parse.GetValue(genesis)!, ConsortiumGenesis.DocumentBytesMax, "genesis");
            var consortium = ConsortiumGenesis.Parse(genesisBytes);
            var hash = CryptoSuites.Get(consortium.Suite).Hash;
            EvidenceBundle? evidence = null;
            if (parse.GetValue(bundle) is { } bundlePath)
            {
                evidence = EvidenceBundleJson.Parse(Files.ReadAllBytes(bundlePath, EvidenceBundleJson.DocumentBytesMax, "bundle"));
                RequireSameGenesis(evidence, genesisBytes);
            }

            byte[] leafHash;
            if (parse.GetValue(leaf) is { } leafHex)
            {
                leafHash = Hex.Parse(leafHex, "--leaf-hash");
            }
            else if (evidence is not null)
            {
                leafHash = LogLeaf.MerkleLeafHash(evidence.TransactionHash, evidence.Result, hash);
            }
            else
            {
                throw CliException.Usage("give --bundle FILE or --leaf-hash HEX");
            }

            var verified = CoseReceipts.Verify(receipt, consortium, evidence?.GovernanceChanges ?? [], leafHash);
            console.Result(
                Describe(verified, leafHash, receipt.Length, "valid", true),
                $"✓ receipt valid: leaf {verified.LeafIndex} of {verified.TreeSize} in log root {Convert.ToHexStringLower(verified.LogRoot)} (block {verified.Header.Height} of '{consortium.ChainId}'), certified by {string.Join(", ", verified.AttestingNodeIds)} (quorum {verified.Quorum} of {verified.NodeCount} nodes in force), issued by node '{verified.IssuerNodeId}'");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void RequireSameGenesis(EvidenceBundle evidence, byte[] genesisBytes)
    {
        if (!evidence.Genesis.AsSpan().SequenceEqual(genesisBytes))
        {
            throw CliException.VerificationFailed("the bundle's genesis is not the --genesis file");
        }
    }

    private static JsonObject Describe(CoseReceiptVerification verified, byte[] leafHash, int bytes, string firstName, JsonNode firstValue) => new()
    {
        [firstName] = firstValue,
        ["leafHash"] = Convert.ToHexStringLower(leafHash),
        ["leafIndex"] = verified.LeafIndex,
        ["treeSize"] = verified.TreeSize,
        ["logRoot"] = Convert.ToHexStringLower(verified.LogRoot),
        ["blockHeight"] = verified.Header.Height,
        ["chainId"] = verified.Header.ChainId,
        ["issuerNodeId"] = verified.IssuerNodeId,
        ["attestingNodeIds"] = new JsonArray([.. verified.AttestingNodeIds.Select(id => (JsonNode)JsonValue.Create(id))]),
        ["quorum"] = verified.Quorum,
        ["nodeCount"] = verified.NodeCount,
        ["bytes"] = bytes,
    };

    private static async Task<NodeSetAnchor> FetchAnchorAsync(LedgerClient client, ulong height, BlockHeader receiptHeader, CancellationToken cancellation)
    {
        var request = new GetCertifiedHeaderRequest { Height = height };
        var certified = await client.InvokeAsync((api, call) => api.GetCertifiedHeaderAsync(request, call).ResponseAsync, cancellation).ConfigureAwait(false);
        var anchorHeader = certified.Header ?? throw CliException.VerificationFailed($"the node sent no header for block {height}");
        var consistency = await client.GetConsistencyProofAsync(anchorHeader.LogSize, receiptHeader.LogSize, cancellation).ConfigureAwait(false);
        return new NodeSetAnchor(anchorHeader, CoseReceiptClaims.AttestationsOf(certified), [.. consistency.Path.Select(p => p.ToByteArray())]);
    }

    private sealed record ReceiptSource(byte[] LeafHash, InclusionProof Proof, CertifiedHeader Certified, IReadOnlyList<GovernanceChangeEvidence> Changes, IReadOnlyList<NodeSetAnchorEvidence> Anchors);
}

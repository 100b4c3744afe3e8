using System.CommandLine;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Ledger.Cli.Infrastructure;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;
using Ledger.Registry.Genesis;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger governance propose …|vote|show</c>: the consortium's admins change members, keys, nodes
/// and the approval threshold by proposal and vote. A proposal's id is its transaction hash; the
/// proposer's approval is counted, and the change executes in the block where the threshold is met.
/// </summary>
public static class GovernanceCommands
{
    public static Command Create(CliEnvironment environment)
    {
        var propose = new Command("propose", "Propose a governance change (admins only); prints the proposal id")
        {
            AddMember(environment),
            RemoveMember(environment),
            ChangeRole(environment),
            RotateKey(environment),
            AddNode(environment),
            RemoveNode(environment),
            ChangeThreshold(environment),
        };
        return new Command("governance", "Consortium governance: proposals and votes")
        {
            propose,
            Vote(environment),
            Show(environment),
        };
    }

    private static Command AddMember(CliEnvironment environment)
    {
        var member = MemberOption();
        var name = new Option<string?>("--name") { Description = "Display name (default: the member id)" };
        var role = RoleOption();
        var keys = new Option<string[]>("--public-key") { Description = "The member's key file (only suite and public_key are read; repeatable)", Required = true, AllowMultipleArgumentsPerToken = false };
        return Proposal(environment, "add-member", "Add a member with its role and keys", [member, name, role, keys], parse =>
        {
            var body = new Core.Protocol.AddMember
            {
                MemberId = ArgumentChecks.Identifier(parse.GetValue(member)!, "--member"),
                DisplayName = parse.GetValue(name) ?? parse.GetValue(member)!,
                Role = RegistryGenesis.RoleOf(parse.GetValue(role)!),
            };
            foreach (var path in parse.GetValue(keys)!)
            {
                body.Keys.Add(PublicKeyFile.Read(path, "--public-key"));
            }

            return new ProposeChange { AddMember = body };
        });
    }

    private static Command RemoveMember(CliEnvironment environment)
    {
        var member = MemberOption();
        return Proposal(environment, "remove-member", "Deactivate a member (its earlier signatures stay valid for audit)", [member], parse =>
            new ProposeChange { RemoveMember = new Core.Protocol.RemoveMember { MemberId = ArgumentChecks.Identifier(parse.GetValue(member)!, "--member") } });
    }

    private static Command ChangeRole(CliEnvironment environment)
    {
        var member = MemberOption();
        var role = RoleOption();
        return Proposal(environment, "change-role", "Change a member's role", [member, role], parse =>
            new ProposeChange { ChangeRole = new ChangeMemberRole { MemberId = ArgumentChecks.Identifier(parse.GetValue(member)!, "--member"), Role = RegistryGenesis.RoleOf(parse.GetValue(role)!) } });
    }

    private static Command RotateKey(CliEnvironment environment)
    {
        var member = MemberOption();
        var oldKey = new Option<string?>("--old-key-id") { Description = "Key id (hex) to retire from the height of execution on" };
        var newKey = new Option<string?>("--public-key") { Description = "Key file of the key to add (only suite and public_key are read)" };
        return Proposal(environment, "rotate-key", "Add a member key, retire one, or both (a revocation alone: --old-key-id only)", [member, oldKey, newKey], parse =>
        {
            var body = new RotateMemberKey { MemberId = ArgumentChecks.Identifier(parse.GetValue(member)!, "--member") };
            if (parse.GetValue(oldKey) is { } oldKeyId)
            {
                body.OldKeyId = ByteString.CopyFrom(Hex.Parse(oldKeyId, "--old-key-id"));
            }

            if (parse.GetValue(newKey) is { } path)
            {
                body.NewKey = PublicKeyFile.Read(path, "--public-key");
            }

            if (body.OldKeyId.IsEmpty && body.NewKey is null)
            {
                throw CliException.Usage("rotate-key needs --old-key-id, --public-key or both");
            }

            return new ProposeChange { RotateKey = body };
        });
    }

    private static Command AddNode(CliEnvironment environment)
    {
        var node = NodeOption();
        var address = new Option<string>("--address") { Description = "The node's peer URL (e.g. https://10.0.0.4:7057)", Required = true };
        var key = new Option<string>("--node-key") { Description = "The node's key file (only suite and public_key are read)", Required = true };
        return Proposal(environment, "add-node", "Add a node: once executed it joins Raft as a learner and is promoted to voter", [node, address, key], parse =>
        {
            var url = ArgumentChecks.HttpUrl(parse.GetValue(address)!, "--address").OriginalString;
            return new ProposeChange
            {
                AddNode = new Core.Protocol.AddNode
                {
                    NodeId = ArgumentChecks.Identifier(parse.GetValue(node)!, "--node"),
                    Address = url,
                    Key = PublicKeyFile.Read(parse.GetValue(key)!, "--node-key"),
                },
            };
        });
    }

    private static Command RemoveNode(CliEnvironment environment)
    {
        var node = NodeOption();
        return Proposal(environment, "remove-node", "Remove a node from the consortium (a leader hands over first)", [node], parse =>
            new ProposeChange { RemoveNode = new Core.Protocol.RemoveNode { NodeId = ArgumentChecks.Identifier(parse.GetValue(node)!, "--node") } });
    }

    private static Command ChangeThreshold(CliEnvironment environment)
    {
        var threshold = new Option<uint>("--threshold") { Description = "Approvals a proposal needs (0 = a majority of the active admins)", Required = true };
        return Proposal(environment, "change-threshold", "Change the number of admin approvals a proposal needs", [threshold], parse =>
            new ProposeChange { ChangeThreshold = new ChangeApprovalThreshold { Threshold = parse.GetValue(threshold) } });
    }

    private static Command Vote(CliEnvironment environment)
    {
        var proposal = new Argument<string>("PROPOSAL_ID") { Description = "Proposal id (hex: the proposing transaction's hash)" };
        var approve = new Option<bool>("--approve") { Description = "Vote for the proposal" };
        var reject = new Option<bool>("--reject") { Description = "Vote against the proposal" };
        var key = NodeCommands.KeyOption();
        var command = new Command("vote", "Vote on an open proposal (admins only)") { proposal, approve, reject, key };
        NodeCommands.SetSubmit(command, environment, key, parse =>
        {
            if (parse.GetValue(approve) == parse.GetValue(reject))
            {
                throw CliException.Usage("pass exactly one of --approve and --reject");
            }

            return (TransactionType.Vote, new Core.Protocol.Vote
            {
                ProposalId = ByteString.CopyFrom(Hex.Parse(parse.GetValue(proposal)!, "PROPOSAL_ID")),
                Approve = parse.GetValue(approve),
            });
        });
        return command;
    }

    private static Command Show(CliEnvironment environment)
    {
        var proposal = new Argument<string>("PROPOSAL_ID") { Description = "Proposal id (hex)" };
        var command = new Command("show", "Show a proposal: its change, votes and status") { proposal };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            await using var client = ClientFactory.Create(parse, console);
            var response = await client.GetProposalAsync(Hex.Parse(parse.GetValue(proposal)!, "PROPOSAL_ID"), cancellation: cancellation).ConfigureAwait(false);
            var record = response.Proposal;
            console.Result(
                JsonNode.Parse(JsonFormatter.Default.Format(record))!,
                $"proposal {Convert.ToHexStringLower(record.ProposalId.Span)}: {record.Status} ({record.Change?.ChangeCase}) by {record.ProposerMemberId} at height {record.ProposedAt?.Height}",
                $"approvals: {string.Join(", ", record.Approvals)}; rejections: {string.Join(", ", record.Rejections)}; votes accepted up to height {record.LastVotingHeight} (as of height {response.AsOfHeight})");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Proposal(CliEnvironment environment, string name, string description, Option[] options, Func<ParseResult, ProposeChange> build)
    {
        var rationale = new Option<string>("--rationale") { Description = "Why (recorded with the proposal)", DefaultValueFactory = _ => "" };
        var key = NodeCommands.KeyOption();
        var command = new Command(name, description) { rationale, key };
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        NodeCommands.SetSubmit(
            command,
            environment,
            key,
            parse =>
            {
                var body = build(parse);
                body.Rationale = parse.GetValue(rationale)!;
                return (TransactionType.ProposeChange, body);
            },
            (receipt, json, lines) =>
            {
                // A proposal's id is the hash of the transaction that opened it.
                var accepted = receipt.Result?.Code == ResultCode.Ok;
                json["proposalId"] = accepted ? Convert.ToHexStringLower(receipt.TxHash.Span) : null;
                lines.Add(accepted ? $"proposal id: {Convert.ToHexStringLower(receipt.TxHash.Span)}" : "no proposal was opened");
            });
        return command;
    }

    private static Option<string> MemberOption() => new("--member") { Description = "Member id", Required = true };

    private static Option<string> NodeOption() => new("--node") { Description = "Node id", Required = true };

    // Only the genesis file's role names, so RegistryGenesis.RoleOf maps every accepted value.
    private static Option<string> RoleOption()
    {
        var role = new Option<string>("--role") { Description = string.Join(" | ", ConsortiumGenesis.KnownRoles), Required = true };
        role.AcceptOnlyFromAmong([.. ConsortiumGenesis.KnownRoles]);
        return role;
    }
}

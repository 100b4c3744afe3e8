using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ledger.Core.Crypto;

namespace Ledger.Core.Consortium;

/// <summary>
/// The consortium genesis document: human-readable JSON that names the chain, its crypto suite,
/// the initial members (roles, public keys) and nodes, and the governance parameters. Parsing is
/// strict: unknown properties, missing required ones, bad values and duplicates are errors that
/// name the offending path. (The comments in the example below explain it; the parser rejects
/// comments.) Depends on System.Text.Json only, so it can move to Ledger.Core.
/// <code>
/// {
///   "formatVersion": 1,
///   "chainId": "ip-ledger-prod",
///   "suite": "p256-sha256",
///   "approvalThreshold": 0,            // optional; 0 or absent = majority of admins
///   "proposalExpiryBlocks": 10000,
///   "blockTimeSkewMilliseconds": 2000,  // optional; absent = 2000 (see BlockTimeSkewMillisecondsDefault)
///   "members": [ { "id": "court-hz", "name": "Hangzhou Internet Court", "role": "court",
///                  "keys": [ { "suite": "p256-sha256", "publicKey": "&lt;base64&gt;" } ] } ],
///   "nodes":   [ { "id": "node-1", "address": "https://10.0.0.1:7400",
///                  "key": { "suite": "p256-sha256", "publicKey": "&lt;base64&gt;" },
///                  "tlsCertificatePem": "-----BEGIN CERTIFICATE-----..." } ]   // certificate optional
/// }
/// </code>
/// </summary>
public sealed class ConsortiumGenesis
{
    public const int CurrentFormatVersion = 1;
    public const int IdentifierBytesMax = 64;
    public const int NameBytesMax = 256;
    public const int AddressBytesMax = 256;
    public const int PublicKeyBytesMax = 512;
    public const int MembersMax = 1024;
    public const int NodesMax = 64;
    public const int KeysPerMemberMax = 16;
    public const ulong ProposalExpiryBlocksMax = 100_000_000;
    public const int DocumentBytesMax = 4 * 1024 * 1024;

    /// <summary>
    /// How far a block's time may be from a node's own clock for that node to vouch for it (attest it,
    /// or acknowledge the entry that carries it) when <see cref="BlockTimeSkewMilliseconds"/> is absent:
    /// NTP keeps servers within tens of milliseconds, and the bound must also cover batching and one
    /// network round trip. Absent from genesis files written before the field existed, so this value
    /// is part of their meaning and never changes.
    /// </summary>
    public const uint BlockTimeSkewMillisecondsDefault = 2_000;

    /// <summary>Smallest bound: below it, ordinary batching and network delay would stop honest nodes from vouching.</summary>
    public const uint BlockTimeSkewMillisecondsMin = 100;

    /// <summary>Largest bound: ten minutes; a looser bound would let one operator choose the time of a priority dispute.</summary>
    public const uint BlockTimeSkewMillisecondsMax = 600_000;

    public static readonly IReadOnlyList<string> KnownRoles = ["admin", "platform", "court", "rights_holder", "auditor", "witness"];
    /// <summary>The suites a genesis may name: exactly those <see cref="CryptoSuites"/> implements.</summary>
    public static readonly IReadOnlyList<string> KnownSuites = CryptoSuites.Names;

    private static readonly JsonSerializerOptions SerializerOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 8,
    };

    public required int FormatVersion { get; init; }

    public required string ChainId { get; init; }

    public required string Suite { get; init; }

    /// <summary>Approvals a governance proposal needs; null or 0 = a majority of the active admins.</summary>
    public uint? ApprovalThreshold { get; init; }

    public required ulong ProposalExpiryBlocks { get; init; }

    /// <summary>
    /// The clock bound, in milliseconds: a node vouches for a block's time only when it is within this
    /// distance of its own clock. Null = <see cref="BlockTimeSkewMillisecondsDefault"/>; use
    /// <see cref="EffectiveBlockTimeSkewMilliseconds"/>.
    /// </summary>
    public uint? BlockTimeSkewMilliseconds { get; init; }

    /// <summary>The clock bound in force: the configured one, or the default when absent.</summary>
    [JsonIgnore]
    public uint EffectiveBlockTimeSkewMilliseconds => BlockTimeSkewMilliseconds ?? BlockTimeSkewMillisecondsDefault;

    public required IReadOnlyList<GenesisMember> Members { get; init; }

    public required IReadOnlyList<GenesisNode> Nodes { get; init; }

    /// <summary>Parses and validates a UTF-8 genesis document.</summary>
    /// <exception cref="GenesisFormatException">The document is malformed or violates a rule; the message says where.</exception>
    public static ConsortiumGenesis Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length > DocumentBytesMax)
        {
            throw new GenesisFormatException($"genesis document is {utf8Json.Length} bytes, more than {DocumentBytesMax}");
        }

        ConsortiumGenesis? genesis;
        try
        {
            genesis = JsonSerializer.Deserialize<ConsortiumGenesis>(utf8Json, SerializerOptions);
        }
        catch (JsonException exception)
        {
            var where = string.IsNullOrEmpty(exception.Path) ? "document" : exception.Path;
            throw new GenesisFormatException($"genesis JSON is invalid at {where}: {exception.Message}", exception);
        }

        if (genesis is null)
        {
            throw new GenesisFormatException("genesis document is the JSON literal null");
        }

        genesis.Validate();
        return genesis;
    }

    public static ConsortiumGenesis Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    public string ToJson() => JsonSerializer.Serialize(this, SerializerOptions);

    /// <summary>Identifiers (chain, member, node ids): 1–64 bytes of [A-Za-z0-9._:-].</summary>
    public static bool IsValidIdentifier(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > IdentifierBytesMax)
        {
            return false;
        }

        foreach (var c in id)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or ':' or '-';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Approvals needed now: the fixed threshold, or a majority of <paramref name="adminCount"/>.</summary>
    public static int EffectiveThreshold(uint configuredThreshold, int adminCount) =>
        configuredThreshold == 0 ? (adminCount / 2) + 1 : (int)configuredThreshold;

    private void Validate()
    {
        Require(FormatVersion == CurrentFormatVersion, "formatVersion", $"must be {CurrentFormatVersion}, was {FormatVersion}");
        Require(IsValidIdentifier(ChainId), "chainId", $"'{ChainId}' is not 1-{IdentifierBytesMax} characters of [A-Za-z0-9._:-]");
        Require(KnownSuites.Contains(Suite), "suite", $"unknown suite '{Suite}' (expected {string.Join(", ", KnownSuites)})");
        Require(ProposalExpiryBlocks is >= 1 and <= ProposalExpiryBlocksMax, "proposalExpiryBlocks", $"must be in [1, {ProposalExpiryBlocksMax}], was {ProposalExpiryBlocks}");
        Require(
            BlockTimeSkewMilliseconds is null or (>= BlockTimeSkewMillisecondsMin and <= BlockTimeSkewMillisecondsMax),
            "blockTimeSkewMilliseconds",
            $"must be in [{BlockTimeSkewMillisecondsMin}, {BlockTimeSkewMillisecondsMax}], was {BlockTimeSkewMilliseconds}");
        Require(Members.Count is >= 1 and <= MembersMax, "members", $"must list 1-{MembersMax} members, has {Members.Count}");
        Require(Nodes.Count is >= 1 and <= NodesMax, "nodes", $"must list 1-{NodesMax} nodes, has {Nodes.Count}");

        var memberIds = new HashSet<string>(StringComparer.Ordinal);
        var publicKeys = new HashSet<string>(StringComparer.Ordinal);
        var adminCount = 0;
        for (var i = 0; i < Members.Count; i++)
        {
            var member = Members[i];
            var path = $"members[{i}]";
            Require(member is not null, path, "is null");
            Require(IsValidIdentifier(member!.Id), $"{path}.id", $"'{member.Id}' is not 1-{IdentifierBytesMax} characters of [A-Za-z0-9._:-]");
            Require(memberIds.Add(member.Id), $"{path}.id", $"duplicate member id '{member.Id}'");
            Require(Encoding.UTF8.GetByteCount(member.Name) <= NameBytesMax, $"{path}.name", $"longer than {NameBytesMax} bytes");
            Require(KnownRoles.Contains(member.Role), $"{path}.role", $"unknown role '{member.Role}' (expected {string.Join(", ", KnownRoles)})");
            adminCount += member.Role == "admin" ? 1 : 0;
            Require(member.Keys.Count is >= 1 and <= KeysPerMemberMax, $"{path}.keys", $"must list 1-{KeysPerMemberMax} keys, has {member.Keys.Count}");
            for (var k = 0; k < member.Keys.Count; k++)
            {
                ValidateKey(member.Keys[k], $"{path}.keys[{k}]", publicKeys);
                Require(
                    member.Role != WitnessRole.Name || WitnessRole.AcceptsKeySuite(member.Keys[k].Suite),
                    $"{path}.keys[{k}].suite",
                    $"a witness key must be {WitnessRole.KeySuite} (cosignature/v1), was '{member.Keys[k].Suite}'");
            }
        }

        Require(adminCount >= 1, "members", "at least one member must have role 'admin'");
        var threshold = ApprovalThreshold ?? 0;
        Require(threshold <= adminCount, "approvalThreshold", $"{threshold} exceeds the {adminCount} admins, so no proposal could pass");

        var nodeIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Nodes.Count; i++)
        {
            var node = Nodes[i];
            var path = $"nodes[{i}]";
            Require(node is not null, path, "is null");
            Require(IsValidIdentifier(node!.Id), $"{path}.id", $"'{node.Id}' is not 1-{IdentifierBytesMax} characters of [A-Za-z0-9._:-]");
            Require(nodeIds.Add(node.Id), $"{path}.id", $"duplicate node id '{node.Id}'");
            var addressBytes = Encoding.UTF8.GetByteCount(node.Address);
            Require(addressBytes is >= 1 and <= AddressBytesMax, $"{path}.address", $"must be 1-{AddressBytesMax} bytes");
            ValidateKey(node.Key, $"{path}.key", publicKeys);
        }
    }

    private static void ValidateKey(GenesisKey? key, string path, HashSet<string> seenPublicKeys)
    {
        Require(key is not null, path, "is null");
        Require(KnownSuites.Contains(key!.Suite), $"{path}.suite", $"unknown suite '{key.Suite}'");
        Require(key.PublicKey.Length is >= 1 and <= PublicKeyBytesMax, $"{path}.publicKey", $"must be 1-{PublicKeyBytesMax} bytes, was {key.PublicKey.Length}");
        Require(seenPublicKeys.Add(Convert.ToBase64String(key.PublicKey)), $"{path}.publicKey", "the same public key appears twice in the genesis");
    }

    private static void Require(bool condition, string path, string problem)
    {
        if (!condition)
        {
            throw new GenesisFormatException($"genesis {path}: {problem}");
        }
    }
}

public sealed class GenesisMember
{
    public required string Id { get; init; }

    public string Name { get; init; } = "";

    /// <summary>One of <see cref="ConsortiumGenesis.KnownRoles"/>.</summary>
    public required string Role { get; init; }

    public required IReadOnlyList<GenesisKey> Keys { get; init; }
}

public sealed class GenesisNode
{
    public required string Id { get; init; }

    public required string Address { get; init; }

    public required GenesisKey Key { get; init; }

    /// <summary>Optional PEM certificate (or CA) for mTLS; the registry does not interpret it.</summary>
    public string? TlsCertificatePem { get; init; }
}

public sealed class GenesisKey
{
    public required string Suite { get; init; }

    /// <summary>Encoded public key; base64 in JSON.</summary>
    public required byte[] PublicKey { get; init; }
}

/// <summary>A genesis document failed to parse or validate.</summary>
public sealed class GenesisFormatException : Exception
{
    public GenesisFormatException(string message)
        : base(message)
    {
    }

    public GenesisFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Bounds;

namespace Ledger.Cli.Infrastructure;

/// <summary>
/// Refuses, before anything is signed or sent, a transaction the ledger's rules would refuse from its
/// body alone. It runs the rules' own stateless field check (<see cref="BodyBounds"/>, which the node's
/// door and the registry's rules both run), so the CLI cannot drift from them: required fields, sizes,
/// identifiers, enum values, hash lengths, list bounds. What needs state (does the work exist, may this
/// member sign it) is still the ledger's to decide.
/// </summary>
public static class LocalRules
{
    /// <summary>The command-line option that sets a body field, to name in the refusal.</summary>
    private static readonly Dictionary<string, string> FieldOptions = new(StringComparer.Ordinal)
    {
        ["work_id"] = "--work",
        ["claim_id"] = "--claim",
        ["license_id"] = "--license",
        ["proposal_id"] = "PROPOSAL_ID",
        ["infringing_item_id"] = "--infringing-item",
        ["infringing_content_sha256"] = "--infringing-file",
        ["accused_member_id"] = "--accused",
        ["case_number"] = "--case-number",
        ["scope"] = "--scope",
        ["territory"] = "--territory",
        ["start_unix_ms"] = "--start",
        ["end_unix_ms"] = "--end",
        ["reason"] = "--reason",
        ["note"] = "--note",
        ["material_hash"] = "--material",
        ["capture_unix_ms"] = "--captured-at",
        ["method"] = "--method",
        ["description"] = "--description",
        ["rationale"] = "--rationale",
        ["title"] = "--title",
        ["new_holder"] = "--to-member / --to-external",
        ["licensee"] = "--licensee-member / --licensee-external",
        ["rights_holder"] = "--holder",
    };

    /// <summary>Throws a usage error (exit 2) naming the field, the bound and the option when the rules would refuse <paramref name="body"/>.</summary>
    /// <param name="chainSuite">The chain's suite (content hashes and governance keys depend on it).</param>
    public static void Check(TransactionType type, IMessage body, string chainSuite)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(chainSuite);
        if (BodyBounds.Validate(type, body.ToByteString(), chainSuite) is not { } violation)
        {
            return;
        }

        var field = violation.Detail.Split([' ', '.', '['], 2)[0];
        var hint = FieldOptions.TryGetValue(field, out var option) ? $"; set it with {option}" : "";
        throw CliException.Usage($"refused before signing, nothing was submitted: {violation.Detail}{hint} (the ledger's rules would refuse this {type}: {violation.Reason})");
    }
}

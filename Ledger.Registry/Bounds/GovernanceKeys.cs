using Google.Protobuf;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;

namespace Ledger.Registry.Bounds;

/// <summary>
/// A public key a governance change carries (AddMember keys, RotateMemberKey.new_key,
/// AddNode.key) must be usable on this chain: the chain's own suite (envelopes and attestations are
/// checked under it, so a key of another suite could never sign anything that passes), exactly the
/// suite's encoded length, and a point the suite accepts (on the curve, not the identity, not of
/// small order: see each suite's <see cref="ICryptoSuite.DecodePublicKey"/>). A key that passes here
/// is one every node, auditor and restart can decode.
/// </summary>
public static class GovernanceKeys
{
    /// <summary>
    /// The suite a member of <paramref name="role"/> must hold keys in: the chain's suite, except
    /// for a witness, whose key cosigns checkpoints with Ed25519 (cosignature/v1) in any consortium.
    /// </summary>
    public static string MemberKeySuite(MemberRole role, string chainSuite) =>
        role == MemberRole.Witness ? WitnessRole.KeySuite : chainSuite;

    /// <summary>
    /// Why <paramref name="rotate"/>'s new key cannot be a key of a member of <paramref name="role"/>
    /// (its suite is not <see cref="MemberKeySuite"/>), or null when it can or there is no new key.
    /// The stateless bounds accept either suite a member key may have; this is the stateful half,
    /// run by the rules when the change executes and by the door as an early filter.
    /// </summary>
    public static string? RotationSuiteProblem(RotateMemberKey rotate, MemberRole role, string chainSuite)
    {
        ArgumentNullException.ThrowIfNull(rotate);
        var required = MemberKeySuite(role, chainSuite);
        return rotate.NewKey is null || string.Equals(rotate.NewKey.Suite, required, StringComparison.Ordinal)
            ? null
            : $"rotate_key.new_key.suite {OutsideValue.Quote(rotate.NewKey.Suite)} is not '{required}', the key suite of a {role} member";
    }

    /// <exception cref="RuleViolationException">MissingField or InvalidField naming <paramref name="field"/>.</exception>
    internal static void Check(MemberPublicKey? key, string chainSuite, string field) =>
        Check(key, chainSuite, field, "this chain's suite");

    /// <summary>As <see cref="Check(MemberPublicKey?, string, string)"/> for a key that must be of <paramref name="requiredSuite"/> (<paramref name="suiteDescription"/> names it in the reason).</summary>
    internal static void Check(MemberPublicKey? key, string requiredSuite, string field, string suiteDescription)
    {
        var chainSuite = requiredSuite;
        if (key is null)
        {
            throw Applying.Check.Fail(RejectionReason.MissingField, $"{field} is required");
        }

        Applying.Check.Required(key.Suite, $"{field}.suite");
        if (!string.Equals(key.Suite, chainSuite, StringComparison.Ordinal))
        {
            throw Applying.Check.Fail(RejectionReason.InvalidField, $"{field}.suite {OutsideValue.Quote(key.Suite)} is not {suiteDescription} '{chainSuite}'");
        }

        if (!CryptoSuites.TryGet(chainSuite, out var suite))
        {
            throw new RegistryInvariantException($"the chain's suite '{chainSuite}' is not a known suite");
        }

        CheckEncoded(suite, key.PublicKey, $"{field}.public_key");
    }

    /// <summary>Whether <paramref name="encoded"/> decodes as a public key of <paramref name="suite"/> (never throws).</summary>
    public static bool IsUsable(ICryptoSuite suite, ReadOnlySpan<byte> encoded)
    {
        ArgumentNullException.ThrowIfNull(suite);
        return encoded.Length == suite.PublicKeySizeBytes && suite.TryDecodePublicKey(encoded, out _);
    }

    private static void CheckEncoded(ICryptoSuite suite, ByteString encoded, string field)
    {
        if (encoded.IsEmpty)
        {
            throw Applying.Check.Fail(RejectionReason.MissingField, $"{field} is required");
        }

        if (encoded.Length != suite.PublicKeySizeBytes)
        {
            throw Applying.Check.Fail(RejectionReason.InvalidField, $"{field} is {encoded.Length} bytes; a {suite.Name} public key is {suite.PublicKeySizeBytes}");
        }

        if (!suite.TryDecodePublicKey(encoded.Span, out _))
        {
            throw Applying.Check.Fail(RejectionReason.InvalidField, $"{field} is not a valid {suite.Name} public key (not a point on the curve, the identity, or of small order)");
        }
    }
}

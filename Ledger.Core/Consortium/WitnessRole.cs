using Ledger.Core.Crypto;

namespace Ledger.Core.Consortium;

/// <summary>
/// The consortium role of a checkpoint witness: a member whose keys cosign checkpoints (C2SP
/// tlog-cosignature, cosignature/v1, which is Ed25519 only) and sign nothing else. One home for the
/// rule, shared by the genesis check, the registry's governance rules, the submission door and the
/// offline verifier.
/// </summary>
public static class WitnessRole
{
    /// <summary>The role name in genesis files and governance commands.</summary>
    public const string Name = "witness";

    /// <summary>The only suite a witness key may have: cosignature/v1 signs with Ed25519.</summary>
    public const string KeySuite = CryptoSuites.Ed25519Name;

    /// <summary>Whether a key of this suite may belong to a witness.</summary>
    public static bool AcceptsKeySuite(string suite) => string.Equals(suite, KeySuite, StringComparison.Ordinal);
}

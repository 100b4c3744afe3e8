using Ledger.Core.Consortium;

namespace Ledger.Core.Checkpoints;

/// <summary>
/// The origin line of a consortium's checkpoints: "ledger/&lt;chain id&gt;". It is also the key
/// name of every node signature (static-ct-api requires the key name to match the origin for RFC
/// 6962 signatures; tlog-checkpoint recommends it), so nodes are told apart by key id.
/// A chain id has no '/', so a checkpoint text can never begin with one of Ledger's signing
/// contexts ("ledger/v1/tx-signature", "ledger/v1/block-attestation"): a node's checkpoint
/// signature cannot be replayed as an attestation, nor the reverse.
/// </summary>
public static class CheckpointOrigin
{
    public const string Prefix = "ledger/";

    public static string For(ConsortiumGenesis genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        return For(genesis.ChainId);
    }

    public static string For(string chainId)
    {
        if (!ConsortiumGenesis.IsValidIdentifier(chainId))
        {
            throw new ArgumentException($"'{chainId}' is not a valid chain id", nameof(chainId));
        }

        return Prefix + chainId;
    }
}

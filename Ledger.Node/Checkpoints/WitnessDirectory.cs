using Ledger.Core.Checkpoints;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Protocol;
using Ledger.Registry.Queries;

namespace Ledger.Node.Checkpoints;

/// <summary>
/// The witnesses registered in this node's current registry state: active members with the role
/// witness and their valid Ed25519 keys, each a <see cref="CheckpointWitness"/> whose cosignature key
/// name is the member id. Re-read when the applied height moves (members are few; witnesses rarely call).
/// </summary>
public sealed class WitnessDirectory
{
    private readonly RegistryQueries queries;
    private readonly Func<ulong> latestHeight;
    private readonly Lock sync = new();
    private (ulong Height, IReadOnlyList<CheckpointWitness> Witnesses)? cached;

    public WitnessDirectory(RegistryQueries queries, Func<ulong> latestHeight)
    {
        this.queries = queries;
        this.latestHeight = latestHeight;
    }

    /// <summary>The registered witness keys now, by member id.</summary>
    public IReadOnlyList<CheckpointWitness> Current()
    {
        var height = latestHeight();
        lock (sync)
        {
            if (cached is { } hit && hit.Height == height)
            {
                return hit.Witnesses;
            }
        }

        var witnesses = new List<CheckpointWitness>();
        foreach (var member in queries.GetMembersAt(height).OrderBy(m => m.MemberId, StringComparer.Ordinal))
        {
            if (member.Role != MemberRole.Witness || !member.Active || !NoteSignature.IsValidKeyName(member.MemberId))
            {
                continue;
            }

            foreach (var key in member.ValidKeys)
            {
                if (WitnessRole.AcceptsKeySuite(key.Suite) && CryptoSuites.Ed25519.TryDecodePublicKey(key.PublicKey.Span, out var publicKey))
                {
                    witnesses.Add(new CheckpointWitness(member.MemberId, publicKey));
                }
            }
        }

        lock (sync)
        {
            cached = (height, witnesses);
        }

        return witnesses;
    }

    /// <summary>The registered witness whose key signed <paramref name="line"/> (same name, same cosignature key id), or null.</summary>
    public CheckpointWitness? Find(NoteSignature line)
    {
        ArgumentNullException.ThrowIfNull(line);
        foreach (var witness in Current())
        {
            if (string.Equals(witness.Name, line.KeyName, StringComparison.Ordinal) && Cosignature.KeyId(witness.Name, witness.PublicKey) == line.KeyId)
            {
                return witness;
            }
        }

        return null;
    }
}

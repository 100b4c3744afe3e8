using System.Text;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;

namespace Ledger.Node.Attestation;

/// <summary>Why a peer's answer to <c>GetAttestations</c> was refused as a whole, before any attestation in it was verified.</summary>
public enum AttestationAnswerRefusal
{
    /// <summary>Not refused.</summary>
    None = 0,

    /// <summary>More attestations than <see cref="AttestationCatchUpBounds.AttestationsPerResponseMax"/>.</summary>
    TooManyAttestations,

    /// <summary>One attestation larger than <see cref="AttestationCatchUpBounds.AttestationBytesMax"/>, or all together larger than <see cref="AttestationCatchUpBounds.ResponseBytesMax"/>.</summary>
    TooManyBytes,

    /// <summary>A <c>next_height</c> outside [from_height, from_height + height_count].</summary>
    NextHeightOutOfRange,

    /// <summary>An attestation for a height the request did not name, or the answer says it does not cover.</summary>
    HeightOutsideRange,

    /// <summary>Heights not in ascending order, or the same node's attestation twice for one height.</summary>
    NotOrdered,

    /// <summary>A field empty or beyond its bound: node id, key id, suite, block hash (the chain's hash size), signature.</summary>
    FieldOutOfBounds,
}

/// <summary>
/// The peer boundary of certification catch-up, on both sides of <c>GetAttestations</c>, as
/// <see cref="Peers.PeerMessageValidator"/> is for Raft frames: a request is checked before a node
/// reads its store for it, and an answer is checked as a whole (sizes, heights, every field's bounds)
/// before a single signature in it is verified. Pure: the verdict depends only on the messages and
/// <see cref="AttestationCatchUpBounds"/>. Passing here proves nothing about the attestations; each is
/// then verified against the node set at its height and this node's own block
/// (<see cref="AttestationCollector.AcceptFetched"/>).
/// </summary>
public static class AttestationCatchUpBoundary
{
    /// <summary>Why this node will not answer <paramref name="request"/> (a bounded text for InvalidArgument), or null.</summary>
    public static string? RequestRefusal(GetAttestationsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.FromHeight == 0)
        {
            return "from_height must be at least 1";
        }

        if (request.HeightCount == 0 || request.HeightCount > AttestationCatchUpBounds.HeightsPerRequestMax)
        {
            return $"height_count must be within [1, {AttestationCatchUpBounds.HeightsPerRequestMax}], was {request.HeightCount}";
        }

        if (request.FromHeight > ulong.MaxValue - request.HeightCount)
        {
            return "from_height + height_count overflows";
        }

        return null;
    }

    /// <summary>Checks <paramref name="answer"/> to <paramref name="request"/> as a whole, for a chain whose block hashes are <paramref name="hashSizeBytes"/> long.</summary>
    public static AttestationAnswerRefusal CheckAnswer(GetAttestationsRequest request, GetAttestationsResponse answer, int hashSizeBytes)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Attestations.Count > AttestationCatchUpBounds.AttestationsPerResponseMax)
        {
            return AttestationAnswerRefusal.TooManyAttestations;
        }

        var end = request.FromHeight + request.HeightCount;
        if (answer.NextHeight < request.FromHeight || answer.NextHeight > end)
        {
            return AttestationAnswerRefusal.NextHeightOutOfRange;
        }

        long bytes = 0;
        ulong previousHeight = 0;
        var nodesAtHeight = new HashSet<string>(StringComparer.Ordinal);
        foreach (var attestation in answer.Attestations)
        {
            var size = attestation.CalculateSize();
            bytes += size;
            if (size > AttestationCatchUpBounds.AttestationBytesMax || bytes > AttestationCatchUpBounds.ResponseBytesMax)
            {
                return AttestationAnswerRefusal.TooManyBytes;
            }

            if (attestation.Height < request.FromHeight || attestation.Height >= answer.NextHeight)
            {
                return AttestationAnswerRefusal.HeightOutsideRange;
            }

            if (attestation.Height < previousHeight)
            {
                return AttestationAnswerRefusal.NotOrdered;
            }

            if (attestation.Height != previousHeight)
            {
                nodesAtHeight.Clear();
                previousHeight = attestation.Height;
            }

            if (!FieldsWithinBounds(attestation, hashSizeBytes))
            {
                return AttestationAnswerRefusal.FieldOutOfBounds;
            }

            if (!nodesAtHeight.Add(attestation.NodeId))
            {
                return AttestationAnswerRefusal.NotOrdered;
            }
        }

        return AttestationAnswerRefusal.None;
    }

    /// <summary>Metric label of <paramref name="refusal"/>: a fixed snake_case string.</summary>
    public static string Label(AttestationAnswerRefusal refusal) => refusal switch
    {
        AttestationAnswerRefusal.None => "none",
        AttestationAnswerRefusal.TooManyAttestations => "too_many_attestations",
        AttestationAnswerRefusal.TooManyBytes => "too_many_bytes",
        AttestationAnswerRefusal.NextHeightOutOfRange => "next_height_out_of_range",
        AttestationAnswerRefusal.HeightOutsideRange => "height_outside_range",
        AttestationAnswerRefusal.NotOrdered => "not_ordered",
        AttestationAnswerRefusal.FieldOutOfBounds => "field_out_of_bounds",
        _ => "unknown",
    };

    // The signature's own length is bounded by AttestationBytesMax; its validity is the verifier's business.
    private static bool FieldsWithinBounds(Core.Protocol.Attestation attestation, int hashSizeBytes) =>
        attestation.NodeId.Length > 0
        && Encoding.UTF8.GetByteCount(attestation.NodeId) <= RegistryLimits.NodeIdBytesMax
        && attestation.KeyId.Length is > 0 and <= RegistryLimits.KeyIdBytesMax
        && attestation.Suite.Length > 0
        && Encoding.UTF8.GetByteCount(attestation.Suite) <= RegistryLimits.SuiteBytesMax
        && attestation.BlockHash.Length == hashSizeBytes
        && attestation.Signature.Length > 0;
}

using Ledger.Registry.Applying;

namespace Ledger.Node.Attestation;

/// <summary>
/// Every limit of certification catch-up (<see cref="AttestationCatchUp"/> and the peer call
/// <c>GetAttestations</c>), stated once. The serving node and the asking node both check against these:
/// a request names at most <see cref="HeightsPerRequestMax"/> heights; an answer carries at most
/// <see cref="AttestationsPerResponseMax"/> attestations and <see cref="ResponseBytesMax"/> bytes of them,
/// each at most <see cref="AttestationBytesMax"/>. <see cref="Validate"/> checks the relations between them.
/// </summary>
public static class AttestationCatchUpBounds
{
    /// <summary>Heights one <c>GetAttestations</c> request may name.</summary>
    public const int HeightsPerRequestMax = 256;

    /// <summary>Attestations one answer may carry.</summary>
    public const int AttestationsPerResponseMax = 4_096;

    /// <summary>Serialized bytes of the attestations of one answer.</summary>
    public const int ResponseBytesMax = 1024 * 1024;

    /// <summary>
    /// Serialized bytes of one attestation: its fields are each bounded (node id, key id, suite, hash,
    /// signature) well below this; the rest is room for fields a later version adds.
    /// </summary>
    public const int AttestationBytesMax = 1_024;

    /// <summary>Heights the catch-up loop checks for a missing certification in one round (so a long chain is scanned in steps).</summary>
    public const int HeightsScannedPerRoundMax = 16_384;

    /// <summary>Pause between catch-up rounds while nothing is missing.</summary>
    public const int RoundIntervalMilliseconds = 1_000;

    /// <summary>
    /// Pause after a round that stored attestations: short, so a node that missed thousands of certifications
    /// learns them at the pace it can verify them, not one request per round interval.
    /// </summary>
    public const int RoundIntervalAfterProgressMilliseconds = 20;

    /// <summary>Longest pause after rounds that learned nothing (peers down, or none holds the attestations yet).</summary>
    public const int BackoffMaxMilliseconds = 30_000;

    /// <summary>Deadline of one <c>GetAttestations</c> call.</summary>
    public const int RequestDeadlineMilliseconds = 5_000;

    /// <summary>Checks that an honest node can always answer at least one whole height, and the pauses are ordered.</summary>
    /// <exception cref="InvalidOperationException">The bounds contradict each other.</exception>
    public static void Validate()
    {
        if (RegistryLimits.NodesMax > AttestationsPerResponseMax)
        {
            throw new InvalidOperationException($"an answer must hold every attestation of one height: {nameof(AttestationsPerResponseMax)} ({AttestationsPerResponseMax}) < nodes ({RegistryLimits.NodesMax})");
        }

        if ((long)RegistryLimits.NodesMax * AttestationBytesMax > ResponseBytesMax)
        {
            throw new InvalidOperationException($"an answer must hold every attestation of one height: {nameof(ResponseBytesMax)} ({ResponseBytesMax}) < nodes x {nameof(AttestationBytesMax)}");
        }

        if (HeightsScannedPerRoundMax < HeightsPerRequestMax)
        {
            throw new InvalidOperationException($"{nameof(HeightsScannedPerRoundMax)} must cover at least one request ({HeightsPerRequestMax} heights)");
        }

        if (RoundIntervalAfterProgressMilliseconds <= 0 || RoundIntervalMilliseconds < RoundIntervalAfterProgressMilliseconds || BackoffMaxMilliseconds < RoundIntervalMilliseconds)
        {
            throw new InvalidOperationException($"pauses must satisfy 0 < {nameof(RoundIntervalAfterProgressMilliseconds)} <= {nameof(RoundIntervalMilliseconds)} <= {nameof(BackoffMaxMilliseconds)}");
        }
    }
}

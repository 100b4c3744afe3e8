using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;

namespace Ledger.Client.Verification;

/// <summary>
/// Keeps the last trusted (log size, log root) and accepts a header only if the log it commits to
/// is consistent with it (RFC 9162 consistency proof): a newer header must extend the trusted log,
/// an older one must be a prefix of it, one of equal size must have the same root. Anything else
/// is a fork and raises <see cref="ForkDetectedException"/>; the trusted state never moves backwards.
/// It takes only <see cref="QuorumCertificate"/>s: a single node's uncertified header (a receipt's,
/// say) can neither start nor move the trusted state.
/// </summary>
public sealed class LogStateTracker
{
    private readonly MerkleHasher hasher;
    private readonly Lock gate = new();
    private TrustedLogState? trusted;

    /// <summary>A tracker hashing with <paramref name="chainHash"/>, starting from <paramref name="initial"/> (a state saved earlier) or from nothing.</summary>
    public LogStateTracker(IHashAlgorithm chainHash, TrustedLogState? initial = null)
    {
        hasher = new MerkleHasher(chainHash);
        trusted = initial;
    }

    /// <summary>The newest trusted log state (null until the first certified header).</summary>
    public TrustedLogState? Trusted
    {
        get
        {
            lock (gate)
            {
                return trusted;
            }
        }
    }

    /// <summary>Checks the certified header against the trusted state, fetching a consistency proof when the sizes differ.</summary>
    public async Task ObserveAsync(QuorumCertificate certificate, Func<ulong, ulong, CancellationToken, Task<ConsistencyProof>> getProof, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(getProof);
        var header = certificate.Header;
        var current = Trusted;
        if (current is null)
        {
            Advance(header, current);
            return;
        }

        if (header.LogSize == current.LogSize)
        {
            if (!header.LogRoot.Span.SequenceEqual(current.LogRoot))
            {
                throw new ForkDetectedException($"log of size {header.LogSize} has root {Convert.ToHexStringLower(header.LogRoot.Span)}, but the trusted root is {Convert.ToHexStringLower(current.LogRoot)}");
            }

            Advance(header, current);
            return;
        }

        var older = header.LogSize < current.LogSize;
        var (size1, root1, size2, root2) = older
            ? (header.LogSize, header.LogRoot.ToByteArray(), current.LogSize, current.LogRoot)
            : (current.LogSize, current.LogRoot, header.LogSize, header.LogRoot.ToByteArray());
        if (size1 == 0)
        {
            Advance(header, current);
            return;
        }

        var proof = await getProof(size1, size2, cancellation).ConfigureAwait(false);
        if (proof.FirstSize != size1 || proof.SecondSize != size2)
        {
            throw new ClientVerificationException($"asked for a consistency proof {size1}->{size2}, got {proof.FirstSize}->{proof.SecondSize}");
        }

        var result = MerkleProofVerifier.CheckConsistency(hasher, size1, size2, [.. proof.Path.Select(p => p.ToByteArray())], root1, root2);
        if (result != MerkleProofResult.Valid)
        {
            throw new ForkDetectedException($"log of size {size2} is not an extension of the log of size {size1} ({result}): the history was rewritten");
        }

        Advance(header, current);
    }

    private void Advance(BlockHeader header, TrustedLogState? seen)
    {
        lock (gate)
        {
            // Only move forward, and only from the state the check was made against.
            if (ReferenceEquals(trusted, seen) && (trusted is null || header.LogSize > trusted.LogSize))
            {
                trusted = new TrustedLogState(header.Height, header.LogSize, header.LogRoot.ToByteArray());
            }
        }
    }
}

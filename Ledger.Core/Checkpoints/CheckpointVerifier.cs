namespace Ledger.Core.Checkpoints;

/// <summary>
/// Checks a signed checkpoint against a <see cref="CheckpointTrust"/>: the origin, a quorum of
/// distinct nodes, and which registered witnesses cosigned. Follows c2sp.org/signed-note: lines
/// whose (key name, key id) match no known key are ignored; a line from a known key that fails to
/// verify makes the whole note invalid (the spec's SHOULD), and is named in the result.
/// Never throws on the note's content.
/// </summary>
public static class CheckpointVerifier
{
    public static CheckpointVerification Verify(string note, CheckpointTrust trust)
    {
        ArgumentNullException.ThrowIfNull(note);
        try
        {
            return Verify(SignedNote.Parse(note), trust);
        }
        catch (NoteFormatException exception)
        {
            return CheckpointVerification.Malformed(trust, exception.Message);
        }
    }

    /// <summary>Verifies a note given as UTF-8 bytes (a file); invalid UTF-8 is a malformed note.</summary>
    public static CheckpointVerification Verify(ReadOnlySpan<byte> utf8, CheckpointTrust trust)
    {
        ArgumentNullException.ThrowIfNull(trust);
        try
        {
            return Verify(SignedNote.Parse(utf8), trust);
        }
        catch (NoteFormatException exception)
        {
            return CheckpointVerification.Malformed(trust, exception.Message);
        }
    }

    public static CheckpointVerification Verify(SignedNote note, CheckpointTrust trust)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(trust);
        Checkpoint checkpoint;
        try
        {
            checkpoint = Checkpoint.Parse(note.Text);
        }
        catch (NoteFormatException exception)
        {
            return CheckpointVerification.Malformed(trust, exception.Message);
        }

        if (!string.Equals(checkpoint.Origin, trust.Origin, StringComparison.Ordinal))
        {
            return CheckpointVerification.Malformed(trust, $"origin '{checkpoint.Origin}' is not this consortium's '{trust.Origin}'");
        }

        var failures = new List<string>();
        var signedBy = new List<string>();
        foreach (var node in trust.Nodes)
        {
            var lines = note.SignaturesBy(trust.Origin, CheckpointSignatures.KeyId(node.PublicKey, trust.Origin)).ToList();
            if (lines.Count == 0)
            {
                continue;
            }

            if (lines.TrueForAll(line => CheckpointSignatures.Verify(node.PublicKey, checkpoint, line)))
            {
                signedBy.Add(node.NodeId);
            }
            else
            {
                failures.Add($"node {node.NodeId}: signature does not verify");
            }
        }

        var witnesses = new List<WitnessCosignature>();
        foreach (var witness in trust.Witnesses)
        {
            var check = Cosignature.Verify(witness.PublicKey, witness.Name, note);
            switch (check.Status)
            {
                case CosignatureStatus.Valid:
                    witnesses.Add(new WitnessCosignature(witness.Name, check.TimestampUnixSeconds!.Value));
                    break;
                case CosignatureStatus.Invalid:
                    failures.Add($"witness {witness.Name}: cosignature does not verify");
                    break;
                default:
                    break;
            }
        }

        return new CheckpointVerification(checkpoint, signedBy, trust.Quorum, trust.Nodes.Count, witnesses, failures, null);
    }
}

/// <summary>A registered witness's valid cosignature and the time it states (POSIX seconds).</summary>
public sealed record WitnessCosignature(string Name, ulong TimestampUnixSeconds);

/// <summary>What <see cref="CheckpointVerifier"/> found.</summary>
public sealed class CheckpointVerification
{
    internal CheckpointVerification(
        Checkpoint? checkpoint,
        IReadOnlyList<string> signingNodes,
        int quorum,
        int nodeCount,
        IReadOnlyList<WitnessCosignature> witnesses,
        IReadOnlyList<string> failures,
        string? malformed)
    {
        Checkpoint = checkpoint;
        SigningNodes = signingNodes;
        Quorum = quorum;
        NodeCount = nodeCount;
        Witnesses = witnesses;
        Failures = failures;
        MalformedReason = malformed;
    }

    /// <summary>The parsed checkpoint; null when the note was malformed or of another origin.</summary>
    public Checkpoint? Checkpoint { get; }

    /// <summary>Ids of the distinct nodes whose signature verified.</summary>
    public IReadOnlyList<string> SigningNodes { get; }

    public int Quorum { get; }

    public int NodeCount { get; }

    public bool QuorumMet => SigningNodes.Count >= Quorum;

    /// <summary>Registered witnesses whose cosignature verified.</summary>
    public IReadOnlyList<WitnessCosignature> Witnesses { get; }

    /// <summary>Known keys whose line failed to verify (any makes the note invalid).</summary>
    public IReadOnlyList<string> Failures { get; }

    public string? MalformedReason { get; }

    /// <summary>Well formed, this consortium's, quorum-signed, and no known key's line failed.</summary>
    public bool IsValid => Checkpoint is not null && QuorumMet && Failures.Count == 0;

    /// <summary>One line saying why the note is not valid; null when it is.</summary>
    public string? Problem =>
        MalformedReason
        ?? (Failures.Count > 0 ? string.Join("; ", Failures)
        : !QuorumMet ? $"signed by {SigningNodes.Count} of {NodeCount} nodes, fewer than the quorum of {Quorum}"
        : null);

    internal static CheckpointVerification Malformed(CheckpointTrust trust, string reason) =>
        new(null, [], trust.Quorum, trust.Nodes.Count, [], [], reason);
}

namespace Ledger.Chaos.Disk;

/// <summary>How one flip of the sweep ended: exactly one category per flip, the worst that applies first.</summary>
public enum FlipCategory
{
    /// <summary>The flipped node answered a block, proof or registry query with data that differs from a healthy node's. Must never happen.</summary>
    Served,

    /// <summary>The node noticed at open: it refused to start, or reported a fault or "recovering" as soon as it answered.</summary>
    DetectedOpen,

    /// <summary>The node noticed while serving the check reads (DataLoss, or a fault reported after them).</summary>
    DetectedRead,

    /// <summary>The node did not notice; the integrity scan over its stopped directory did.</summary>
    DetectedScan,

    /// <summary>Nothing noticed it, and the node came back with less than it had before it was stopped or never caught up: acknowledged data silently lost.</summary>
    SilentLoss,

    /// <summary>Nothing noticed it and nothing was lost: the byte was in dead space (or in data never read again); the node serves exactly the healthy chain.</summary>
    Harmless,
}

namespace Ledger.Node.Integrity;

/// <summary>
/// Paces a reader to <c>bytesPerSecond</c>: each slice's bytes push the earliest start of the next
/// slice back by the time those bytes are worth at that rate. Whatever the slices' sizes, the bytes
/// read from the first slice's start to any moment t are at most rate × elapsed + the last slice.
/// </summary>
public sealed class ScanPacer(long bytesPerSecond)
{
    private DateTimeOffset _earliestNext = DateTimeOffset.MinValue;

    /// <summary>When the next slice may start.</summary>
    public DateTimeOffset EarliestNext => _earliestNext;

    /// <summary>Accounts for a slice that started at <paramref name="sliceStart"/> and read <paramref name="bytes"/>.</summary>
    public void Charge(long bytes, DateTimeOffset sliceStart)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var from = sliceStart > _earliestNext ? sliceStart : _earliestNext;
        _earliestNext = from + TimeSpan.FromSeconds((double)bytes / bytesPerSecond);
    }
}

using Ledger.Node.DiskSpace;

namespace Ledger.Node.Tests.DiskSpace;

/// <summary>A disk that says what the test tells it to; thread-safe.</summary>
public sealed class FakeFreeSpace(long availableBytes) : IFreeSpaceProbe
{
    private long available = availableBytes;
    private long reads;

    public long Available
    {
        get => Interlocked.Read(ref available);
        set => Interlocked.Exchange(ref available, value);
    }

    /// <summary>When set, every read throws it.</summary>
    public Exception? Failure { get; set; }

    public long Reads => Interlocked.Read(ref reads);

    public long AvailableBytes(string directory)
    {
        Interlocked.Increment(ref reads);
        if (Failure is { } failure)
        {
            throw failure;
        }

        return Available;
    }
}

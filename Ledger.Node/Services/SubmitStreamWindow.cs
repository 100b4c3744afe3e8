namespace Ledger.Node.Services;

/// <summary>
/// One SubmitStream's share of the <see cref="SubmitStreamBudget"/>: a slot is taken at the stream,
/// connection and node levels (in that order, always, so waiters cannot deadlock) before a request is
/// read, and released once its answer is written. Disposing the window (the stream ended, normally or
/// not) releases every slot still held — answers that will never be written — exactly once; a late
/// <see cref="Release"/> after that is a no-op.
/// </summary>
public sealed class SubmitStreamWindow : IDisposable
{
    private readonly SemaphoreSlim stream;
    private readonly SemaphoreSlim connection;
    private readonly SemaphoreSlim node;
    private readonly Action onClosed;
    private readonly Lock gate = new();
    private int held;
    private bool closed;

    internal SubmitStreamWindow(int streamAnswersMax, SemaphoreSlim connection, SemaphoreSlim node, Action onClosed)
    {
        stream = new SemaphoreSlim(streamAnswersMax, streamAnswersMax);
        this.connection = connection;
        this.node = node;
        this.onClosed = onClosed;
        AnswersMax = streamAnswersMax;
    }

    public int AnswersMax { get; }

    /// <summary>Answers of this stream in flight now.</summary>
    public int Held
    {
        get
        {
            lock (gate)
            {
                return held;
            }
        }
    }

    /// <summary>Waits for a slot at every level; throws <see cref="OperationCanceledException"/> when cancelled or the window is closed.</summary>
    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        await stream.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await node.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                connection.Release();
                throw;
            }
        }
        catch
        {
            stream.Release();
            throw;
        }

        lock (gate)
        {
            if (!closed)
            {
                held++;
                return;
            }
        }

        ReleaseSlots(1);
        throw new OperationCanceledException("the stream's window is closed");
    }

    /// <summary>One answer written (or dropped): its slot at every level is free again.</summary>
    public void Release()
    {
        lock (gate)
        {
            if (closed || held == 0)
            {
                return;
            }

            held--;
        }

        ReleaseSlots(1);
    }

    public void Dispose()
    {
        int remaining;
        lock (gate)
        {
            if (closed)
            {
                return;
            }

            closed = true;
            remaining = held;
            held = 0;
        }

        // The stream's own semaphore is not disposed: an AcquireAsync may still be waiting on it, and
        // will find the window closed when it gets its slot.
        ReleaseSlots(remaining);
        onClosed();
    }

    private void ReleaseSlots(int count)
    {
        if (count == 0)
        {
            return;
        }

        node.Release(count);
        connection.Release(count);
        stream.Release(count);
    }
}

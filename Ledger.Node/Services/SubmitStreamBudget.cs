using Ledger.Node.Configuration;

namespace Ledger.Node.Services;

/// <summary>
/// How many SubmitStream answers may be in flight — read from the client but not yet written back to
/// it — per stream, per connection and over the whole node (<see cref="ApiLimitsOptions"/>). A stream
/// takes a slot at all three levels before it reads a request and gives them back only once the
/// answer is written or abandoned, so a client that never reads its answers stops being read from
/// (HTTP/2 flow control then stops it) instead of making the node buffer requests and answers
/// without bound. Thread-safe; one per node.
/// </summary>
public sealed class SubmitStreamBudget
{
    private readonly SemaphoreSlim node;
    private readonly Dictionary<string, ConnectionSlots> connections = new(StringComparer.Ordinal);
    private readonly Lock connectionsGate = new();

    public SubmitStreamBudget(ApiLimitsOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        StreamAnswersMax = limits.SubmitStreamAnswersMax;
        ConnectionAnswersMax = limits.ConnectionAnswersMax;
        NodeAnswersMax = limits.NodeAnswersMax;
        ResponseWriteTimeout = TimeSpan.FromMilliseconds(limits.ResponseWriteTimeoutMilliseconds);
        node = new SemaphoreSlim(NodeAnswersMax, NodeAnswersMax);
    }

    public int StreamAnswersMax { get; }

    public int ConnectionAnswersMax { get; }

    public int NodeAnswersMax { get; }

    /// <summary>Longest an answer may wait to be written before its stream is reset.</summary>
    public TimeSpan ResponseWriteTimeout { get; }

    /// <summary>Answers in flight over the whole node now.</summary>
    public int PendingAnswers => NodeAnswersMax - node.CurrentCount;

    /// <summary>Connections with at least one open SubmitStream.</summary>
    public int ConnectionsWithStreams
    {
        get
        {
            lock (connectionsGate)
            {
                return connections.Count;
            }
        }
    }

    /// <summary>A window for one new stream of connection <paramref name="connectionId"/>; dispose it when the stream ends.</summary>
    public SubmitStreamWindow OpenStream(string connectionId)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ConnectionSlots slots;
        lock (connectionsGate)
        {
            if (!connections.TryGetValue(connectionId, out slots!))
            {
                slots = new ConnectionSlots(ConnectionAnswersMax);
                connections.Add(connectionId, slots);
            }

            slots.OpenStreams++;
        }

        return new SubmitStreamWindow(StreamAnswersMax, slots.Answers, node, () => CloseStream(connectionId, slots));
    }

    private void CloseStream(string connectionId, ConnectionSlots slots)
    {
        lock (connectionsGate)
        {
            slots.OpenStreams--;
            if (slots.OpenStreams == 0)
            {
                connections.Remove(connectionId);
            }
        }
    }

    private sealed class ConnectionSlots(int answersMax)
    {
        public SemaphoreSlim Answers { get; } = new(answersMax, answersMax);

        public int OpenStreams { get; set; }
    }
}

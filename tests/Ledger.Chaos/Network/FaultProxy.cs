using System.Net;
using System.Net.Sockets;

namespace Ledger.Chaos.Network;

/// <summary>
/// A TCP proxy for one directed peer link (A→B): A is told B listens on <see cref="Port"/>, and every
/// connection A opens is forwarded to B's real port, through the current <see cref="LinkState"/>.
/// Bytes pass untouched (TLS is end to end between the nodes); the proxy only decides when, how fast
/// and whether they arrive.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly int targetPort;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly HashSet<ProxiedConnection> connections = [];
    private readonly Task acceptLoop;
    private readonly Random jitter;
    private LinkState state = LinkState.Healthy;

    public FaultProxy(int targetPort, int listenPort = 0, int jitterSeed = 0)
    {
        this.targetPort = targetPort;
        jitter = new Random(jitterSeed);
        listener = new TcpListener(IPAddress.Loopback, listenPort);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public LinkState State
    {
        get => Volatile.Read(ref state);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.DelayMilliseconds is < 0 or > LinkState.DelayMillisecondsMax || value.JitterMilliseconds is < 0 or > LinkState.DelayMillisecondsMax || value.BytesPerSecondMax < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "link delay, jitter and bandwidth out of range");
            }

            Volatile.Write(ref state, value);
            foreach (var connection in Snapshot())
            {
                // A dropped link resets what is open; a healed one resets connections that lost bytes.
                if (value.Mode == LinkMode.Drop || (value.Mode == LinkMode.Pass && connection.LostBytes))
                {
                    connection.Reset();
                }
            }
        }
    }

    /// <summary>Connections open now (for tests and the run's log).</summary>
    public int OpenConnections
    {
        get
        {
            lock (gate)
            {
                return connections.Count;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        listener.Stop();
        foreach (var connection in Snapshot())
        {
            connection.Reset();
        }

        try
        {
            await acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
    }

    internal int NextJitterMilliseconds(int jitterMax)
    {
        if (jitterMax <= 0)
        {
            return 0;
        }

        lock (jitter)
        {
            return jitter.Next(jitterMax + 1);
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await listener.AcceptSocketAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            accepted.NoDelay = true;
            if (State.Mode == LinkMode.Drop)
            {
                ProxiedConnection.ResetSocket(accepted);
                continue;
            }

            var connection = new ProxiedConnection(this, accepted);
            lock (gate)
            {
                connections.Add(connection);
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    await connection.RunAsync(targetPort, stopping.Token).ConfigureAwait(false);
                }
                finally
                {
                    lock (gate)
                    {
                        connections.Remove(connection);
                    }
                }
            });
        }
    }

    private ProxiedConnection[] Snapshot()
    {
        lock (gate)
        {
            return [.. connections];
        }
    }
}

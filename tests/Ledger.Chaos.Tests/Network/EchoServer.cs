using System.Net;
using System.Net.Sockets;

namespace Ledger.Chaos.Tests.Network;

/// <summary>A loopback TCP server that sends back every byte it receives, and counts them.</summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();
    private readonly Task acceptLoop;
    private long bytesReceived;

    public EchoServer()
    {
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public long BytesReceived => Interlocked.Read(ref bytesReceived);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        try
        {
            await acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (socket)
                {
                    var buffer = new byte[64 * 1024];
                    try
                    {
                        while (true)
                        {
                            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, stopping.Token);
                            if (read == 0)
                            {
                                return;
                            }

                            Interlocked.Add(ref bytesReceived, read);
                            await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, stopping.Token);
                        }
                    }
                    catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                    {
                    }
                }
            });
        }
    }
}

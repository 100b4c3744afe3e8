using Google.Protobuf;
using Grpc.Core;
using Ledger.Consensus;
using Ledger.Core.Protocol;
using Ledger.Storage;
using Ledger.Storage.Snapshots;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Snapshots;

/// <summary>
/// The leader's side of snapshot transfer. When Raft wants to send a snapshot to a follower, this
/// exports the current state (consistent view, off the drive loop) into <c>outgoing/&lt;peer&gt;</c>
/// and streams it over <c>InstallSnapshot</c> in chunks of <see cref="SnapshotTransferOptions.ChunkBytes"/>.
/// Each attempt first asks the follower where it stands (a chunk without data), then sends from there,
/// so a broken stream resumes instead of restarting. The outcome goes back to Raft through
/// <c>reportSnapshot</c>. Bounds: one transfer (one export directory, one chunk buffer) per follower.
/// </summary>
public sealed partial class SnapshotSender : IAsyncDisposable
{
    private readonly string localNodeId;
    private readonly LedgerDatabase database;
    private readonly string outgoingRoot;
    private readonly Func<ulong, LedgerPeer.LedgerPeerClient?> clientFor;
    private readonly Action<ulong, SnapshotStatus> reportSnapshot;
    private readonly SnapshotTransferOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly Func<ulong, IEnumerable<Core.Protocol.Attestation>?> certifiedAttestationsAt;
    private readonly Lock sync = new();
    private readonly Dictionary<ulong, Task> transfers = [];
    private readonly CancellationTokenSource stopping = new();
    private long transfersCompleted;
    private long transfersFailed;

    public SnapshotSender(
        string localNodeId,
        LedgerDatabase database,
        string outgoingRoot,
        Func<ulong, LedgerPeer.LedgerPeerClient?> clientFor,
        Action<ulong, SnapshotStatus> reportSnapshot,
        SnapshotTransferOptions options,
        TimeProvider timeProvider,
        ILogger logger,
        Func<ulong, IEnumerable<Core.Protocol.Attestation>?>? certifiedAttestationsAt = null)
    {
        this.certifiedAttestationsAt = certifiedAttestationsAt ?? (_ => null);
        this.localNodeId = localNodeId;
        this.database = database;
        this.outgoingRoot = Path.GetFullPath(outgoingRoot);
        this.clientFor = clientFor;
        this.reportSnapshot = reportSnapshot;
        this.options = options;
        this.timeProvider = timeProvider;
        this.logger = logger;

        // Exports left by a previous run are never resumed by this side (the follower resumes its copy).
        if (Directory.Exists(this.outgoingRoot))
        {
            Directory.Delete(this.outgoingRoot, recursive: true);
        }
    }

    public long TransfersCompleted => Interlocked.Read(ref transfersCompleted);

    public long TransfersFailed => Interlocked.Read(ref transfersFailed);

    /// <summary>Transfers running now (at most one per follower).</summary>
    public int TransfersActive
    {
        get
        {
            lock (sync)
            {
                return transfers.Count;
            }
        }
    }

    /// <summary>
    /// Raft asked to send a snapshot to <paramref name="peer"/> in <paramref name="term"/>. Never blocks
    /// (called on the drive loop); a request while a transfer to that peer runs is dropped, since Raft
    /// waits for that transfer's report anyway.
    /// </summary>
    public void Request(ulong peer, ulong term)
    {
        lock (sync)
        {
            if (stopping.IsCancellationRequested || transfers.ContainsKey(peer))
            {
                return;
            }

            // Under the lock, so the transfer's own removal (also under it) cannot run before this add.
            transfers[peer] = Task.Run(() => TransferAsync(peer, term));
        }
    }

    private async Task TransferAsync(ulong peer, ulong term)
    {
        var token = stopping.Token;
        var directory = Path.Combine(outgoingRoot, peer.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var status = SnapshotStatus.Failure;
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            var manifest = StateSnapshotExporter.Export(database, directory, token);
            LogExported(logger, peer, manifest.Meta.Index, manifest.Height, SnapshotManifests.TotalBytes(manifest));
            status = await SendWithResumeAsync(peer, term, directory, manifest, token).ConfigureAwait(false) ? SnapshotStatus.Finished : SnapshotStatus.Failure;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever broke the export or the stream, Raft must hear of it or it waits for this follower forever.
            LogTransferFailed(logger, peer, e.Message);
        }
        finally
        {
            TryDelete(directory);
            Interlocked.Increment(ref status == SnapshotStatus.Finished ? ref transfersCompleted : ref transfersFailed);
            lock (sync)
            {
                transfers.Remove(peer);
            }

            if (!token.IsCancellationRequested)
            {
                reportSnapshot(peer, status);
            }
        }
    }

    /// <summary>Certification of the snapshot's last block waits at most this long for the attestations to arrive.</summary>
    public const int CertificationWaitMilliseconds = 5_000;

    /// <summary>
    /// The first chunk of a call: the manifest, the term, and the attestations that certify the manifest's
    /// last header (the receiver refuses without them). A fresh block's attestations follow it within
    /// milliseconds, so this waits a little for them instead of failing the transfer.
    /// </summary>
    private async Task<SnapshotChunk> FirstChunkAsync(SnapshotManifest manifest, ulong term, ulong offset, CancellationToken token)
    {
        var chunk = new SnapshotChunk { FromNodeId = localNodeId, Manifest = manifest, Term = term, Offset = offset };
        var deadline = timeProvider.GetTimestamp() + (CertificationWaitMilliseconds * timeProvider.TimestampFrequency / 1000);
        var attestations = certifiedAttestationsAt(manifest.Height);
        while (attestations is null && manifest.Height > 0 && timeProvider.GetTimestamp() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), timeProvider, token).ConfigureAwait(false);
            attestations = certifiedAttestationsAt(manifest.Height);
        }

        if (attestations is not null)
        {
            chunk.LastHeaderAttestations.Add(attestations);
        }

        return chunk;
    }

    private async Task<bool> SendWithResumeAsync(ulong peer, ulong term, string directory, SnapshotManifest manifest, CancellationToken token)
    {
        var total = SnapshotManifests.TotalBytes(manifest);
        var backoff = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; attempt <= options.TransferAttemptsMax; attempt++)
        {
            var client = clientFor(peer);
            if (client is null)
            {
                LogTransferFailed(logger, peer, "no address for the peer");
                return false;
            }

            try
            {
                var probe = await SendCallAsync(client, await FirstChunkAsync(manifest, term, 0, token).ConfigureAwait(false), null, 0, total, token).ConfigureAwait(false);
                if (probe.Complete)
                {
                    return true;
                }

                if (probe.NextOffset > 0)
                {
                    LogResuming(logger, peer, probe.NextOffset, total);
                }

                var ack = await SendCallAsync(client, await FirstChunkAsync(manifest, term, probe.NextOffset, token).ConfigureAwait(false), directory, probe.NextOffset, total, token).ConfigureAwait(false);
                if (ack.Complete)
                {
                    LogSent(logger, peer, manifest.Meta.Index, total);
                    return true;
                }
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.PermissionDenied or StatusCode.Unauthenticated)
            {
                // The follower refuses this snapshot; retrying the same bytes cannot help.
                LogTransferFailed(logger, peer, e.Status.Detail);
                return false;
            }
            catch (Exception e) when (e is RpcException or IOException or HttpRequestException)
            {
                LogAttemptFailed(logger, peer, attempt, e.Message);
            }

            await Task.Delay(backoff, timeProvider, token).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }

        return false;
    }

    /// <summary>
    /// One call: <paramref name="first"/> (manifest, term, offset), then — when <paramref name="directory"/>
    /// is given — the stream's bytes from <paramref name="offset"/> to the end in bounded chunks, the last
    /// one flagged. Without a directory the call is a probe: the follower answers where it stands.
    /// </summary>
    private async Task<SnapshotAck> SendCallAsync(LedgerPeer.LedgerPeerClient client, SnapshotChunk first, string? directory, ulong offset, ulong total, CancellationToken token)
    {
        using var call = client.InstallSnapshot(cancellationToken: token);
        if (directory is null || offset == total)
        {
            first.Last = directory is not null;
            await call.RequestStream.WriteAsync(first, token).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            return await call.ResponseAsync.ConfigureAwait(false);
        }

        var buffer = new byte[options.ChunkBytes];
        var chunk = first;
        using var reader = new SnapshotStreamReader(directory, first.Manifest);
        reader.Seek(offset);
        while (offset < total)
        {
            var count = reader.Read(buffer);
            if (count == 0)
            {
                throw new IOException($"snapshot export ended at byte {offset} of {total}");
            }

            chunk.Offset = offset;
            chunk.Data = ByteString.CopyFrom(buffer, 0, count);
            offset += (ulong)count;
            chunk.Last = offset == total;
            await call.RequestStream.WriteAsync(chunk, token).ConfigureAwait(false);
            chunk = new SnapshotChunk { FromNodeId = localNodeId };
        }

        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        return await call.ResponseAsync.ConfigureAwait(false);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (sync)
        {
            stopping.Cancel();
            running = [.. transfers.Values];
        }

        foreach (var transfer in running)
        {
            try
            {
                await transfer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        stopping.Dispose();
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Exported a snapshot for peer {Peer}: raft index {Index}, height {Height}, {Bytes} bytes")]
    private static partial void LogExported(ILogger logger, ulong peer, ulong index, ulong height, ulong bytes);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Snapshot at raft index {Index} ({Bytes} bytes) installed by peer {Peer}")]
    private static partial void LogSent(ILogger logger, ulong peer, ulong index, ulong bytes);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Resuming the snapshot transfer to peer {Peer} at byte {Offset} of {Total}")]
    private static partial void LogResuming(ILogger logger, ulong peer, ulong offset, ulong total);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Snapshot transfer to peer {Peer}, attempt {Attempt}, broke: {Reason}; resuming")]
    private static partial void LogAttemptFailed(ILogger logger, ulong peer, int attempt, string reason);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Snapshot transfer to peer {Peer} failed: {Reason}")]
    private static partial void LogTransferFailed(ILogger logger, ulong peer, string reason);
}

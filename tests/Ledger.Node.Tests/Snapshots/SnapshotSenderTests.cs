using System.Security.Cryptography;
using Grpc.Core;
using Ledger.Consensus;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Node.Snapshots;
using Ledger.Registry.State;
using Ledger.Storage;
using Ledger.Storage.Blocks;
using Ledger.Storage.Raft;
using Ledger.Storage.Registry;
using Ledger.Storage.Snapshots;
using Microsoft.Extensions.Logging;
using RocksDbSharp;

namespace Ledger.Node.Tests.Snapshots;

/// <summary>The leader's side: a stream that breaks mid-transfer is resumed from where the follower stands, not from zero.</summary>
public sealed class SnapshotSenderTests
{
    private const int ChunkBytes = 4096;
    private const ulong FollowerRaftId = 2;

    private string directory = "";

    [SetUp]
    public void SetUp() => directory = Directory.CreateTempSubdirectory("ledger-snapshot-sender-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(directory, recursive: true);

    [Test]
    public async Task StreamBrokenAfterThreeChunks_NextAttemptResumesAtTheFollowersOffset_AndTheSnapshotArrivesIntact()
    {
        // Arrange: a leader database with enough (incompressible) state for many chunks, and a follower that drops the first data stream.
        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = Path.Combine(directory, "leader"), ChainId = "sender-test", SyncWrites = false });
        PopulateState(database, appliedIndex: 5);
        var follower = new FlakyFollower(new SnapshotStaging(Path.Combine(directory, "follower")), breakFirstDataCallAfterChunks: 3);
        var logger = new RecordingLogger();
        var reported = new TaskCompletionSource<SnapshotStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var sender = new SnapshotSender(
            "node-1",
            database,
            Path.Combine(directory, "outgoing"),
            _ => new LedgerPeer.LedgerPeerClient(follower),
            (peer, status) => reported.TrySetResult(status),
            new SnapshotTransferOptions { ChunkBytes = ChunkBytes },
            TimeProvider.System,
            logger);

        // Act
        sender.Request(FollowerRaftId, term: 3);
        var status = await reported.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // Assert
        Assert.That(status, Is.EqualTo(SnapshotStatus.Finished), logger.Text);
        Assert.That(follower.DataCallStartOffsets, Has.Count.EqualTo(2));
        Assert.That(follower.DataCallStartOffsets[0], Is.EqualTo(0UL));
        Assert.That(follower.DataCallStartOffsets[1], Is.EqualTo(3UL * ChunkBytes), "the second stream starts where the first broke");
        Assert.That(follower.Installed, Is.Not.Null);
        Assert.That(follower.Installed!.Meta.Index, Is.EqualTo(5UL));
        Assert.That(follower.Installed.Meta.Term, Is.EqualTo(3UL));
        Assert.That(sender.TransfersActive, Is.Zero);
        Assert.That(Directory.Exists(Path.Combine(directory, "outgoing", FollowerRaftId.ToString(System.Globalization.CultureInfo.InvariantCulture))), Is.False, "the export is deleted after the transfer");
    }

    /// <summary>Raft entries 1..applied in term 3, the applied index recorded, and 64 KiB of random registry values.</summary>
    private static void PopulateState(LedgerDatabase database, ulong appliedIndex)
    {
        var raftLog = new RocksDbRaftLogStorage(database, new ConfState([1, 2, 3], []));
        var entries = new List<Entry>();
        for (ulong index = 1; index <= appliedIndex; index++)
        {
            entries.Add(new Entry(3, index, EntryType.Normal, new byte[] { 1 }));
        }

        raftLog.Persist(null, entries, new HardState(3, 1, appliedIndex), sync: false);
        var blocks = new BlockStore(database, BlockHashing.CreateInterim(Sha256HashAlgorithm.Instance));
        using (var batch = new WriteBatch())
        {
            blocks.StageAppliedIndex(batch, appliedIndex);
            database.Write(batch, sync: false);
            blocks.MarkCommitted();
        }

        var writes = new List<StateWrite>();
        for (var i = 0; i < 64; i++)
        {
            writes.Add(new StateWrite(new StateKey([9, (byte)i]), RandomNumberGenerator.GetBytes(1024)));
        }

        new RocksDbRegistryState(database).Apply(writes);
    }

    /// <summary>
    /// A follower's InstallSnapshot in memory, over real staging: answers probes with the staged length,
    /// stages data chunks, verifies on the last one, and breaks the first data stream after a few chunks.
    /// </summary>
    private sealed class FlakyFollower(SnapshotStaging staging, int breakFirstDataCallAfterChunks) : CallInvoker
    {
        private int dataCalls;

        public SnapshotStaging Staging { get; } = staging;

        public int BreakFirstDataCallAfterChunks { get; } = breakFirstDataCallAfterChunks;

        public List<ulong> DataCallStartOffsets { get; } = [];

        public SnapshotManifest? Installed { get; private set; }

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
        {
            var call = new Call(this);
            return new AsyncClientStreamingCall<TRequest, TResponse>(
                (IClientStreamWriter<TRequest>)(object)call,
                call.Response.Task.ContinueWith(t => (TResponse)(object)t.Result, TaskScheduler.Default),
                Task.FromResult(new Metadata()),
                () => Status.DefaultSuccess,
                () => [],
                () => { });
        }

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();

        private sealed class Call(FlakyFollower follower) : IClientStreamWriter<SnapshotChunk>
        {
            private SnapshotManifest? manifest;
            private bool probe;
            private bool breaks;
            private int chunks;

            public TaskCompletionSource<SnapshotAck> Response { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public Grpc.Core.WriteOptions? WriteOptions { get; set; }

            public Task WriteAsync(SnapshotChunk message, CancellationToken cancellationToken) => WriteAsync(message);

            public Task WriteAsync(SnapshotChunk message)
            {
                if (manifest is null)
                {
                    manifest = message.Manifest;
                    follower.Staging.Begin(manifest);
                    probe = message.Data.IsEmpty && !message.Last;
                    if (!probe)
                    {
                        follower.DataCallStartOffsets.Add(message.Offset);
                        breaks = ++follower.dataCalls == 1;
                    }
                }

                if (probe)
                {
                    return Task.CompletedTask;
                }

                if (breaks && ++chunks > follower.BreakFirstDataCallAfterChunks)
                {
                    var broken = new RpcException(new Status(StatusCode.Unavailable, "connection reset"));
                    Response.TrySetException(broken);
                    throw broken;
                }

                follower.Staging.Write(message.Offset, message.Data.Span);
                if (message.Last)
                {
                    follower.Staging.Complete();
                    follower.Installed = manifest;
                }

                return Task.CompletedTask;
            }

            public Task CompleteAsync()
            {
                Response.TrySetResult(new SnapshotAck { NextOffset = follower.Staging.Begin(manifest!), Complete = follower.Installed is not null });
                return Task.CompletedTask;
            }
        }
    }

    private sealed class RecordingLogger : ILogger
    {
        private readonly List<string> lines = [];

        public string Text
        {
            get
            {
                lock (lines)
                {
                    return string.Join(Environment.NewLine, lines);
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines)
            {
                lines.Add($"{logLevel}: {formatter(state, exception)} {exception}");
            }
        }
    }
}

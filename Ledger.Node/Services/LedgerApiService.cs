using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Ledger.Consensus;
using Ledger.Core.Blocks;
using Ledger.Core.Protocol;
using Ledger.Node.Consensus;
using Ledger.Node.Hosting;
using Ledger.Node.Submission;
using Ledger.Node.Tracing;

namespace Ledger.Node.Services;

/// <summary>The public gRPC service: thin adapters over <see cref="LedgerNode"/>, with precise statuses for bad input.</summary>
public sealed class LedgerApiService(LedgerNode node, NodeRuntimeOptions runtime, SubmitStreamBudget budget, ILogger<LedgerApiService> logger) : LedgerApi.LedgerApiBase
{
    public override async Task<SubmitResponse> Submit(SubmitRequest request, ServerCallContext context)
    {
        // A call with a gRPC deadline is cancelled by it; one without waits at most SubmitTimeout.
        var timeout = context.Deadline == DateTime.MaxValue ? runtime.SubmitTimeout : Timeout.InfiniteTimeSpan;
        using var span = NodeTracing.StartSubmit(node.NodeId, context.RequestHeaders);
        try
        {
            var committed = await node.SubmitAsync(request.Transaction, timeout, context.CancellationToken).ConfigureAwait(false);
            using var receiptSpan = NodeTracing.StartChild(NodeTracing.ReceiptSpan);
            return new SubmitResponse { CorrelationId = request.CorrelationId, Receipt = node.BuildReceipt(committed) };
        }
        catch (RpcException refused) when (NodeTracing.Failed(span, refused))
        {
            throw; // never reached: the filter only records the refusal on the span
        }
    }

    /// <summary>
    /// Many submissions over one stream, answered as they commit (by correlation id, in any order).
    /// Bounded when the client never reads: each request holds a slot of the stream's, the connection's
    /// and the node's <see cref="SubmitStreamBudget"/> from the moment it is read until its answer is
    /// written; while the window is full no request is read, so HTTP/2 flow control stops the client.
    /// An answer that cannot be written within the write deadline resets the stream and frees its slots.
    /// </summary>
    public override async Task SubmitStream(IAsyncStreamReader<SubmitRequest> requestStream, IServerStreamWriter<SubmitResponse> responseStream, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        using var window = budget.OpenStream(http.Connection.Id);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        // At most window.AnswersMax answers wait here: each holds a slot until the writer has sent it.
        var answers = Channel.CreateUnbounded<SubmitResponse>(new UnboundedChannelOptions { SingleReader = true });
        var writer = WriteAnswersAsync(answers.Reader, responseStream, window, http, stop);
        var handlers = new List<Task>();
        try
        {
            while (true)
            {
                await window.AcquireAsync(stop.Token).ConfigureAwait(false);
                bool more;
                try
                {
                    more = await requestStream.MoveNext(stop.Token).ConfigureAwait(false);
                }
                catch
                {
                    window.Release();
                    throw;
                }

                if (!more)
                {
                    window.Release();
                    break;
                }

                handlers.Add(HandleOneAsync(requestStream.Current));
                if (handlers.Count >= 2 * window.AnswersMax)
                {
                    // At most AnswersMax are still running (each holds a slot), so pruning here is amortised O(1).
                    handlers.RemoveAll(t => t.IsCompleted);
                }
            }

            await Task.WhenAll(handlers).ConfigureAwait(false);
        }
        catch
        {
            // Ended early (cancelled, reset, write deadline): stop the handlers and the writer; the
            // window releases whatever they still hold when it is disposed.
            await stop.CancelAsync().ConfigureAwait(false);
            answers.Writer.TryComplete();
            await writer.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }

        answers.Writer.TryComplete();
        await writer.ConfigureAwait(false);

        async Task HandleOneAsync(SubmitRequest request)
        {
            SubmitResponse response;
            using var span = NodeTracing.StartSubmit(node.NodeId, context.RequestHeaders);
            try
            {
                var committed = await node.SubmitAsync(request.Transaction, runtime.SubmitTimeout, stop.Token).ConfigureAwait(false);
                using var receiptSpan = NodeTracing.StartChild(NodeTracing.ReceiptSpan);
                response = new SubmitResponse { CorrelationId = request.CorrelationId, Receipt = node.BuildReceipt(committed) };
            }
            catch (RpcException e)
            {
                NodeTracing.Failed(span, e);
                response = new SubmitResponse { CorrelationId = request.CorrelationId, ErrorCode = (int)e.StatusCode, ErrorMessage = e.Status.Detail };
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                window.Release();
                return;
            }
            catch (Exception e)
            {
                // A bug, not the client's fault: answer this one (its slot must come back) and keep the stream.
                HostingLog.StreamSubmissionFailed(logger, e);
                response = new SubmitResponse { CorrelationId = request.CorrelationId, ErrorCode = (int)StatusCode.Internal, ErrorMessage = "internal error" };
            }

            if (!answers.Writer.TryWrite(response))
            {
                window.Release();
            }
        }
    }

    private async Task WriteAnswersAsync(ChannelReader<SubmitResponse> answers, IServerStreamWriter<SubmitResponse> responseStream, SubmitStreamWindow window, HttpContext http, CancellationTokenSource stop)
    {
        var buffered = new WriteOptions(WriteFlags.BufferHint);
        var timeout = budget.ResponseWriteTimeout;
        // One deadline for the stream, armed around each write that waits (no allocation per answer). When it
        // fires the client has not taken an answer for that long: the stream is reset, which cancels
        // the call and everything waiting in it, and its slots go back to the budget.
        using var writeDeadline = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        using var onDeadline = writeDeadline.Token.Register(() =>
        {
            if (!stop.IsCancellationRequested)
            {
                HostingLog.StreamWriteAbandoned(logger, (int)timeout.TotalMilliseconds, window.Held);
                http.Abort();
            }
        });
        try
        {
            while (await answers.WaitToReadAsync(stop.Token).ConfigureAwait(false))
            {
                while (answers.TryRead(out var answer))
                {
                    // Buffer while more answers are ready; the last one of a run flushes them all.
                    responseStream.WriteOptions = answers.TryPeek(out _) ? buffered : null;
                    var write = responseStream.WriteAsync(answer, writeDeadline.Token);
                    if (!write.IsCompleted)
                    {
                        // Only a write that waits (the client's window or Kestrel's buffer is full) arms the timer.
                        writeDeadline.CancelAfter(timeout);
                        await write.ConfigureAwait(false);
                        writeDeadline.CancelAfter(Timeout.InfiniteTimeSpan);
                    }
                    else
                    {
                        await write.ConfigureAwait(false);
                    }

                    window.Release();
                }
            }
        }
        catch
        {
            // Nothing more can be written: stop reading requests too, or the reader would wait for slots forever.
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override async Task<GetTransactionResponse> GetTransaction(GetTransactionRequest request, ServerCallContext context)
    {
        RequireHash(request.TxHash, "tx_hash");
        await ReadBarrierAsync(request.Consistency, context).ConfigureAwait(false);
        var stored = node.Blocks.FindTransaction(request.TxHash.Span)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"no applied transaction {Convert.ToHexStringLower(request.TxHash.Span)} (as of height {node.Blocks.LatestHeight})"));
        var response = new GetTransactionResponse
        {
            Transaction = stored.Transaction,
            Result = stored.Result,
            BlockHeight = stored.Height,
            Position = stored.Position,
            AsOfHeight = node.Blocks.LatestHeight,
        };
        if (request.IncludeReceipt)
        {
            response.Receipt = node.BuildReceipt(Applying.CommittedTransaction.From(stored));
        }

        return response;
    }

    public override async Task<Block> GetBlock(GetBlockRequest request, ServerCallContext context)
    {
        await ReadBarrierAsync(request.Consistency, context).ConfigureAwait(false);
        if (request.Height == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "heights start at 1"));
        }

        return node.Blocks.GetBlock(request.Height)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"no block at height {request.Height}; the latest is {node.Blocks.LatestHeight}"));
    }

    public override async Task GetBlocks(GetBlocksRequest request, IServerStreamWriter<Block> responseStream, ServerCallContext context)
    {
        node.ThrowIfNotServing();
        if (request.FromHeight == 0 || request.ToHeight < request.FromHeight)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"range [{request.FromHeight}, {request.ToHeight}] is empty or starts below height 1"));
        }

        if (request.ToHeight - request.FromHeight + 1 > (ulong)runtime.BlocksPerRangeMax)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"at most {runtime.BlocksPerRangeMax} blocks per call"));
        }

        for (var height = request.FromHeight; height <= request.ToHeight; height++)
        {
            var block = node.Blocks.GetBlock(height);
            if (block is null)
            {
                return;
            }

            // Damage found meanwhile (by another read, the scan) ends the stream: nothing more is served.
            node.ThrowIfNotServing();

            await responseStream.WriteAsync(block, context.CancellationToken).ConfigureAwait(false);
        }
    }

    public override Task<GetInclusionProofResponse> GetInclusionProof(GetInclusionProofRequest request, ServerCallContext context)
    {
        node.ThrowIfNotServing();
        RequireHash(request.TxHash, "tx_hash");
        // The leaf alone: a proof never needs the transaction's body (for a batch, ~0.7 MB of detached items).
        var stored = node.Blocks.FindTransactionLeaf(request.TxHash.Span)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"no applied transaction {Convert.ToHexStringLower(request.TxHash.Span)}"));
        var leafIndex = stored.LogInclusion.LeafIndex;
        var treeSize = request.TreeSize == 0 ? node.Blocks.LogTree.CommittedSize : request.TreeSize;
        if (treeSize <= leafIndex || treeSize > node.Blocks.LogTree.CommittedSize)
        {
            throw new RpcException(new Status(StatusCode.OutOfRange, $"tree size {treeSize} must be within ({leafIndex}, {node.Blocks.LogTree.CommittedSize}]"));
        }

        // The lookup verified the leaf, and its path to the block's log root; at that size they are the answer.
        var atBlock = treeSize == stored.LogInclusion.TreeSize;
        return Task.FromResult(new GetInclusionProofResponse
        {
            Proof = atBlock ? stored.LogInclusion : node.Blocks.GetLogInclusionProof(stored.Header, stored.Position, treeSize),
            LeafHash = ByteString.CopyFrom(stored.LeafHash),
            Root = atBlock ? stored.Header.LogRoot : ByteString.CopyFrom(node.Blocks.LogTree.GetRoot(treeSize)),
        });
    }

    public override Task<ConsistencyProof> GetConsistencyProof(GetConsistencyProofRequest request, ServerCallContext context)
    {
        node.ThrowIfNotServing();
        var current = node.Blocks.LogTree.CommittedSize;
        var second = request.SecondSize == 0 ? current : request.SecondSize;
        if (request.FirstSize > second || second > current)
        {
            throw new RpcException(new Status(StatusCode.OutOfRange, $"sizes must satisfy first ({request.FirstSize}) <= second ({second}) <= current log size ({current})"));
        }

        return Task.FromResult(node.Blocks.GetLogConsistencyProof(request.FirstSize, second));
    }

    public override Task<CertifiedHeader> GetCertifiedHeader(GetCertifiedHeaderRequest request, ServerCallContext context)
    {
        node.ThrowIfNotServing();
        var certified = node.Collector.GetCertified(request.Height)
            ?? throw NotCertifiedAnswer.Create(request.Height == 0
                ? "no block is certified yet"
                : $"block {request.Height} is not certified (yet) on this node; its latest certified height is {node.Collector.CertifiedHeight}", node.Collector.CertifiedHeight);
        return Task.FromResult(certified);
    }

    public override Task<GetCheckpointResponse> GetCheckpoint(GetCheckpointRequest request, ServerCallContext context)
    {
        node.ThrowIfNotServing();
        return Task.FromResult(node.Checkpoints.Get(request.TreeSize));
    }

    public override Task<AddCosignatureResponse> AddCosignature(AddCosignatureRequest request, ServerCallContext context)
    {
        node.Cosignatures.Add(request.SignedNote);
        return Task.FromResult(new AddCosignatureResponse());
    }

    public override async Task Watch(WatchRequest request, IServerStreamWriter<Block> responseStream, ServerCallContext context)
    {
        var next = Math.Max(1, request.FromHeight);
        var token = context.CancellationToken;
        while (!token.IsCancellationRequested)
        {
            while (next <= node.Blocks.LatestHeight)
            {
                var block = node.Blocks.GetBlock(next) ?? throw new RpcException(new Status(StatusCode.Internal, $"block {next} vanished"));
                node.ThrowIfNotServing();
                await responseStream.WriteAsync(block, token).ConfigureAwait(false);
                next++;
            }

            try
            {
                await node.Notifier.WaitBeyondAsync(next - 1, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override Task<StatusResponse> Status(StatusRequest request, ServerCallContext context)
    {
        var raft = node.RaftStatus;
        var response = new StatusResponse
        {
            NodeId = node.NodeId,
            Role = raft.Role.ToString(),
            Term = raft.Term,
            LeaderId = node.LeaderNodeId() ?? "",
            CommitIndex = raft.Committed,
            AppliedIndex = node.Blocks.AppliedRaftIndex,
            Height = node.Blocks.LatestHeight,
            LogSize = node.Blocks.LogTree.CommittedSize,
            ChainId = node.Chain.ChainId,
            CertifiedHeight = node.Collector.CertifiedHeight,
            Fault = node.Driver.Fault?.Message ?? "",
            BlocksPerCallMax = (uint)runtime.BlocksPerRangeMax,
            SoftwareVersion = Configuration.NodeVersion.Software,
            StorageFormatVersion = Configuration.NodeVersion.StorageFormat,
            GenesisSha256 = Convert.ToHexStringLower(node.Chain.GenesisSha256),
        };
        (response.Recovering, response.Recovery) = node.Recovery;
        foreach (var voter in node.Directory.RaftMembership.Voters)
        {
            response.Voters.Add(node.Directory.Nodes.Find(voter)?.NodeId ?? voter.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return Task.FromResult(response);
    }

    private async Task ReadBarrierAsync(ReadConsistency consistency, ServerCallContext context)
    {
        node.ThrowIfNotServing();
        if (consistency != ReadConsistency.Linearizable)
        {
            return;
        }

        using var deadline = DeadlineToken(context);
        try
        {
            await node.Driver.ReadBarrierAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (ReadNotPossibleException e)
        {
            var detail = $"linearizable read not possible now ({e.Reason}); retry or read as of the local height";
            throw e.Reason == ProposalDropReason.NoLeader ? LeaderRedirect.NoLeader(detail) : new RpcException(new Status(StatusCode.Unavailable, detail));
        }
        catch (OperationCanceledException)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "no quorum confirmed the read before the deadline"));
        }
    }

    private CancellationTokenSource DeadlineToken(ServerCallContext context)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        if (context.Deadline == DateTime.MaxValue)
        {
            source.CancelAfter(runtime.SubmitTimeout);
        }

        return source;
    }

    private static void RequireHash(ByteString hash, string field)
    {
        if (hash.Length is 0 or > BlockHeaderEncoding.HashBytesMax)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field} must be a hash of 1..{BlockHeaderEncoding.HashBytesMax} bytes, was {hash.Length}"));
        }
    }
}

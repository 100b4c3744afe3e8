using System.Net.Http;
using System.Runtime.CompilerServices;
using Grpc.Core;
using Ledger.Core.Protocol;

namespace Ledger.Client;

/// <summary>
/// Reading long runs of blocks: <see cref="GetBlocksAsync"/> pages a range of any length within the
/// node's bounds (<see cref="BlockReadLimits"/>) and <see cref="WatchAsync"/> follows the chain's tip.
/// Both stream: a block is handed to the caller as it arrives, so the client holds one block (plus
/// what HTTP/2 flow control lets the node send ahead), whatever the length of the chain. Both resume
/// after a dropped connection or an <c>Unavailable</c> node from the next height not yet handed out,
/// at the same node or the next endpoint, so the caller sees every block once, in order.
/// </summary>
public sealed partial class LedgerClient
{
    /// <summary>Blocks asked for per GetBlocks call: the node's default until a node says it serves fewer.</summary>
    private int blocksPerCall = BlockReadLimits.BlocksPerCallDefault;

    /// <summary>Blocks one GetBlocks call asks for now (lowered when a node says its bound is lower).</summary>
    public int BlocksPerCall => Volatile.Read(ref blocksPerCall);

    /// <summary>
    /// Blocks [<paramref name="fromHeight"/>, <paramref name="toHeight"/>] in order, streamed in pages of
    /// at most <see cref="BlocksPerCall"/> blocks; ends early if the node's chain ends first. A page cut
    /// off by a dropped connection or an <c>Unavailable</c> node is asked for again from the next height
    /// not yet yielded, with backoff, at the next endpoint; after <see cref="LedgerClientOptions.AttemptsMax"/>
    /// failures in a row without a block it throws <see cref="LedgerUnavailableException"/>.
    /// </summary>
    public async IAsyncEnumerable<Block> GetBlocksAsync(ulong fromHeight, ulong toHeight, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var next = fromHeight;
        var failures = 0;
        RpcException? last = null;
        while (next <= toHeight)
        {
            var pageEnd = Math.Min(toHeight, next + (ulong)BlocksPerCall - 1);
            var received = 0UL;
            RpcException? failure = null;
            using (var call = new LedgerApi.LedgerApiClient(Channel(CurrentEndpoint)).GetBlocks(
                new GetBlocksRequest { FromHeight = next, ToHeight = pageEnd }, new CallOptions(cancellationToken: cancellation)))
            {
                while (true)
                {
                    var (block, error) = await ReadNextAsync(call.ResponseStream, cancellation).ConfigureAwait(false);
                    if (error is not null)
                    {
                        failure = error;
                        break;
                    }

                    if (block is null)
                    {
                        break;
                    }

                    RequireHeight(block, next);
                    next++;
                    received++;
                    failures = 0;
                    yield return block;
                }
            }

            if (failure is null)
            {
                if (received == 0)
                {
                    // The node's chain ends before the range does.
                    yield break;
                }

                continue;
            }

            if (failure.StatusCode == StatusCode.InvalidArgument && await TryNarrowPageAsync(pageEnd - next + 1, cancellation).ConfigureAwait(false))
            {
                continue;
            }

            if (!IsDroppedStream(failure))
            {
                throw failure;
            }

            last = failure;
            if (++failures >= options.AttemptsMax)
            {
                throw new LedgerUnavailableException($"no node served block {next} after {failures} attempts (last: {last.StatusCode} {last.Status.Detail} at {CurrentEndpoint})", last);
            }

            Redirect(failure);
            await Task.Delay(Backoff(failures), options.TimeProvider, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Every block from <paramref name="fromHeight"/> on, forever: reconnects after a dropped stream
    /// (to the next endpoint, with capped backoff) and resumes from the next height not yet yielded.
    /// </summary>
    public async IAsyncEnumerable<Block> WatchAsync(ulong fromHeight, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var next = Math.Max(fromHeight, 1);
        var failures = 0;
        while (!cancellation.IsCancellationRequested)
        {
            using (var call = new LedgerApi.LedgerApiClient(Channel(CurrentEndpoint)).Watch(new WatchRequest { FromHeight = next }, new CallOptions(cancellationToken: cancellation)))
            {
                while (true)
                {
                    var (block, error) = await ReadNextAsync(call.ResponseStream, cancellation).ConfigureAwait(false);
                    if (error is not null)
                    {
                        if (!IsDroppedStream(error))
                        {
                            throw error;
                        }

                        Redirect(error);
                        failures++;
                        break;
                    }

                    if (block is null)
                    {
                        // The node ended the stream (it is shutting down): ask again.
                        break;
                    }

                    RequireHeight(block, next);
                    next++;
                    failures = 0;
                    yield return block;
                }
            }

            await Task.Delay(Backoff(Math.Min(failures, WatchBackoffStepsMax)), options.TimeProvider, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Doublings of the backoff between Watch reconnects (then it stays at <see cref="LedgerClientOptions.BackoffMax"/>).</summary>
    private const int WatchBackoffStepsMax = 8;

    private static void RequireHeight(Block block, ulong expected)
    {
        if (block.Header?.Height != expected)
        {
            throw new ClientVerificationException($"expected block {expected}, node sent {block.Header?.Height}");
        }
    }

    /// <summary>The next message of a stream, null at its end, or the failure that cut it (a yield cannot sit in a try with a catch).</summary>
    private static async Task<(Block? Block, RpcException? Failure)> ReadNextAsync(IAsyncStreamReader<Block> stream, CancellationToken cancellation)
    {
        try
        {
            return await stream.MoveNext(cancellation).ConfigureAwait(false) ? (stream.Current, null) : (null, null);
        }
        catch (RpcException exception) when (!cancellation.IsCancellationRequested)
        {
            return (null, exception);
        }
    }

    /// <summary>
    /// A stream worth asking for again: the node is unavailable, or the connection broke under the
    /// stream (a reset or a cut connection surfaces as Internal, Unknown or Cancelled with the I/O error
    /// inside, depending on where the HTTP/2 stack noticed it).
    /// </summary>
    private static bool IsDroppedStream(RpcException exception) =>
        IsRetryable(exception.StatusCode)
        || (exception.StatusCode is StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled
            && exception.Status.DebugException is IOException or HttpRequestException or HttpProtocolException);

    /// <summary>
    /// A node refused a page as too long: learn its bound from its status (0 from an old node: halve the
    /// page) and page within it from now on. False when the page was already within what it says.
    /// </summary>
    private async Task<bool> TryNarrowPageAsync(ulong asked, CancellationToken cancellation)
    {
        if (asked <= 1)
        {
            return false;
        }

        var told = (await StatusAsync(cancellation).ConfigureAwait(false)).BlocksPerCallMax;
        var narrower = told == 0 ? asked / 2 : told;
        if (narrower >= asked)
        {
            return false;
        }

        int current;
        do
        {
            current = Volatile.Read(ref blocksPerCall);
        }
        while ((ulong)current > narrower && Interlocked.CompareExchange(ref blocksPerCall, (int)narrower, current) != current);

        return true;
    }
}

using Ledger.Client;
using Ledger.Core.Consortium;

namespace Ledger.Chaos.Workload;

/// <summary>
/// SDK clients of one workload client: one <see cref="LedgerClient"/> per node, pinned to it (a single
/// endpoint, one attempt per call), so the workload itself decides where each attempt goes and records
/// which node answered. Channels (and their HTTP/2 connections) are per workload client, as separate
/// client processes would have them.
/// </summary>
internal sealed class WorkloadConnections : IAsyncDisposable
{
    private readonly LedgerClient[] clients;

    /// <param name="callDeadline">Deadline of one unary call (reads); streams are bounded by the caller.</param>
    public WorkloadConnections(WorkloadOptions options, TimeSpan callDeadline)
    {
        clients = new LedgerClient[options.Nodes.Count];
        for (var i = 0; i < clients.Length; i++)
        {
            clients[i] = new LedgerClient(new LedgerClientOptions
            {
                Endpoints = [options.Nodes[i].PublicEndpoint],
                TlsCaPem = options.TlsCaPem,
                // Receipts are checked by the workload itself (ReceiptVerifier), per item as they arrive.
                VerifyResponses = false,
                AttemptsMax = 1,
                // One attempt means one: the workload retries itself and records every attempt, so the
                // SDK must not wait out an election on a "no leader" answer either.
                LeaderWaitMax = TimeSpan.Zero,
                AttemptDeadline = callDeadline,
                TimeProvider = options.TimeProvider,
            });
        }
    }

    public int Count => clients.Length;

    public LedgerClient this[int node] => clients[node];

    /// <summary>A client over every node with the SDK's own failover and retries, checking against the genesis (evidence export).</summary>
    public static LedgerClient Verifying(WorkloadOptions options, ConsortiumGenesis genesis)
    {
        var endpoints = new Uri[options.Nodes.Count];
        for (var i = 0; i < endpoints.Length; i++)
        {
            endpoints[i] = options.Nodes[i].PublicEndpoint;
        }

        return new LedgerClient(new LedgerClientOptions
        {
            Endpoints = endpoints,
            Genesis = genesis,
            TlsCaPem = options.TlsCaPem,
            AttemptDeadline = options.AttemptTimeout,
            TimeProvider = options.TimeProvider,
        });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }
}

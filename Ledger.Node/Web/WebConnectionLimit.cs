using Microsoft.AspNetCore.Connections;

namespace Ledger.Node.Web;

/// <summary>
/// Caps the web listener's open connections at <see cref="WebLimits.ConnectionsMax"/> on its own
/// (Kestrel's connection bound is server-wide and shared with the gRPC listeners): one over the cap is
/// closed at once, before any byte is read.
/// </summary>
public sealed class WebConnectionLimit(int connectionsMax)
{
    private int open;

    public int Open => Volatile.Read(ref open);

    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        if (Interlocked.Increment(ref open) > connectionsMax)
        {
            Interlocked.Decrement(ref open);
            connection.Abort(new ConnectionAbortedException($"the web listener has {connectionsMax} connections open"));
            return;
        }

        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref open);
        }
    };
}

using System.Globalization;
using Grpc.Core;

namespace Ledger.Core.Protocol;

/// <summary>
/// What a node answers when it cannot give a certified header for the height asked (it has not applied
/// that block, or holds no quorum of attestations for it yet): <see cref="StatusCode.FailedPrecondition"/>
/// with a <see cref="TrailerKey"/> trailer naming the node's latest certified height. Another node may
/// well hold the certification (a node that was down learns it later), so a client given several
/// endpoints asks the next one; a client recognises the answer by status and trailer, never by its text.
/// The node writes it and the client reads it, so the rule has this one home.
/// </summary>
public static class NotCertifiedAnswer
{
    /// <summary>The status: the block may exist, but this node's state does not certify it (yet).</summary>
    public const StatusCode Code = StatusCode.FailedPrecondition;

    /// <summary>Response trailer carrying the answering node's latest certified height (decimal).</summary>
    public const string TrailerKey = "ledger-certified-height";

    public static RpcException Create(string detail, ulong certifiedHeight) =>
        new(new Status(Code, detail), new Metadata { { TrailerKey, certifiedHeight.ToString(CultureInfo.InvariantCulture) } });

    /// <summary>True when <paramref name="exception"/> is a node's "not certified (yet)" answer.</summary>
    public static bool Is(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.StatusCode == Code && exception.Trailers.Get(TrailerKey) is not null;
    }
}

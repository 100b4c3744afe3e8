namespace Ledger.Core.Evidence.Export;

/// <summary>
/// The ledger's answers do not fit together into a bundle (a missing header, governance changes that
/// do not replay, a batch stored without its items, a rejection naming a registration it cannot
/// find). Said in words for a person; the client reports it as a verification failure, the node as
/// an internal error of its own state.
/// </summary>
public sealed class EvidenceExportException : Exception
{
    public EvidenceExportException(string message)
        : base(message)
    {
    }

    public EvidenceExportException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

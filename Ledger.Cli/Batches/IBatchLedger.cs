using Ledger.Core.Protocol;

namespace Ledger.Cli.Batches;

/// <summary>What batch-register needs of the ledger: look a transaction up by hash, submit one.</summary>
public interface IBatchLedger
{
    /// <summary>Where the ledger applied <paramref name="txHash"/>, or null when it has not (a linearizable answer).</summary>
    Task<BatchCommit?> FindAsync(byte[] txHash, CancellationToken cancellation);

    /// <summary>Submits <paramref name="transaction"/> and waits until it is applied.</summary>
    Task<BatchCommit> SubmitAsync(SignedTransaction transaction, CancellationToken cancellation);
}

/// <summary>An applied batch transaction: its block and recorded result.</summary>
public sealed record BatchCommit(ulong BlockHeight, ResultCode Code, string Reason, bool Verified);

using Ledger.Chaos.History;
using Ledger.Core.Protocol;

namespace Ledger.Chaos.Workload;

/// <summary>
/// One registration between its invocation and its completion: the signed transaction every attempt
/// resends unchanged (same nonce, same hash), and what the attempts so far have established. Touched by
/// one batch at a time: an attempt's answers are read before the next attempt starts.
/// </summary>
internal sealed class PendingRegistration(Operation invoked, SignedTransaction transaction, byte[] transactionHash)
{
    public Operation Invoked { get; } = invoked;

    public SignedTransaction Transaction { get; } = transaction;

    public byte[] TransactionHash { get; } = transactionHash;

    /// <summary>Some attempt may have left it in a log: unless a later attempt gets its receipt, its outcome is Unknown.</summary>
    public bool Indeterminate { get; set; }

    /// <summary>Completed (recorded); later answers are ignored.</summary>
    public bool Done { get; set; }

    /// <summary>Answered in the current attempt (reset before each).</summary>
    public bool AnsweredThisAttempt { get; set; }

    /// <summary>Handed to the stream in the current attempt (reset before each).</summary>
    public bool SentThisAttempt { get; set; }

    public string? LastError { get; set; }
}

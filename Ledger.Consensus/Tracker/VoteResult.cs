namespace Ledger.Consensus;

internal enum VoteResult
{
    Pending,
    Won,
    Lost,
}

namespace Ledger.Consensus;

public enum SnapshotStatus : byte
{
    Finished = 0,
    Failure = 1,
}

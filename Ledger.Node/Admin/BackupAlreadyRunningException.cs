namespace Ledger.Node.Admin;

/// <summary>A backup was asked for while another one of the same node was still being written.</summary>
public sealed class BackupAlreadyRunningException() : InvalidOperationException("a backup of this node is already running; wait for it to finish");

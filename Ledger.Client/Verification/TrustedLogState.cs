namespace Ledger.Client.Verification;

/// <summary>The newest log state the client has verified: a size and the root of that many leaves.</summary>
public sealed record TrustedLogState(ulong Height, ulong LogSize, byte[] LogRoot);

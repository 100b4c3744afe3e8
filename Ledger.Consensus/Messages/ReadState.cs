namespace Ledger.Consensus;

/// <summary>
/// Answer to a <c>ReadIndex</c> request: once the host has applied up to <see cref="Index"/>, a read
/// issued with <see cref="RequestContext"/> is linearizable (dissertation §6.4).
/// </summary>
public readonly record struct ReadState(ulong Index, ReadOnlyMemory<byte> RequestContext);

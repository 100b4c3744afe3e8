namespace Ledger.Node.Services;

/// <summary>The handful of limits the gRPC services apply per call.</summary>
public sealed record NodeRuntimeOptions(TimeSpan SubmitTimeout, int BlocksPerRangeMax);

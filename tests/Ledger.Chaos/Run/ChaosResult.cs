using Ledger.Chaos.Checking;

namespace Ledger.Chaos.Run;

/// <summary>How a run ended: the exit code, the closing line and the checker's verdict.</summary>
public sealed record ChaosResult(int ExitCode, ClosingLine? Closing, CheckVerdict? Verdict, IReadOnlyList<string> Violations, string? RunDirectory)
{
    public const int ExitPassed = 0;
    public const int ExitViolation = 1;
}

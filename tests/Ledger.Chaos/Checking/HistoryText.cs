using System.Diagnostics;
using System.Globalization;
using Ledger.Chaos.History;

namespace Ledger.Chaos.Checking;

/// <summary>One operation as a line of a report, its times in milliseconds since the run's first invocation.</summary>
public static class HistoryText
{
    public static string Format(Operation operation, long startTimestamp)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var invoked = Milliseconds(operation.InvokedAt - startTimestamp);
        var completed = operation.CompletedAt is { } at ? Milliseconds(at - startTimestamp) : "never";
        var value = operation.Kind switch
        {
            OperationKind.Register => $"tx={Short(operation.TransactionHash)}",
            OperationKind.ReadLinearizable or OperationKind.ReadLocal => operation.Outcome == OutcomeKind.Ok ? $"-> {Short(operation.TransactionHash) ?? "absent"}" : "",
            _ => operation.EvidencePath is { } path ? $"bundle={path}" : "",
        };
        var receipt = operation.BlockHeight is { } height ? $" at {height}/{operation.Position?.ToString(CultureInfo.InvariantCulture) ?? "?"}" : "";
        var duplicate = operation.ReferenceTransactionHash is { } of ? $" reference={Short(of)}" : "";
        var error = operation.Error is { } e ? $" ({e})" : "";
        return $"#{operation.Id} client {operation.ClientId} via {operation.NodeId}: {operation.Kind} work={Short(operation.WorkKey)} {value} [{invoked} .. {completed} ms] {operation.Outcome}{receipt}{duplicate}{error}";
    }

    /// <summary>The first 16 hex digits: enough to tell values apart in a report.</summary>
    public static string? Short(string? hex) => hex is null ? null : hex.Length <= 16 ? hex : hex[..16];

    private static string Milliseconds(long ticks) =>
        (ticks * 1000.0 / Stopwatch.Frequency).ToString("F1", CultureInfo.InvariantCulture);
}

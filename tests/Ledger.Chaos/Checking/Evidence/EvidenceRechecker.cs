using System.Collections.Concurrent;
using System.Security.Cryptography;
using Ledger.Chaos.History;
using Ledger.Core.Evidence;

namespace Ledger.Chaos.Checking.Evidence;

/// <summary>
/// Every evidence bundle exported during the run must still verify VALID against the consortium's
/// genesis, offline, as a court would check it (<see cref="EvidenceVerifier"/> anchored by the
/// genesis document's SHA-256): faults must not have made the ledger hand out evidence it cannot back.
/// </summary>
public static class EvidenceRechecker
{
    public static EvidenceRecheckReport Check(IReadOnlyList<Operation> history, ReadOnlySpan<byte> genesisDocument, string runDirectory)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(runDirectory);
        var options = new EvidenceVerificationOptions { TrustedGenesisSha256 = SHA256.HashData(genesisDocument) };
        var exports = history.Where(o => o.Kind == OperationKind.ExportEvidence && o.Outcome == OutcomeKind.Ok && o.EvidencePath is not null).ToList();
        var failures = new ConcurrentBag<(Operation Operation, string Reason)>();
        Parallel.ForEach(exports, operation =>
        {
            if (Verify(Path.Combine(runDirectory, operation.EvidencePath!), options) is { } reason)
            {
                failures.Add((operation, reason));
            }
        });

        var violations = new ViolationList();
        foreach (var (operation, reason) in failures.OrderBy(f => f.Operation.Id))
        {
            violations.Add(new Violation(ViolationKind.EvidenceFailed, $"evidence bundle {operation.EvidencePath} for work {operation.WorkKey}: {reason}")
            {
                WorkKey = operation.WorkKey,
                Slice = [operation],
            });
        }

        return new EvidenceRecheckReport { Checked = exports.Count, Failures = failures.Count, Violations = violations.ToList() };
    }

    /// <summary>Null when the bundle verifies VALID; otherwise why not.</summary>
    public static string? Verify(string path, EvidenceVerificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var length = new FileInfo(path).Length;
            if (length > EvidenceBundleJson.DocumentBytesMax)
            {
                return $"file is {length} bytes, more than a bundle may be ({EvidenceBundleJson.DocumentBytesMax})";
            }

            var report = EvidenceVerifier.Verify(EvidenceBundleJson.Parse(File.ReadAllBytes(path)), options);
            return report.Verdict == EvidenceVerdict.Valid
                ? null
                : $"verdict {report.Verdict.ToString().ToUpperInvariant()}{(report.FirstFailure is { } failure ? $" ({failure.Name}: {failure.Detail})" : "")}";
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or EvidenceFormatException or FormatException)
        {
            return $"{exception.GetType().Name}: {exception.Message}";
        }
    }
}

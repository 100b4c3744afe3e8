using System.Text.Json.Nodes;

namespace Ledger.Browser.Tests.Matrix;

/// <summary>
/// How another verifier's outcome must match the C# one: the same malformed-ness; then the same verdict,
/// the same checks (name and status, in order) and so the same first failing check; and when no check
/// failed, the very same report JSON and text (failure details may be worded by each verifier's own
/// library errors, so they are compared only through the check's status).
/// </summary>
public static class OutcomeComparison
{
    /// <summary>The differences, one sentence each; empty when the outcomes agree.</summary>
    public static IReadOnlyList<string> Differences(ExpectedOutcome expected, JsonNode? actual)
    {
        var differences = new List<string>();
        if (actual is null)
        {
            return ["no outcome"];
        }

        if (actual["thrown"] is { } thrown)
        {
            return [$"verifier threw: {thrown}"];
        }

        if (actual["error"] is { } error)
        {
            return [$"verifier reported an internal error: {error}"];
        }

        var actualMalformed = actual["malformed"]?.GetValue<string>();
        if ((expected.Malformed is null) != (actualMalformed is null))
        {
            return [$"malformed: expected {expected.Malformed ?? "(no)"}, got {actualMalformed ?? "(no)"}"];
        }

        if (expected.ReportJson is null)
        {
            return differences;
        }

        if (actual["report"] is not JsonObject report)
        {
            return ["no report"];
        }

        var verdict = report["verdict"]?.ToString();
        var expectedVerdict = expected.ReportJson["verdict"]!.ToString();
        if (verdict != expectedVerdict)
        {
            differences.Add($"verdict: expected {expectedVerdict}, got {verdict}");
        }

        var expectedChecks = Checks(expected.ReportJson);
        var checks = Checks(report);
        var expectedFirstFailure = expectedChecks.FirstOrDefault(c => c.Status == "failed").Name;
        var firstFailure = checks.FirstOrDefault(c => c.Status == "failed").Name;
        if (expectedFirstFailure != firstFailure)
        {
            differences.Add($"first failing check: expected {expectedFirstFailure ?? "(none)"}, got {firstFailure ?? "(none)"}");
        }

        if (!expectedChecks.SequenceEqual(checks))
        {
            differences.Add($"checks: expected [{Describe(expectedChecks)}], got [{Describe(checks)}]");
        }

        if (expectedFirstFailure is null)
        {
            if (!JsonNode.DeepEquals(expected.ReportJson, report))
            {
                differences.Add($"report json: expected {expected.ReportJson.ToJsonString()}, got {report.ToJsonString()}");
            }

            var text = actual["text"]?.GetValue<string>();
            if (text != expected.Text)
            {
                differences.Add($"text: expected\n{expected.Text}\ngot\n{text}");
            }
        }

        return differences;
    }

    private static List<(string? Name, string? Status)> Checks(JsonObject report) =>
        report["checks"] is JsonArray checks ? [.. checks.Select(c => (c?["name"]?.ToString(), c?["status"]?.ToString()))] : [];

    private static string Describe(List<(string? Name, string? Status)> checks) => string.Join(", ", checks.Select(c => $"{c.Name}: {c.Status}"));
}

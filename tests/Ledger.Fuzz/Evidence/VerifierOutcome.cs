using System.Text;

namespace Ledger.Fuzz.Evidence;

/// <summary>
/// What one verifier concluded about a case, in the terms both share: malformed (the CLI's exit 6),
/// or the verdict as the CLI's JSON names it and each check's name and status (lower case, as
/// <c>--output json</c> prints them), plus the exact text report. <see cref="Error"/> is set when the
/// verifier threw where it must not (a broken invariant: always a finding).
/// </summary>
public sealed record VerifierOutcome(bool Malformed, string? MalformedMessage, string? Verdict, IReadOnlyList<(string Name, string Status)> Checks, string? Text, string? Error)
{
    public const string FailedStatus = "failed";

    public bool AnyCheckFailed => Checks.Any(check => check.Status == FailedStatus);

    /// <summary>"malformed", "error", or the verdict: the bucket the run's closing line counts.</summary>
    public string Outcome => Error is not null ? "error" : Malformed ? "malformed" : Verdict ?? "?";

    public static VerifierOutcome Failure(string error) => new(false, null, null, [], null, error);

    public string Describe()
    {
        if (Error is not null)
        {
            return $"error: {Error}";
        }

        if (Malformed)
        {
            return $"malformed: {MalformedMessage}";
        }

        var text = new StringBuilder(Verdict);
        foreach (var (name, status) in Checks)
        {
            text.Append(Environment.NewLine).Append("    ").Append(status).Append(": ").Append(name);
        }

        return text.ToString();
    }
}

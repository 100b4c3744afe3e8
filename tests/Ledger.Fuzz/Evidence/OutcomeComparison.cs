namespace Ledger.Fuzz.Evidence;

/// <summary>
/// Issue #17 item 5: the two verifiers must agree on malformed-ness, on the verdict and on every
/// check's name and status; when no check failed, the text reports must be identical too (a failed
/// check's detail may quote an exception message, which is language-specific).
/// </summary>
public static class OutcomeComparison
{
    /// <returns>null when they agree, else what differs first.</returns>
    public static string? Difference(VerifierOutcome csharp, VerifierOutcome js)
    {
        ArgumentNullException.ThrowIfNull(csharp);
        ArgumentNullException.ThrowIfNull(js);
        if (csharp.Error is not null || js.Error is not null)
        {
            return $"a verifier threw (C#: {csharp.Error ?? "no"}; JS: {js.Error ?? "no"})";
        }

        if (csharp.Malformed != js.Malformed)
        {
            return $"malformed: C# {csharp.Malformed}, JS {js.Malformed}";
        }

        if (csharp.Malformed)
        {
            return null;
        }

        if (csharp.Verdict != js.Verdict)
        {
            return $"verdict: C# {csharp.Verdict}, JS {js.Verdict}";
        }

        if (csharp.Checks.Count != js.Checks.Count)
        {
            return $"check count: C# {csharp.Checks.Count}, JS {js.Checks.Count}";
        }

        for (var i = 0; i < csharp.Checks.Count; i++)
        {
            if (csharp.Checks[i] != js.Checks[i])
            {
                return $"check {i}: C# {csharp.Checks[i].Status} '{csharp.Checks[i].Name}', JS {js.Checks[i].Status} '{js.Checks[i].Name}'";
            }
        }

        if (!csharp.AnyCheckFailed && csharp.Text != js.Text)
        {
            return $"text report differs at character {FirstDifference(csharp.Text ?? "", js.Text ?? "")}";
        }

        return null;
    }

    private static int FirstDifference(string a, string b)
    {
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            if (a[i] != b[i])
            {
                return i;
            }
        }

        return length;
    }
}

namespace Ledger.Node.Health;

/// <summary>One answer of a health question: healthy, or the reasons it is not (in the order they were checked).</summary>
public sealed record HealthReport(IReadOnlyList<string> Problems)
{
    /// <summary>Bytes of text a probe gets at most: reasons quote fault messages, which are not bounded by themselves.</summary>
    public const int TextCharsMax = 2_048;

    public static readonly HealthReport Healthy = new([]);

    public bool IsHealthy => Problems.Count == 0;

    /// <summary>"ok", or the problems joined by "; ", cut to <see cref="TextCharsMax"/> characters.</summary>
    public string Describe()
    {
        if (IsHealthy)
        {
            return "ok";
        }

        var text = string.Join("; ", Problems);
        return text.Length <= TextCharsMax ? text : string.Concat(text.AsSpan(0, TextCharsMax - 3), "...");
    }
}

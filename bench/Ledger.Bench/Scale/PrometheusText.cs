using System.Globalization;

namespace Ledger.Bench.Scale;

/// <summary>
/// The samples of one Prometheus text exposition, by series (<c>name</c> or <c>name{labels}</c> as
/// written). Tolerant: unparsable lines are skipped and a missing metric is null, so the bench runs
/// against a node that does not expose it yet.
/// </summary>
internal sealed class PrometheusText
{
    private readonly Dictionary<string, double> samples;

    private PrometheusText(Dictionary<string, double> samples) => this.samples = samples;

    public static PrometheusText Empty { get; } = new(new Dictionary<string, double>(StringComparer.Ordinal));

    public static PrometheusText Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            // The value follows the series; label values may hold spaces, so split after the closing brace.
            var braceEnd = line.LastIndexOf('}');
            var space = line.IndexOf(' ', braceEnd < 0 ? 0 : braceEnd);
            if (space < 0)
            {
                continue;
            }

            var valueText = line[(space + 1)..].Trim().Split(' ')[0];
            if (double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                samples[line[..space]] = value;
            }
        }

        return new PrometheusText(samples);
    }

    /// <summary>The unlabelled sample <paramref name="name"/>, or null.</summary>
    public double? Value(string name) => samples.TryGetValue(name, out var value) ? value : null;

    /// <summary>Every sample of <paramref name="name"/> with its labels, e.g. <c>{cf="blocks",kind="sst"}</c>.</summary>
    public IEnumerable<(IReadOnlyDictionary<string, string> Labels, double Value)> Series(string name)
    {
        var prefix = name + "{";
        foreach (var (series, value) in samples)
        {
            if (series.StartsWith(prefix, StringComparison.Ordinal) && series.EndsWith('}'))
            {
                yield return (ParseLabels(series[prefix.Length..^1]), value);
            }
        }
    }

    private static Dictionary<string, string> ParseLabels(string text)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var at = 0;
        while (at < text.Length)
        {
            var equals = text.IndexOf('=', at);
            if (equals < 0 || equals + 1 >= text.Length || text[equals + 1] != '"')
            {
                break;
            }

            var end = equals + 2;
            var value = new System.Text.StringBuilder();
            while (end < text.Length && text[end] != '"')
            {
                if (text[end] == '\\' && end + 1 < text.Length)
                {
                    end++;
                }

                value.Append(text[end]);
                end++;
            }

            labels[text[at..equals].Trim()] = value.ToString();
            at = end + 1;
            if (at < text.Length && text[at] == ',')
            {
                at++;
            }
        }

        return labels;
    }
}

using System.Globalization;

namespace Ledger.Bench;

/// <summary>
/// How many transaction signatures the nodes verified, from each node's
/// <c>ledger_signature_checks_total{where="door|preverify|apply"}</c> counter, summed over the nodes:
/// read before and after a phase, it gives the checks that phase cost the cluster (every node checks
/// every transaction: the leader at its door, followers ahead of apply or inline).
/// </summary>
public sealed class SignatureCheckScrape
{
    private const string Counter = "ledger_signature_checks_total";

    private SignatureCheckScrape(Dictionary<string, double> byPlace) => ByPlace = byPlace;

    /// <summary>Checks so far by place (door, preverify, apply), all nodes together.</summary>
    public IReadOnlyDictionary<string, double> ByPlace { get; }

    public double Total => ByPlace.Values.Sum();

    /// <summary>Scrapes every node; null (and a note on stderr) when any cannot be read.</summary>
    public static async Task<SignatureCheckScrape?> ReadAsync(HttpClient http, IReadOnlyList<string>? urls)
    {
        if (urls is null || urls.Count == 0)
        {
            return null;
        }

        var byPlace = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var url in urls)
        {
            string text;
            try
            {
                text = await http.GetStringAsync(new Uri(new Uri(url), "/metrics")).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Console.Error.WriteLine($"signature counters at {url} unreadable: {e.Message}");
                return null;
            }

            foreach (var raw in text.Split('\n'))
            {
                var line = raw.Trim();
                if (!line.StartsWith(Counter + "{", StringComparison.Ordinal))
                {
                    continue;
                }

                var start = line.IndexOf("where=\"", StringComparison.Ordinal);
                var space = line.LastIndexOf(' ');
                if (start < 0 || space < 0 || !double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    continue;
                }

                start += "where=\"".Length;
                var place = line[start..line.IndexOf('"', start)];
                byPlace[place] = byPlace.GetValueOrDefault(place) + value;
            }
        }

        return new SignatureCheckScrape(byPlace);
    }

    /// <summary>Checks between <paramref name="earlier"/> and this scrape, by place.</summary>
    public IReadOnlyDictionary<string, double> Minus(SignatureCheckScrape earlier) =>
        ByPlace.ToDictionary(p => p.Key, p => p.Value - earlier.ByPlace.GetValueOrDefault(p.Key), StringComparer.Ordinal);
}

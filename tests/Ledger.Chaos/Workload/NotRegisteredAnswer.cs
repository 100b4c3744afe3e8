using System.Globalization;
using System.Text.RegularExpressions;

namespace Ledger.Chaos.Workload;

/// <summary>
/// A content-hash lookup's NotFound answer names the height the node read at only in its detail
/// (RegistryQueryService: "no work registered with sha256 … (as of height N)").
/// </summary>
public static partial class NotRegisteredAnswer
{
    /// <summary>The height the detail names; null if it names none.</summary>
    public static ulong? AsOfHeightIn(string? detail)
    {
        var match = AsOfHeightPattern().Match(detail ?? "");
        return match.Success && ulong.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var height) ? height : null;
    }

    [GeneratedRegex(@"\(as of height (\d{1,20})\)")]
    private static partial Regex AsOfHeightPattern();
}

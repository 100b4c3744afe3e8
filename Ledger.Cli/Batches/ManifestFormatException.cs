using System.Globalization;
using System.Text;

namespace Ledger.Cli.Batches;

/// <summary>A manifest line or file that cannot be an item; <see cref="Location"/> is <c>file:line</c> (CSV) or the file's path (directory).</summary>
/// <remarks>
/// The message is one printable line: control and format characters of a file name (a line end, an escape
/// sequence, a right-to-left override) are shown as <c>\uXXXX</c>, so a name cannot break or disguise the error.
/// <see cref="Location"/> keeps the name as it is.
/// </remarks>
public sealed class ManifestFormatException : Exception
{
    public ManifestFormatException(string location, string problem)
        : base(Printable($"{location}: {problem}"))
    {
        Location = location;
    }

    public string Location { get; }

    private static string Printable(string text)
    {
        var printable = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format)
            {
                printable.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                printable.Append(c);
            }
        }

        return printable.ToString();
    }
}

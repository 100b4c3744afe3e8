namespace Ledger.Cli.Batches;

/// <summary>A manifest line or file that cannot be an item; <see cref="Location"/> is <c>file:line</c> (CSV) or the file's path (directory).</summary>
public sealed class ManifestFormatException : Exception
{
    public ManifestFormatException(string location, string problem)
        : base($"{location}: {problem}")
    {
        Location = location;
    }

    public string Location { get; }
}

namespace Ledger.Client.Batches;

/// <summary>
/// A batch manifest (the JSON lines <see cref="BatchRegistration.WriteManifest"/> writes) that cannot be
/// read: a line past its bound, a line that is not the JSON it should be, a count that disagrees with the
/// header, or an item index it does not hold. <see cref="LineNumber"/> names the line (1 is the header;
/// 0 when the problem is not one line's), <see cref="Problem"/> says what is wrong with it.
/// </summary>
public sealed class BatchManifestException : FormatException
{
    /// <summary>A manifest problem at <paramref name="lineNumber"/> (0: not one line's).</summary>
    public BatchManifestException(long lineNumber, string problem)
        : base(lineNumber > 0 ? $"line {lineNumber}: {problem}" : problem)
    {
        LineNumber = lineNumber;
        Problem = problem;
    }

    /// <summary>The 1-based line the problem is on (1 is the header), or 0 when it is not one line's.</summary>
    public long LineNumber { get; }

    /// <summary>What is wrong, without the line number.</summary>
    public string Problem { get; }
}

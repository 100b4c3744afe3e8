using Ledger.Core.Protocol;

namespace Ledger.Cli.Batches;

/// <summary>
/// Reads a manifest batch by batch, in one deterministic order, holding at most the batch being read.
/// <see cref="SourceDigestHex"/> identifies everything read so far, so a resumed run can prove it
/// skips exactly the items an earlier run anchored (see <see cref="BatchJournal"/>).
/// </summary>
public interface IManifestReader : IDisposable
{
    /// <summary>"csv" or "directory": part of a run's identity.</summary>
    string Kind { get; }

    /// <summary>Progress units in the whole input (CSV: bytes), or 0 when unknown (a directory).</summary>
    long TotalUnits { get; }

    /// <summary>Progress units read so far.</summary>
    long UnitsRead { get; }

    /// <summary>
    /// Appends up to <paramref name="count"/> items to <paramref name="into"/> and returns how many
    /// (0 at the end). With <paramref name="skip"/> the items are only counted and digested, not built
    /// (a directory's files are not hashed).
    /// </summary>
    /// <exception cref="ManifestFormatException">A line or file is not an item.</exception>
    int ReadBatch(List<BatchItem> into, int count, bool skip);

    /// <summary>SHA-256 over what identifies the items read so far (CSV: their lines; directory: their relative paths).</summary>
    string SourceDigestHex();
}

using Ledger.Storage.Errors;

namespace Ledger.Storage.Integrity;

/// <summary>What a chain walk found wrong at one height, and why.</summary>
public sealed record IntegrityFinding(ulong Height, IntegrityFailure Failure, string Reason)
{
    /// <summary>The finding as the error a failed block read throws, so it takes the same damage path.</summary>
    public StorageCorruptionException ToException(string foundBy) =>
        new($"{foundBy} found block {Height} damaged ({Failure}): {Reason}", Height);

    public override string ToString() => $"height {Height} ({Failure}): {Reason}";
}

using Ledger.Storage.Errors;

namespace Ledger.Storage.Integrity;

/// <summary>What one slice of an <see cref="IntegrityScanPass"/> did.</summary>
/// <param name="BlocksVerified">Blocks the chain walk verified in this slice.</param>
/// <param name="BytesRead">Bytes read in this slice (block records, then swept table records).</param>
/// <param name="Damage">What it found, as the error a failed read throws (null: nothing); the pass stops there.</param>
public sealed record IntegrityScanSlice(int BlocksVerified, long BytesRead, StorageCorruptionException? Damage);

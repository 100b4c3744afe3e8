namespace Ledger.Registry.State;

/// <summary>Which file hash a content-hash index entry is keyed by.</summary>
public enum ContentHashAlgorithm : byte
{
    Sha256 = 1,
    Sm3 = 2,
}

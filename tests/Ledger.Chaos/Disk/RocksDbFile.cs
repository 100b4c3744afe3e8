namespace Ledger.Chaos.Disk;

/// <summary>One file of a RocksDB directory: its path relative to that directory (so a fault replays in another copy), its kind and length.</summary>
public sealed record RocksDbFile(string RelativePath, RocksDbFileKind Kind, long LengthBytes);

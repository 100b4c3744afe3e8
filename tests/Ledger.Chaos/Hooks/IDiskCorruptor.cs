namespace Ledger.Chaos.Hooks;

/// <summary>What a disk fault did to a stopped node's files.</summary>
public sealed record DiskDamage(int Corruptions, string Description);

/// <summary>Damages a stopped node's data directory (byte flips, a cut WAL tail); the diskfaults work provides it.</summary>
public interface IDiskCorruptor
{
    DiskDamage Corrupt(string dataDirectory, Random random);
}

/// <summary>Until a corruptor is plugged in: touches nothing, says so.</summary>
public sealed class NoDiskCorruptor : IDiskCorruptor
{
    public DiskDamage Corrupt(string dataDirectory, Random random) => new(0, "no disk corruptor plugged in: files left intact");
}

namespace Ledger.Chaos.Hooks;

/// <summary>What a disk fault did to a stopped node's files.</summary>
public sealed record DiskDamage(int Corruptions, string Description);

/// <summary>Damages a stopped node's data directory (byte flips, a cut WAL tail); the diskfaults work provides it.</summary>
public interface IDiskCorruptor
{
    DiskDamage Corrupt(string dataDirectory, Random random);
}

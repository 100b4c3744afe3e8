using Ledger.Chaos.Disk;

namespace Ledger.Chaos.Hooks;

/// <summary>The disk faults' <see cref="StoppedNodeDiskFaults"/>: a byte flip over SST/blob/WAL/MANIFEST, sometimes a cut WAL tail.</summary>
public sealed class StoppedNodeCorruptor : IDiskCorruptor
{
    public DiskDamage Corrupt(string dataDirectory, Random random)
    {
        var corruptions = StoppedNodeDiskFaults.Corrupt(dataDirectory, random);
        return new DiskDamage(corruptions.Count, string.Join("; ", corruptions));
    }
}

namespace Ledger.Consensus.Tests.Internals;

/// <summary>
/// The in-memory log against a plain list, with 4-entry blocks so every block transition (full block, tail
/// moved to a fresh block, truncation, release, recycling) happens constantly: a window must read its entries
/// for as long as the Ready contract promises, and afterwards either the same entries or a stale-window error.
/// </summary>
public sealed class UnstableLogBlockTests
{
    private const int BlockSlots = 4;
    private const int Steps = 3000;

    [Test]
    public void AppliedEntriesReleasedOneByOne_AreNotKeptAliveByTheirBlock_BeyondTheReleasedBytesBound()
    {
        // A single node applying 10,000-item batches (~0.6 MB entries) kept up to 8,192 applied entries alive per
        // block, gigabytes, and died of OutOfMemory under a 2 GiB heap limit at ~35M items (issue #18).
        var log = new UnstableLog(1);
        var data = new byte[256 * 1024];
        const int entries = 2_000;
        long peak = 0;
        for (ulong index = 1; index <= entries; index++)
        {
            log.AppendOne(new Entry(1, index, EntryType.Normal, data));
            log.OnReadyHandedOut();
            log.StableTo(index, 1);
            log.ReleaseTo(index);
            log.OnReadyAdvanced();
            peak = Math.Max(peak, log.ReferencedBytes);
        }

        var entryBytes = new Entry(1, 1, EntryType.Normal, data).SizeBytes;
        Assert.That(peak, Is.LessThanOrEqualTo(UnstableLog.ReleasedBytesPerChunkMax + (2L * entryBytes)), $"{entries} entries of {entryBytes} bytes went through the log");
        Assert.That(peak, Is.GreaterThanOrEqualTo(UnstableLog.ReleasedBytesPerChunkMax), "precondition: the bound was reached, not avoided");
    }

    [Test]
    public void EntriesHeldUntilApplied_StayReadable_WhileNewBlocksTakeNewEntries()
    {
        // The bound moves writing to a fresh block; entries persisted but not yet applied stay where they are.
        var log = new UnstableLog(1);
        var data = new byte[1024 * 1024];
        const ulong entries = 100;
        for (ulong index = 1; index <= entries; index++)
        {
            log.AppendOne(new Entry(1, index, EntryType.Normal, data));
            log.StableTo(index, 1);
            if (index > 10)
            {
                log.ReleaseTo(index - 10);
            }

            log.OnReadyHandedOut();
            log.OnReadyAdvanced();
        }

        Assert.That(log.HeldFirst, Is.EqualTo(entries - 9));
        var window = log.Window(log.HeldFirst, entries + 1, long.MaxValue, int.MaxValue);
        var read = new List<ulong>();
        var low = log.HeldFirst;
        while (low <= entries)
        {
            window = log.Window(low, entries + 1, long.MaxValue, int.MaxValue);
            for (var i = 0; i < window.Length; i++)
            {
                read.Add(window[i].Index);
            }

            low += (ulong)window.Length;
        }

        Assert.That(read, Is.EqualTo(Enumerable.Range((int)(entries - 9), 10).Select(i => (ulong)i)));
        Assert.That(log.ReferencedBytes, Is.LessThanOrEqualTo(UnstableLog.ReleasedBytesPerChunkMax + (12L * (data.Length + 64))));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(5)]
    public void RandomOperations_WindowsMatchTheModel_UntilTheirReadyIsAdvanced(int seed)
    {
        var random = new Random(seed);
        var log = new UnstableLog(1, BlockSlots);
        var model = new List<Entry> { new(0, 0, EntryType.Normal, ReadOnlyMemory<byte>.Empty) };
        ulong offset = 1;
        ulong held = 1;
        ulong term = 1;
        var handouts = 0;
        var advances = 0;
        var outstanding = false;
        var windows = new List<(EntrySlice Window, Entry[] Expected, int ValidUntilAdvance)>();

        for (var step = 0; step < Steps; step++)
        {
            var next = (ulong)model.Count;
            switch (random.Next(8))
            {
                case 0:
                case 1:
                    var count = random.Next(1, 7);
                    for (var i = 0; i < count; i++)
                    {
                        var entry = new Entry(term, next + (ulong)i, EntryType.Normal, new byte[] { (byte)step });
                        model.Add(entry);
                        log.AppendOne(entry);
                    }

                    break;
                case 2:
                    // A new leader overwrites a suffix (possibly below what memory holds).
                    var from = (ulong)random.Next(1, (int)next + 1);
                    term++;
                    var replacement = new Entry[random.Next(1, 5)];
                    for (var i = 0; i < replacement.Length; i++)
                    {
                        replacement[i] = new Entry(term, from + (ulong)i, EntryType.Normal, new byte[] { (byte)i });
                    }

                    model.RemoveRange((int)from, model.Count - (int)from);
                    model.AddRange(replacement);
                    log.TruncateAndAppend(replacement);
                    offset = Math.Min(offset, from);
                    held = Math.Min(held, from);
                    break;
                case 3:
                    if (next > offset)
                    {
                        var stable = offset + (ulong)random.Next((int)(next - offset));
                        log.StableTo(stable, model[(int)stable].Term);
                        offset = stable + 1;
                    }

                    break;
                case 4:
                    var release = (ulong)random.Next((int)offset);
                    log.ReleaseTo(release);
                    held = Math.Max(held, Math.Min(release, offset - 1) + 1);
                    break;
                case 5:
                    if (outstanding)
                    {
                        log.OnReadyAdvanced();
                        advances++;
                    }
                    else
                    {
                        log.OnReadyHandedOut();
                        handouts++;
                    }

                    outstanding = !outstanding;
                    break;
                default:
                    if (next > held)
                    {
                        var low = held + (ulong)random.Next((int)(next - held));
                        var high = low + 1 + (ulong)random.Next((int)(next - low));
                        var window = log.Window(low, high, long.MaxValue, int.MaxValue);
                        Assert.That(window.Length, Is.InRange(1, (int)(high - low)));
                        windows.Add((window, model.GetRange((int)low, window.Length).ToArray(), handouts + 1));
                    }

                    break;
            }

            Assert.That(log.Offset, Is.EqualTo(offset), $"offset at step {step}");
            Assert.That(log.HeldFirst, Is.EqualTo(held), $"held first at step {step}");
            if ((ulong)model.Count > offset)
            {
                Assert.That(log.UnstableWindow().ToArray(), Is.EqualTo(model.GetRange((int)offset, model.Count - (int)offset)), $"unstable entries at step {step}");
            }

            foreach (var (window, expected, validUntil) in windows)
            {
                if (advances < validUntil)
                {
                    Assert.That(window.ToArray(), Is.EqualTo(expected), $"live window at step {step}");
                }
                else
                {
                    Entry[]? seen = null;
                    try
                    {
                        seen = window.ToArray();
                    }
                    catch (StaleEntrySliceException)
                    {
                    }

                    Assert.That(seen is null || seen.SequenceEqual(expected), Is.True, $"an expired window showed other entries at step {step}");
                }
            }

            windows.RemoveAll(w => advances >= w.ValidUntilAdvance + 2);
        }
    }
}

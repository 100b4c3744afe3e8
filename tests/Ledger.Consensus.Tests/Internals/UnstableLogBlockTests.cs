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

namespace Ledger.Storage.Tests;

public sealed class KeyOrderTests
{
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(1_000)]
    [TestCase(20_000)]
    public void Sort_RandomKeysWithSharedPrefixesShortKeysAndRepeats_EqualsAPlainBytewiseSort(int count)
    {
        var random = new Random(count);
        var keys = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            keys[i] = random.Next(4) switch
            {
                // Shorter than the 8-byte rank, including a key that is another key's prefix.
                0 => RandomBytes(random, random.Next(0, 9)),
                // Same first 10 bytes: only the whole-key comparison tells these apart.
                1 => [.. "shared-10b"u8.ToArray(), .. RandomBytes(random, random.Next(0, 6))],
                2 when i > 0 => keys[random.Next(i)],
                _ => RandomBytes(random, random.Next(9, 40)),
            };
        }

        var order = new int[count];
        KeyOrder.Sort(keys, order);

        var expected = keys.Select(k => Convert.ToHexString(k)).OrderBy(k => k, StringComparer.Ordinal).ToArray();
        Assert.That(order.Select(i => Convert.ToHexString(keys[i])).ToArray(), Is.EqualTo(expected));
        Assert.That(order.Distinct().Count(), Is.EqualTo(count), "a permutation of the indices");
        Assert.That(KeyOrder.IsSorted(order.Select(i => keys[i]).ToArray()), Is.True);
    }

    [Test]
    public void IsSorted_OutOfOrderNeighbours_IsFalse()
    {
        Assert.That(KeyOrder.IsSorted([[1], [1], [1, 0], [2]]), Is.True);
        Assert.That(KeyOrder.IsSorted([[1, 0], [1]]), Is.False);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}

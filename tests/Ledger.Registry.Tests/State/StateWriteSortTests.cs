using Ledger.Registry.State;

namespace Ledger.Registry.Tests.State;

public sealed class StateWriteSortTests
{
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Sort_KeysWithLongSharedPrefixesZeroBytesAndPrefixKeys_GivesBytewiseOrder(int seed)
    {
        var random = new Random(seed);
        var keys = new HashSet<string>();
        var writes = new List<StateWrite>();
        var shared = new byte[40];
        random.NextBytes(shared);
        while (writes.Count < 3_000)
        {
            // A few key spaces; keys share long prefixes (as nonce and owner keys do), end inside
            // or right after them, and carry zero bytes where the zero padding of the fast path lands.
            var key = new byte[1 + random.Next(0, 48)];
            key[0] = (byte)random.Next(1, 5);
            var sharedLength = Math.Min(key.Length - 1, random.Next(0, shared.Length + 1));
            shared.AsSpan(0, sharedLength).CopyTo(key.AsSpan(1));
            for (var i = 1 + sharedLength; i < key.Length; i++)
            {
                key[i] = random.Next(3) == 0 ? (byte)0 : (byte)random.Next(256);
            }

            if (keys.Add(Convert.ToHexString(key)))
            {
                writes.Add(new StateWrite(new StateKey(key), random.Next(2) == 0 ? null : [1]));
            }
        }

        var fast = writes.ToArray();
        var plain = writes.ToArray();

        StateWriteSort.Sort(fast);
        Array.Sort(plain, (x, y) => x.Key.Span.SequenceCompareTo(y.Key.Span));

        Assert.That(fast.Select(w => w.Key.ToString()), Is.EqualTo(plain.Select(w => w.Key.ToString())));
    }

    [Test]
    public void Sort_OneKeySpaceWhoseKeysAreAllPrefixesOfEachOther_GivesShortestFirst()
    {
        var writes = Enumerable.Range(1, 20).Reverse().Select(n => new StateWrite(new StateKey(new byte[n]), [])).ToArray();

        StateWriteSort.Sort(writes);

        Assert.That(writes.Select(w => w.Key.Length), Is.EqualTo(Enumerable.Range(1, 20)));
    }
}

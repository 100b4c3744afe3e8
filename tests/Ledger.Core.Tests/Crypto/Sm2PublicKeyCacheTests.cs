using Ledger.Core.Crypto;

namespace Ledger.Core.Tests.Crypto;

/// <summary>The parsed-key cache is bounded: a flood of distinct keys costs re-parsing, never memory.</summary>
public sealed class Sm2PublicKeyCacheTests
{
    [Test]
    public void Add_MoreDistinctKeysThanTheBound_CountNeverExceedsTheBound()
    {
        var cache = new Sm2PublicKeyCache();

        for (var i = 0; i <= Sm2PublicKeyCache.EntriesMax * 2; i++)
        {
            cache.Add(BitConverter.GetBytes(i), new object());
            Assert.That(cache.Count, Is.LessThanOrEqualTo(Sm2PublicKeyCache.EntriesMax));
        }
    }

    [Test]
    public void TryGet_KeyAddedEarlier_ReturnsTheSameHandle()
    {
        var cache = new Sm2PublicKeyCache();
        var handle = new object();
        cache.Add([1, 2, 3], handle);

        Assert.That(cache.TryGet([1, 2, 3], out var found), Is.True);
        Assert.That(found, Is.SameAs(handle));
        Assert.That(cache.TryGet([1, 2, 4], out _), Is.False);
    }
}

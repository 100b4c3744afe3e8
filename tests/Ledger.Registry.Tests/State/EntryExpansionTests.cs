using System.Buffers.Binary;
using System.Security.Cryptography;
using Ledger.Core.Hashing;
using Ledger.Registry.State;

namespace Ledger.Registry.Tests.State;

public sealed class EntryExpansionTests
{
    [Test]
    public void Expand_IsTheAes128CtrKeystreamKeyedByTheSeed_WithA32BitBigEndianBlockCounter()
    {
        var seed = new byte[EntryExpansion.SeedBytes];
        EntryExpansion.Seed("key"u8, "value"u8, seed);
        var counters = new byte[EntryExpansion.OutputBytes];
        for (var block = 0; block < counters.Length / 16; block++)
        {
            seed.AsSpan(16, 12).CopyTo(counters.AsSpan(block * 16));
            BinaryPrimitives.WriteUInt32BigEndian(counters.AsSpan((block * 16) + 12), (uint)block);
        }

        using var aes = Aes.Create();
        aes.Key = seed[..16];
        var expected = aes.EncryptEcb(counters, PaddingMode.None);

        var actual = new byte[EntryExpansion.OutputBytes];
        EntryExpansion.Expand(seed, actual);

        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void Expand_AcceleratedAndPortablePaths_GiveTheSameBytes()
    {
        var seed = SHA256.HashData("any seed"u8);
        var accelerated = new byte[EntryExpansion.OutputBytes];
        var portable = new byte[EntryExpansion.OutputBytes];

        EntryExpansion.Expand(seed, accelerated);
        EntryExpansion.ExpandPortable(seed, portable);

        Assert.That(accelerated, Is.EqualTo(portable));
    }

    [Test]
    public void Seed_IsSha256OfTheContextAndTheLengthPrefixedKeyAndValue()
    {
        var input = new List<byte>("ledger/v1/state-entry\0"u8.ToArray());
        input.AddRange(new byte[] { 0, 0, 0, 1, 0xAB, 0, 0, 0, 2, 0xCD, 0xEF });
        var seed = new byte[EntryExpansion.SeedBytes];

        EntryExpansion.Seed([0xAB], [0xCD, 0xEF], seed);

        Assert.That(seed, Is.EqualTo(SHA256.HashData(input.ToArray())));
    }

    [Test]
    public void StateRoot_OfTwoFixedEntries_MatchesTheGoldenVector()
    {
        var accumulator = new StateAccumulator(Sha256HashAlgorithm.Instance);
        accumulator.Add([1], [10]);
        accumulator.Add([2], [20]);

        Assert.That(Convert.ToHexString(accumulator.ComputeRoot()), Is.EqualTo(GoldenRoot));
    }

    // Pinned from this implementation: a change here changes every state root on the chain.
    private const string GoldenRoot = "4820A07F1D1CB574F9FB79CE2D5A99EF260E83C432580E1FFAF0477ED4685C8E";
}

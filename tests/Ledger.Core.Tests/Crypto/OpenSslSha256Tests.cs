using System.Security.Cryptography;
using Ledger.Core.Hashing;

namespace Ledger.Core.Tests.Crypto;

/// <summary>The low-level OpenSSL path behind <see cref="Sha256HashAlgorithm"/> for small inputs: the same digest as the platform's, at every length around the block and size boundaries.</summary>
public sealed class OpenSslSha256Tests
{
    [Test]
    public void IsAvailable_OnLinux_IsTrue_SoTheFastPathIsWhatTheseTestsCover()
    {
        Assume.That(OperatingSystem.IsLinux(), "the OpenSSL path is Linux-only");

        Assert.That(OpenSslSha256.IsAvailable, Is.True);
    }

    [Test]
    public void Hash_EveryLengthUpToFiveBlocksAndAroundTheInputBound_EqualsThePlatformDigest()
    {
        var input = new byte[OpenSslSha256.InputBytesMax + 2];
        new Random(6).NextBytes(input);
        var lengths = Enumerable.Range(0, 321).Concat([OpenSslSha256.InputBytesMax - 1, OpenSslSha256.InputBytesMax, OpenSslSha256.InputBytesMax + 1]);
        var actual = new byte[32];
        foreach (var length in lengths)
        {
            Sha256HashAlgorithm.Instance.Hash(input.AsSpan(0, length), actual);

            Assert.That(actual, Is.EqualTo(SHA256.HashData(input.AsSpan(0, length))), $"length {length}");
        }
    }

    [Test]
    public void Hash_OverTheInputBound_Throws()
    {
        Assume.That(OpenSslSha256.IsAvailable, Is.True);

        Assert.That(() => OpenSslSha256.Hash(new byte[OpenSslSha256.InputBytesMax + 1], new byte[32]), Throws.ArgumentException);
    }
}

using Ledger.Core.Consortium;
using Ledger.Core.Crypto;

namespace Ledger.Core.Tests.Crypto;

public sealed class CryptoSuitesTests
{
    [TestCase("p256-sha256", "sha256")]
    [TestCase("ed25519", "sha256")]
    [TestCase("sm2-sm3", "sm3")]
    public void Get_KnownName_ReturnsSuiteWithThatNameAndHash(string name, string hashName)
    {
        var suite = CryptoSuites.Get(name);

        Assert.That(suite.Name, Is.EqualTo(name));
        Assert.That(suite.Hash.Name, Is.EqualTo(hashName));
    }

    [TestCase("P256-SHA256")]
    [TestCase("sm2")]
    [TestCase("")]
    public void Get_UnknownName_ThrowsUnknownSuiteNamingIt(string name)
    {
        var exception = Assert.Throws<UnknownSuiteException>(() => CryptoSuites.Get(name));

        Assert.That(exception.SuiteName, Is.EqualTo(name));
        Assert.That(exception.Message, Does.Contain("p256-sha256"));
    }

    [Test]
    public void Get_Null_ThrowsArgumentNull()
    {
        Assert.That(() => CryptoSuites.Get(null!), Throws.ArgumentNullException);
    }

    [Test]
    public void TryGet_UnknownName_ReturnsFalse()
    {
        Assert.That(CryptoSuites.TryGet("rsa", out var suite), Is.False);
        Assert.That(suite, Is.Null);
    }

    [Test]
    public void Names_ListEverySuiteOnce()
    {
        Assert.That(CryptoSuites.All.Select(suite => suite.Name), Is.EqualTo(CryptoSuites.Names));
        Assert.That(CryptoSuites.Names, Is.Unique);
    }

    [Test]
    public void KnownSuites_OfTheGenesisFormat_AreExactlyTheImplementedSuites()
    {
        Assert.That(ConsortiumGenesis.KnownSuites, Is.EqualTo(CryptoSuites.Names));
    }
}

using Ledger.Core.Crypto;

namespace Ledger.Core.Tests.Crypto;

/// <summary>r || s (the wire form) to DER (what OpenSSL takes) and back, and the one range rule.</summary>
public sealed class Sm2SignatureEncodingTests
{
    [TestCase("01", "01", "3006020101020101")]
    [TestCase("80", "7f", "30070202008002017f")]
    [TestCase("0000ff", "00", "3007020200ff020100")]
    public void ToDer_SmallValues_AreMinimalPositiveIntegers(string rHex, string sHex, string derHex)
    {
        var signature = Fixed(rHex, sHex);
        var der = new byte[Sm2SignatureEncoding.DerSizeBytesMax];

        var length = Sm2SignatureEncoding.ToDer(signature, der);

        Assert.That(Hex.Encode(der.AsSpan(0, length)), Is.EqualTo(derHex));
    }

    [Test]
    public void ToDerThenTryFromDer_PublishedSignatureWithTopBitsSet_RoundTrips()
    {
        var der = new byte[Sm2SignatureEncoding.DerSizeBytesMax];
        var length = Sm2SignatureEncoding.ToDer(Sm2PublishedExample.Signature, der);
        var back = new byte[64];

        Assert.That(length, Is.EqualTo(Sm2SignatureEncoding.DerSizeBytesMax));
        Assert.That(Sm2SignatureEncoding.TryFromDer(der.AsSpan(0, length), back), Is.True);
        Assert.That(back, Is.EqualTo(Sm2PublishedExample.Signature.ToArray()));
    }

    [TestCase("3007020200010201ff", TestName = "TryFromDer_NonMinimalInteger_IsRefused")]
    [TestCase("30060201ff020101", TestName = "TryFromDer_NegativeInteger_IsRefused")]
    [TestCase("3006020101020101" + "00", TestName = "TryFromDer_TrailingByte_IsRefused")]
    [TestCase("3007020101020101", TestName = "TryFromDer_SequenceLengthTooLong_IsRefused")]
    [TestCase("3003020101", TestName = "TryFromDer_OneInteger_IsRefused")]
    [TestCase("31060201010201010", TestName = "TryFromDer_NotASequence_IsRefused")]
    public void TryFromDer_MalformedDer_IsRefused(string derHex)
    {
        var der = Convert.FromHexString(derHex.Length % 2 == 0 ? derHex : derHex[..^1]);

        Assert.That(Sm2SignatureEncoding.TryFromDer(der, new byte[64]), Is.False);
    }

    [Test]
    public void TryFromDer_IntegerOf33ValueBytes_IsRefused()
    {
        byte[] der = [0x30, 0x26, 0x02, 0x21, 0x01, .. new byte[32], 0x02, 0x01, 0x01];

        Assert.That(Sm2SignatureEncoding.TryFromDer(der, new byte[64]), Is.False);
    }

    [Test]
    public void HasScalarsInRange_OneAndOrderMinusOne_AreInRange_ZeroAndOrderAreNot()
    {
        var order = Sm2SignatureEncoding.Order.ToArray();
        var orderMinusOne = (byte[])order.Clone();
        orderMinusOne[^1]--;
        var one = new byte[32];
        one[^1] = 1;

        Assert.That(Sm2SignatureEncoding.HasScalarsInRange([.. one, .. orderMinusOne]), Is.True);
        Assert.That(Sm2SignatureEncoding.HasScalarsInRange([.. new byte[32], .. one]), Is.False);
        Assert.That(Sm2SignatureEncoding.HasScalarsInRange([.. one, .. order]), Is.False);
    }

    private static byte[] Fixed(string rHex, string sHex)
    {
        var signature = new byte[64];
        var r = Convert.FromHexString(rHex);
        var s = Convert.FromHexString(sHex);
        r.CopyTo(signature, 32 - r.Length);
        s.CopyTo(signature, 64 - s.Length);
        return signature;
    }
}

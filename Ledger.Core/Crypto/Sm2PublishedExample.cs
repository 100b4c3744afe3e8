namespace Ledger.Core.Crypto;

/// <summary>
/// GM/T 0003.5-2012 (GB/T 32918.5-2017) signature example on the recommended curve sm2p256v1, with
/// user id "1234567812345678" and message "message digest": the known answer the OpenSSL probe and
/// the vector tests check.
/// </summary>
internal static class Sm2PublishedExample
{
    public static ReadOnlySpan<byte> Message => "message digest"u8;

    public static ReadOnlySpan<byte> PrivateKey => Convert.FromHexString("3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8");

    public static ReadOnlySpan<byte> PublicKey => Convert.FromHexString(
        "0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13");

    /// <summary>r || s.</summary>
    public static ReadOnlySpan<byte> Signature => Convert.FromHexString(
        "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa");
}

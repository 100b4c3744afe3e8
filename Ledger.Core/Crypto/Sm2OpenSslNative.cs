using System.Runtime.InteropServices;

namespace Ledger.Core.Crypto;

/// <summary>
/// The few OpenSSL 3 libcrypto entry points the SM2 and SM3 paths use (EVP, OSSL_PARAM_BLD, BN).
/// Pointers stay <see cref="IntPtr"/>: the owning classes wrap them in safe handles or free them in
/// <c>finally</c>. None of these calls suppresses the GC transition: an SM2 operation takes hundreds
/// of microseconds, and SM3 inputs may be large.
/// </summary>
internal static class Sm2OpenSslNative
{
    /// <summary>The OpenSSL 3 soname (the one <c>OpenSslSha256</c> loads too).</summary>
    public const string Library = "libcrypto.so.3";

    /// <summary>EVP_PKEY_PUBLIC_KEY: OSSL_KEYMGMT_SELECT_ALL_PARAMETERS | OSSL_KEYMGMT_SELECT_PUBLIC_KEY.</summary>
    public const int SelectPublicKey = 0x86;

    /// <summary>EVP_PKEY_KEYPAIR: EVP_PKEY_PUBLIC_KEY | OSSL_KEYMGMT_SELECT_PRIVATE_KEY.</summary>
    public const int SelectKeyPair = 0x87;

    [DllImport(Library)]
    public static extern IntPtr EVP_PKEY_CTX_new_from_name(IntPtr libraryContext, ref byte name, IntPtr properties);

    [DllImport(Library)]
    public static extern IntPtr EVP_PKEY_CTX_new(IntPtr key, IntPtr engine);

    [DllImport(Library)]
    public static extern void EVP_PKEY_CTX_free(IntPtr context);

    [DllImport(Library)]
    public static extern int EVP_PKEY_fromdata_init(IntPtr context);

    [DllImport(Library)]
    public static extern int EVP_PKEY_fromdata(IntPtr context, out IntPtr key, int selection, IntPtr parameters);

    [DllImport(Library)]
    public static extern void EVP_PKEY_free(IntPtr key);

    [DllImport(Library)]
    public static extern int EVP_PKEY_CTX_set1_id(IntPtr context, ref byte id, int length);

    [DllImport(Library)]
    public static extern IntPtr OSSL_PARAM_BLD_new();

    [DllImport(Library)]
    public static extern void OSSL_PARAM_BLD_free(IntPtr builder);

    [DllImport(Library)]
    public static extern int OSSL_PARAM_BLD_push_utf8_string(IntPtr builder, ref byte key, ref byte value, nuint length);

    [DllImport(Library)]
    public static extern int OSSL_PARAM_BLD_push_octet_string(IntPtr builder, ref byte key, ref byte value, nuint length);

    [DllImport(Library)]
    public static extern int OSSL_PARAM_BLD_push_BN(IntPtr builder, ref byte key, IntPtr number);

    [DllImport(Library)]
    public static extern IntPtr OSSL_PARAM_BLD_to_param(IntPtr builder);

    [DllImport(Library)]
    public static extern void OSSL_PARAM_free(IntPtr parameters);

    [DllImport(Library)]
    public static extern IntPtr BN_bin2bn(ref byte bigEndian, int length, IntPtr result);

    [DllImport(Library)]
    public static extern void BN_clear_free(IntPtr number);

    [DllImport(Library)]
    public static extern IntPtr EVP_MD_fetch(IntPtr libraryContext, ref byte algorithm, IntPtr properties);

    [DllImport(Library)]
    public static extern IntPtr EVP_MD_CTX_new();

    [DllImport(Library)]
    public static extern void EVP_MD_CTX_free(IntPtr context);

    [DllImport(Library)]
    public static extern void EVP_MD_CTX_set_pkey_ctx(IntPtr digestContext, IntPtr keyContext);

    [DllImport(Library)]
    public static extern int EVP_DigestSignInit(IntPtr digestContext, IntPtr keyContextOut, IntPtr digest, IntPtr engine, IntPtr key);

    [DllImport(Library)]
    public static extern int EVP_DigestSign(IntPtr digestContext, ref byte signature, ref nuint signatureLength, ref byte message, nuint messageLength);

    [DllImport(Library)]
    public static extern int EVP_DigestVerifyInit(IntPtr digestContext, IntPtr keyContextOut, IntPtr digest, IntPtr engine, IntPtr key);

    [DllImport(Library)]
    public static extern int EVP_DigestVerify(IntPtr digestContext, ref byte signature, nuint signatureLength, ref byte message, nuint messageLength);

    [DllImport(Library)]
    public static extern int EVP_DigestInit_ex2(IntPtr digestContext, IntPtr digest, IntPtr parameters);

    [DllImport(Library)]
    public static extern int EVP_DigestUpdate(IntPtr digestContext, ref byte data, nuint length);

    [DllImport(Library)]
    public static extern int EVP_DigestFinal_ex(IntPtr digestContext, ref byte digest, out uint length);

    [DllImport(Library)]
    public static extern void ERR_clear_error();
}

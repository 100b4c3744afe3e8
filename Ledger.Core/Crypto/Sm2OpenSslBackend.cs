using System.Runtime.InteropServices;
using System.Security.Cryptography;
using static Ledger.Core.Crypto.Sm2OpenSslNative;

namespace Ledger.Core.Crypto;

/// <summary>
/// SM2 with SM3 through the system's OpenSSL 3 EVP interface. Not the default: OpenSSL 3.0's SM2
/// uses its generic curve code and verified at 0.36x BouncyCastle with cached keys on the
/// development machine (<c>Ledger.Bench sm2</c> compares both); it is kept, cross-checked, for
/// hosts whose libcrypto is faster (<see cref="Sm2Sm3Backends"/>). Keys are EVP_PKEYs of type "SM2" built
/// with EVP_PKEY_fromdata, which rejects points off the curve and coordinates of p or more. The
/// distinguishing id is set on the EVP_PKEY_CTX before EVP_DigestSignInit/EVP_DigestVerifyInit
/// (OpenSSL caches it until the operation starts), which is how OpenSSL 3's SM2 provider takes it.
/// </summary>
internal sealed class Sm2OpenSslBackend : Sm2Backend
{
    private readonly IntPtr sm3;

    private Sm2OpenSslBackend(IntPtr sm3)
    {
        this.sm3 = sm3;
    }

    public override string Name => Sm2Sm3Backends.OpenSsl;

    /// <summary>The backend when libcrypto.so.3 loads and offers SM3 (so SM2 too), else null. Callers still self-test it.</summary>
    public static Sm2OpenSslBackend? TryCreate()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            // Fetched once for the process lifetime: a fetch per operation would cost a lock and a lookup.
            var digest = EVP_MD_fetch(IntPtr.Zero, ref MemoryMarshal.GetReference("SM3\0"u8), IntPtr.Zero);
            ERR_clear_error();
            return digest == IntPtr.Zero ? null : new Sm2OpenSslBackend(digest);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return null;
        }
    }

    public override object ParsePublicKey(ReadOnlySpan<byte> encodedPublicKey) =>
        FromData(encodedPublicKey, privateScalar: default) ?? throw new InvalidKeyException(Sm2Sm3Suite.SuiteName, "public key is not a point on sm2p256v1 (OpenSSL)");

    public override object CreatePrivateKey(ReadOnlySpan<byte> privateScalar, ReadOnlySpan<byte> encodedPublicKey) =>
        FromData(encodedPublicKey, privateScalar) ?? throw new InvalidKeyException(Sm2Sm3Suite.SuiteName, "OpenSSL refused the private key");

    public override void Sign(object privateHandle, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        var key = (Sm2OpenSslKey)privateHandle;
        Span<byte> der = stackalloc byte[Sm2SignatureEncoding.DerSizeBytesMax];
        var derLength = (nuint)der.Length;
        var signed = 0;
        var started = TryBegin(key, sign: true, out var digestContext, out var keyContext);
        try
        {
            if (started)
            {
                signed = EVP_DigestSign(digestContext, ref MemoryMarshal.GetReference(der), ref derLength, ref MemoryMarshal.GetReference(message), (nuint)message.Length);
            }
        }
        finally
        {
            End(key, digestContext, keyContext);
        }

        if (signed != 1 || derLength > (nuint)der.Length || !Sm2SignatureEncoding.TryFromDer(der[..(int)derLength], signature))
        {
            throw new CryptographicException("OpenSSL SM2 signing failed");
        }
    }

    public override bool Verify(object publicHandle, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        var key = (Sm2OpenSslKey)publicHandle;
        Span<byte> der = stackalloc byte[Sm2SignatureEncoding.DerSizeBytesMax];
        var derLength = Sm2SignatureEncoding.ToDer(signature, der);
        var started = TryBegin(key, sign: false, out var digestContext, out var keyContext);
        try
        {
            return started && EVP_DigestVerify(digestContext, ref MemoryMarshal.GetReference(der), (nuint)derLength, ref MemoryMarshal.GetReference(message), (nuint)message.Length) == 1;
        }
        finally
        {
            End(key, digestContext, keyContext);
        }
    }

    /// <summary>An EVP_PKEY of type SM2 from the public point and, when given, the private scalar; null when OpenSSL refuses them.</summary>
    private static Sm2OpenSslKey? FromData(ReadOnlySpan<byte> encodedPublicKey, ReadOnlySpan<byte> privateScalar)
    {
        var builder = IntPtr.Zero;
        var parameters = IntPtr.Zero;
        var scalar = IntPtr.Zero;
        var context = IntPtr.Zero;
        try
        {
            builder = OSSL_PARAM_BLD_new();
            var curve = "SM2\0"u8;
            if (builder == IntPtr.Zero
                || OSSL_PARAM_BLD_push_utf8_string(builder, ref MemoryMarshal.GetReference("group\0"u8), ref MemoryMarshal.GetReference(curve), (nuint)(curve.Length - 1)) != 1
                || OSSL_PARAM_BLD_push_octet_string(builder, ref MemoryMarshal.GetReference("pub\0"u8), ref MemoryMarshal.GetReference(encodedPublicKey), (nuint)encodedPublicKey.Length) != 1)
            {
                return null;
            }

            if (!privateScalar.IsEmpty)
            {
                scalar = BN_bin2bn(ref MemoryMarshal.GetReference(privateScalar), privateScalar.Length, IntPtr.Zero);
                if (scalar == IntPtr.Zero || OSSL_PARAM_BLD_push_BN(builder, ref MemoryMarshal.GetReference("priv\0"u8), scalar) != 1)
                {
                    return null;
                }
            }

            parameters = OSSL_PARAM_BLD_to_param(builder);
            context = EVP_PKEY_CTX_new_from_name(IntPtr.Zero, ref MemoryMarshal.GetReference("SM2\0"u8), IntPtr.Zero);
            if (parameters == IntPtr.Zero || context == IntPtr.Zero || EVP_PKEY_fromdata_init(context) != 1)
            {
                return null;
            }

            var selection = privateScalar.IsEmpty ? SelectPublicKey : SelectKeyPair;
            return EVP_PKEY_fromdata(context, out var key, selection, parameters) == 1 && key != IntPtr.Zero ? new Sm2OpenSslKey(key) : null;
        }
        finally
        {
            ERR_clear_error();
            EVP_PKEY_CTX_free(context);
            OSSL_PARAM_free(parameters);
            BN_clear_free(scalar);
            OSSL_PARAM_BLD_free(builder);
        }
    }

    /// <summary>Sets up one sign or verify operation on <paramref name="key"/> with SM3 and the default user id; <see cref="End"/> frees what it made, started or not.</summary>
    private bool TryBegin(Sm2OpenSslKey key, bool sign, out IntPtr digestContext, out IntPtr keyContext)
    {
        digestContext = EVP_MD_CTX_new();
        keyContext = EVP_PKEY_CTX_new(key.DangerousGetHandle(), IntPtr.Zero);
        if (digestContext == IntPtr.Zero || keyContext == IntPtr.Zero
            || EVP_PKEY_CTX_set1_id(keyContext, ref MemoryMarshal.GetReference(Sm2Sm3Suite.DefaultUserId), Sm2Sm3Suite.DefaultUserId.Length) != 1)
        {
            return false;
        }

        // The EVP_MD_CTX borrows the key context (EVP_MD_CTX_free leaves it): End frees it.
        EVP_MD_CTX_set_pkey_ctx(digestContext, keyContext);
        var initialised = sign
            ? EVP_DigestSignInit(digestContext, IntPtr.Zero, sm3, IntPtr.Zero, key.DangerousGetHandle())
            : EVP_DigestVerifyInit(digestContext, IntPtr.Zero, sm3, IntPtr.Zero, key.DangerousGetHandle());
        return initialised == 1;
    }

    private static void End(Sm2OpenSslKey key, IntPtr digestContext, IntPtr keyContext)
    {
        // A failed verification leaves entries on this thread's error queue; it must not grow.
        ERR_clear_error();
        EVP_MD_CTX_free(digestContext);
        EVP_PKEY_CTX_free(keyContext);
        GC.KeepAlive(key);
    }
}

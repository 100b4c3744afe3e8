using System.Runtime.InteropServices;

namespace Ledger.Core.Crypto;

/// <summary>Owns one OpenSSL EVP_PKEY of type SM2; freed when the last key object holding it is collected.</summary>
internal sealed class Sm2OpenSslKey : SafeHandle
{
    public Sm2OpenSslKey(IntPtr key)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(key);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        Sm2OpenSslNative.EVP_PKEY_free(handle);
        return true;
    }
}

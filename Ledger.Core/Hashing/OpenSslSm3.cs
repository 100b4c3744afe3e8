using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using static Ledger.Core.Crypto.Sm2OpenSslNative;

namespace Ledger.Core.Hashing;

/// <summary>
/// SM3 through the system's OpenSSL 3 (EVP, the digest fetched once, one reusable EVP_MD_CTX per
/// thread). A self-test against BouncyCastle and the GM/T 0004 examples at first use decides
/// whether this path is taken at all, so a missing or odd library falls back, never changes a hash.
/// </summary>
internal static class OpenSslSm3
{
    private const int HashSizeBytes = 32;

    private static readonly IntPtr Digest = Fetch();

    [ThreadStatic]
    private static DigestContext? threadContext;

    public static bool IsAvailable { get; } = Digest != IntPtr.Zero && SelfTest();

    /// <summary>libcrypto loaded and offers SM3 (whether or not the self-test passed): the cross-check tests compare this path unconditionally.</summary>
    public static bool IsLoaded => Digest != IntPtr.Zero;

    /// <summary>Requires <see cref="IsLoaded"/> (in production <see cref="IsAvailable"/>) and a 32-byte destination.</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length != HashSizeBytes)
        {
            throw new ArgumentException($"destination must be {HashSizeBytes} bytes, was {destination.Length}", nameof(destination));
        }

        var context = threadContext ??= DigestContext.Create();
        var pointer = context.DangerousGetHandle();
        if (EVP_DigestInit_ex2(pointer, Digest, IntPtr.Zero) != 1
            || EVP_DigestUpdate(pointer, ref MemoryMarshal.GetReference(data), (nuint)data.Length) != 1
            || EVP_DigestFinal_ex(pointer, ref MemoryMarshal.GetReference(destination), out var written) != 1
            || written != HashSizeBytes)
        {
            ERR_clear_error();
            throw new CryptographicException("OpenSSL SM3 failed");
        }

        GC.KeepAlive(context);
    }

    private static IntPtr Fetch()
    {
        if (!OperatingSystem.IsLinux())
        {
            return IntPtr.Zero;
        }

        try
        {
            var digest = EVP_MD_fetch(IntPtr.Zero, ref MemoryMarshal.GetReference("SM3\0"u8), IntPtr.Zero);
            ERR_clear_error();
            return digest;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return IntPtr.Zero;
        }
    }

    private static bool SelfTest()
    {
        try
        {
            Span<byte> actual = stackalloc byte[HashSizeBytes];
            Hash("abc"u8, actual);
            if (!actual.SequenceEqual(Sm3Examples.AbcDigest))
            {
                return false;
            }

            var input = new byte[4096];
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = (byte)((i * 31) + 7);
            }

            Span<byte> expected = stackalloc byte[HashSizeBytes];
            var reference = new SM3Digest();
            foreach (var length in (ReadOnlySpan<int>)[0, 1, 55, 56, 63, 64, 65, 81, 129, input.Length])
            {
                reference.Reset();
                reference.BlockUpdate(input.AsSpan(0, length));
                reference.DoFinal(expected);
                Hash(input.AsSpan(0, length), actual);
                if (!actual.SequenceEqual(expected))
                {
                    return false;
                }
            }

            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or CryptographicException)
        {
            return false;
        }
    }

    /// <summary>One thread's EVP_MD_CTX, reused for every hash on that thread and freed after the thread is gone.</summary>
    private sealed class DigestContext : SafeHandle
    {
        private DigestContext()
            : base(IntPtr.Zero, ownsHandle: true)
        {
        }

        public override bool IsInvalid => handle == IntPtr.Zero;

        public static DigestContext Create()
        {
            var context = new DigestContext();
            context.SetHandle(EVP_MD_CTX_new());
            return context.IsInvalid ? throw new CryptographicException("EVP_MD_CTX_new failed") : context;
        }

        protected override bool ReleaseHandle()
        {
            EVP_MD_CTX_free(handle);
            return true;
        }
    }
}

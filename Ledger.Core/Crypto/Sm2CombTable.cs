using System.Numerics;
using Org.BouncyCastle.Math.EC;

namespace Ledger.Core.Crypto;

/// <summary>
/// A fixed-point comb table of one point P (Lim-Lee, one table): entry i, for i in [1, 2^w), is
/// sum over the set bits j of i of 2^(j*d) * P, normalized to affine so each lookup is one mixed
/// addition. With <see cref="Width"/> w = 8 and <see cref="Columns"/> d = 32 (w * d = 256 bits, any
/// scalar below n) a product k * P costs d - 1 doublings and at most d additions instead of the
/// 256 doublings of a window method, and two products over tables of the same shape share their
/// doublings (<see cref="SumOfTwoMultiplies"/>): SM2 verification's [s]G + [t]P_A is 31 doublings
/// and at most 64 additions. BouncyCastle's own comb (FixedPointCombMultiplier, which it switches a
/// point to after four uses) has w = 6 and 43 columns: 42 doublings and 86 additions.
/// </summary>
/// <remarks>
/// All arithmetic is BouncyCastle's point arithmetic (<see cref="ECPoint.Add"/>, <see cref="ECPoint.Twice"/>,
/// <see cref="ECCurve.NormalizeAll(ECPoint[], int, int, ECFieldElement)"/>); nothing here touches
/// field elements. Not constant-time: which entry is read and whether an addition happens depend on
/// the scalars' bits. That is fine for verification, whose inputs (public key, message, signature)
/// are all public; never use this for a secret scalar (signing, key generation). Immutable after
/// <see cref="Build"/>, so one table is shared by any number of threads.
/// </remarks>
internal sealed class Sm2CombTable
{
    /// <summary>Bits of the scalar read per lookup (w); the table has 2^w entries.</summary>
    public const int Width = 8;

    /// <summary>Columns of the comb (d = 256 / w): doublings per product, plus one.</summary>
    public const int Columns = ScalarBits / Width;

    /// <summary>Entries per table, 2^w (entry 0, the point at infinity, is never added).</summary>
    public const int EntryCount = 1 << Width;

    /// <summary>
    /// Managed memory one table keeps alive: 255 BouncyCastle affine points of about 330 bytes each
    /// (the point object, its Z array, and three field elements X, Y, Z = 1 with their 8-word arrays),
    /// plus the 256-slot array; measured by <c>Ledger.Bench sm2</c> (comb table bytes per key).
    /// </summary>
    public const int RetainedBytesApprox = 86 * 1024;

    /// <summary>Scalars handled: 256 bits, big-endian, below the group order.</summary>
    public const int ScalarBits = 256;

    private const int ScalarBytes = ScalarBits / 8;

    private readonly ECPoint[] entries;

    private Sm2CombTable(ECPoint[] entries)
    {
        this.entries = entries;
    }

    /// <summary>The table of <paramref name="point"/>: (w - 1) * d doublings, 2^w - w - 1 additions and one batched normalization (one field inversion).</summary>
    public static Sm2CombTable Build(ECPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        if (point.IsInfinity)
        {
            throw new ArgumentException("no comb table for the point at infinity", nameof(point));
        }

        var curve = point.Curve;
        var teeth = new ECPoint[Width];
        teeth[0] = point.Normalize();
        for (var tooth = 1; tooth < Width; tooth++)
        {
            teeth[tooth] = teeth[tooth - 1].TimesPow2(Columns);
        }

        curve.NormalizeAll(teeth);
        var entries = new ECPoint[EntryCount];
        entries[0] = curve.Infinity;
        for (var index = 1; index < EntryCount; index++)
        {
            var lowestBit = index & -index;
            var tooth = BitOperations.TrailingZeroCount(lowestBit);
            entries[index] = index == lowestBit ? teeth[tooth] : entries[index ^ lowestBit].Add(teeth[tooth]);
        }

        curve.NormalizeAll(entries, 1, EntryCount - 1, null);
        return new Sm2CombTable(entries);
    }

    /// <summary>
    /// [<paramref name="a"/>]P_first + [<paramref name="b"/>]P_second in the curve's projective
    /// coordinates (not normalized; the point at infinity when the sum is). Both scalars are 32-byte
    /// big-endian values; the comb reads bits 0..255, so any value below 2^256 multiplies correctly.
    /// </summary>
    public static ECPoint SumOfTwoMultiplies(Sm2CombTable first, ReadOnlySpan<byte> a, Sm2CombTable second, ReadOnlySpan<byte> b)
    {
        if (a.Length != ScalarBytes || b.Length != ScalarBytes)
        {
            throw new ArgumentException($"comb scalars are {ScalarBytes} bytes ({a.Length}, {b.Length})");
        }

        var sum = first.entries[0];
        for (var column = Columns - 1; column >= 0; column--)
        {
            sum = sum.Twice();
            var firstIndex = Index(a, column);
            if (firstIndex != 0)
            {
                sum = sum.Add(first.entries[firstIndex]);
            }

            var secondIndex = Index(b, column);
            if (secondIndex != 0)
            {
                sum = sum.Add(second.entries[secondIndex]);
            }
        }

        return sum;
    }

    /// <summary>Bits column, column + d, ..., column + (w - 1) * d of the big-endian <paramref name="scalar"/>, the lowest in bit 0.</summary>
    private static int Index(ReadOnlySpan<byte> scalar, int column)
    {
        var index = 0;
        for (var tooth = Width - 1; tooth >= 0; tooth--)
        {
            var bit = column + (tooth * Columns);
            index = (index << 1) | ((scalar[ScalarBytes - 1 - (bit >> 3)] >> (bit & 7)) & 1);
        }

        return index;
    }
}

using System.Numerics;

namespace Ledger.Client.Imaging;

/// <summary>
/// The 64-bit DCT perceptual hash the ledger stores for images (docs/cli.md, "Perceptual hash"),
/// computed from 8-bit luma. Pure and deterministic: decoding is the caller's business.
/// <list type="number">
/// <item>Shrink the luma plane to 32×32 by area averaging: output pixel (x, y) is the mean of source
/// columns [⌊x·W/32⌋, max(⌊(x+1)·W/32⌋, that+1)) and rows likewise (every source pixel counts once when W, H ≥ 32).</item>
/// <item>Two-dimensional DCT-II of the 32×32 block: C(u,v) = Σx Σy p(x,y) cos((2x+1)uπ/64) cos((2y+1)vπ/64), u, v = 0..31 (no normalisation: it cannot change the bits).</item>
/// <item>Keep the 8×8 low-frequency block without the DC row and column: u, v = 1..8 (64 coefficients),
/// each rounded to a multiple of 1/1024 (so floating-point noise, e.g. a different cos(), cannot flip a bit of a flat area).</item>
/// <item>Median = mean of the 32nd and 33rd smallest of those 64.</item>
/// <item>Bit 63 − ((v−1)·8 + (u−1)) is 1 when C(u,v) &gt; median: the first hex digit holds row v = 1.</item>
/// </list>
/// Similar images differ in few bits (Hamming distance); the registry searches within 8 bits.
/// </summary>
public static class PerceptualHash
{
    /// <summary>Side in pixels of the grayscale square an image is reduced to before the DCT.</summary>
    public const int ReducedSize = 32;

    /// <summary>Side of the coefficient block kept (without the DC row and column).</summary>
    public const int BlockSize = 8;

    /// <summary>Largest image the hash accepts (width × height), so a crafted file cannot make it allocate without bound.</summary>
    public const long PixelsMax = 200_000_000;

    /// <summary>Coefficients are rounded to multiples of 1/this.</summary>
    private const double CoefficientScale = 1024;

    private static readonly double[,] Cosines = BuildCosines();

    /// <summary>Hash of a luma plane of <paramref name="width"/> × <paramref name="height"/> bytes, row-major, stride = width.</summary>
    public static ulong Compute(ReadOnlySpan<byte> luma, int width, int height)
    {
        if (width < 1 || height < 1 || (long)width * height > PixelsMax)
        {
            throw new ArgumentException($"image must be 1..{PixelsMax} pixels with positive sides, was {width}×{height}");
        }

        if (luma.Length < width * height)
        {
            throw new ArgumentException($"luma has {luma.Length} bytes, a {width}×{height} image needs {width * height}", nameof(luma));
        }

        Span<double> reduced = stackalloc double[ReducedSize * ReducedSize];
        Reduce(luma, width, height, reduced);
        Span<double> block = stackalloc double[BlockSize * BlockSize];
        TransformLowFrequencies(reduced, block);
        Span<double> sorted = stackalloc double[BlockSize * BlockSize];
        block.CopyTo(sorted);
        sorted.Sort();
        var median = (sorted[31] + sorted[32]) / 2;
        ulong hash = 0;
        for (var i = 0; i < block.Length; i++)
        {
            if (block[i] > median)
            {
                hash |= 1UL << (63 - i);
            }
        }

        return hash;
    }

    /// <summary>Bits that differ between two hashes.</summary>
    public static int Distance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);

    /// <summary>ITU-R BT.601 luma of 8-bit sRGB (integer weights 77/150/29 of 256, rounded).</summary>
    public static byte Luma(byte red, byte green, byte blue) => (byte)(((77 * red) + (150 * green) + (29 * blue) + 128) >> 8);

    private static void Reduce(ReadOnlySpan<byte> luma, int width, int height, Span<double> reduced)
    {
        for (var y = 0; y < ReducedSize; y++)
        {
            var row0 = (int)((long)y * height / ReducedSize);
            var row1 = Math.Max((int)((long)(y + 1) * height / ReducedSize), row0 + 1);
            for (var x = 0; x < ReducedSize; x++)
            {
                var column0 = (int)((long)x * width / ReducedSize);
                var column1 = Math.Max((int)((long)(x + 1) * width / ReducedSize), column0 + 1);
                long sum = 0;
                for (var row = row0; row < row1; row++)
                {
                    var line = luma.Slice(row * width, width);
                    for (var column = column0; column < column1; column++)
                    {
                        sum += line[column];
                    }
                }

                reduced[(y * ReducedSize) + x] = (double)sum / ((row1 - row0) * (column1 - column0));
            }
        }
    }

    /// <summary>C(u,v) for u, v = 1..8 into <paramref name="block"/>[(v−1)·8 + (u−1)], separably (rows, then columns).</summary>
    private static void TransformLowFrequencies(ReadOnlySpan<double> pixels, Span<double> block)
    {
        Span<double> rows = stackalloc double[ReducedSize * BlockSize];
        for (var y = 0; y < ReducedSize; y++)
        {
            for (var u = 1; u <= BlockSize; u++)
            {
                double sum = 0;
                for (var x = 0; x < ReducedSize; x++)
                {
                    sum += pixels[(y * ReducedSize) + x] * Cosines[u, x];
                }

                rows[(y * BlockSize) + (u - 1)] = sum;
            }
        }

        for (var v = 1; v <= BlockSize; v++)
        {
            for (var u = 1; u <= BlockSize; u++)
            {
                double sum = 0;
                for (var y = 0; y < ReducedSize; y++)
                {
                    sum += rows[(y * BlockSize) + (u - 1)] * Cosines[v, y];
                }

                block[((v - 1) * BlockSize) + (u - 1)] = Math.Round(sum * CoefficientScale, MidpointRounding.ToEven) / CoefficientScale;
            }
        }
    }

    private static double[,] BuildCosines()
    {
        var table = new double[BlockSize + 1, ReducedSize];
        for (var frequency = 0; frequency <= BlockSize; frequency++)
        {
            for (var position = 0; position < ReducedSize; position++)
            {
                table[frequency, position] = Math.Cos((2 * position + 1) * frequency * Math.PI / (2 * ReducedSize));
            }
        }

        return table;
    }
}

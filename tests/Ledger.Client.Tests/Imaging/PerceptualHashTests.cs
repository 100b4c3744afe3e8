using Ledger.Cli.Infrastructure;
using Ledger.Client.Imaging;
using SkiaSharp;

namespace Ledger.Client.Tests.Imaging;

/// <summary>The DCT perceptual hash: stable on known pixels, tolerant of resizing and re-encoding, discriminating between different pictures.</summary>
public sealed class PerceptualHashTests
{
    private const int Side = 256;

    [Test]
    public void Compute_KnownPicture_GivesThePinnedHash()
    {
        // Pinned: a change here changes every stored phash and breaks similarity search across versions.
        var hash = PerceptualHash.Compute(Landscape(Side, Side), Side, Side);

        Assert.That(hash.ToString("x16"), Is.EqualTo(PinnedLandscapeHash));
    }

    [Test]
    public void Compute_UniformGrey_IsZero()
    {
        // Every AC coefficient is 0 (after rounding away floating-point noise): none exceeds the median.
        var grey = Enumerable.Repeat((byte)128, 64 * 48).ToArray();

        Assert.That(PerceptualHash.Compute(grey, 64, 48), Is.Zero);
    }

    [Test]
    public void TryCompute_LosslessPng_EqualsTheHashOfItsPixels()
    {
        var path = WritePng(Landscape(Side, Side), Side, Side);
        try
        {
            Assert.That(ImageHashing.TryCompute(path), Is.EqualTo(PerceptualHash.Compute(Landscape(Side, Side), Side, Side)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void TryCompute_ResizedAndReencodedAsJpeg_IsWithinAFewBits()
    {
        var original = PerceptualHash.Compute(Landscape(Side, Side), Side, Side);
        var path = WriteResizedJpeg(Landscape(Side, Side), Side, Side, 173, 131, quality: 70);
        try
        {
            var copy = ImageHashing.TryCompute(path);

            Assert.That(copy, Is.Not.Null);
            Assert.That(PerceptualHash.Distance(original, copy!.Value), Is.LessThanOrEqualTo(6));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Compute_DifferentPicture_IsFarAway()
    {
        var landscape = PerceptualHash.Compute(Landscape(Side, Side), Side, Side);
        var portrait = PerceptualHash.Compute(Portrait(Side, Side), Side, Side);

        Assert.That(PerceptualHash.Distance(landscape, portrait), Is.GreaterThanOrEqualTo(20));
    }

    [Test]
    public void TryCompute_NotAnImage_GivesNoHash()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "just text, no pixels");

            Assert.That(ImageHashing.TryCompute(path), Is.Null);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Compute_WrongBufferSize_Throws()
    {
        Assert.Throws<ArgumentException>(() => PerceptualHash.Compute(new byte[10], 4, 4));
    }

    internal const string PinnedLandscapeHash = "8f707070878f8f8e";

    /// <summary>A horizon: bright sky gradient, dark ground, a sun disc on the left.</summary>
    internal static byte[] Landscape(int width, int height)
    {
        var pixels = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                double value = y < height * 0.6 ? 200 - (80.0 * y / height) : 60 + (30.0 * x / width);
                var dx = x - (width * 0.3);
                var dy = y - (height * 0.3);
                if ((dx * dx) + (dy * dy) < width * width * 0.01)
                {
                    value = 250;
                }

                pixels[(y * width) + x] = (byte)value;
            }
        }

        return pixels;
    }

    /// <summary>Something else entirely: a dark background with a bright diagonal band and a square on the right.</summary>
    internal static byte[] Portrait(int width, int height)
    {
        var pixels = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var value = Math.Abs(x - y) < width / 8 ? 220 : 40;
                if (x > width * 0.65 && y > height * 0.1 && y < height * 0.4)
                {
                    value = 180;
                }

                pixels[(y * width) + x] = (byte)value;
            }
        }

        return pixels;
    }

    internal static string WritePng(byte[] luma, int width, int height)
    {
        using var bitmap = ToBitmap(luma, width, height);
        return Write(bitmap, SKEncodedImageFormat.Png, 100, ".png");
    }

    internal static string WriteResizedJpeg(byte[] luma, int width, int height, int newWidth, int newHeight, int quality)
    {
        using var bitmap = ToBitmap(luma, width, height);
        using var resized = bitmap.Resize(new SKImageInfo(newWidth, newHeight, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear));
        return Write(resized, SKEncodedImageFormat.Jpeg, quality, ".jpg");
    }

    private static SKBitmap ToBitmap(byte[] luma, int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var pixels = bitmap.GetPixelSpan();
        var writable = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(pixels), pixels.Length);
        for (var i = 0; i < luma.Length; i++)
        {
            writable[(i * 4) + 0] = luma[i];
            writable[(i * 4) + 1] = luma[i];
            writable[(i * 4) + 2] = luma[i];
            writable[(i * 4) + 3] = 255;
        }

        return bitmap;
    }

    private static string Write(SKBitmap bitmap, SKEncodedImageFormat format, int quality, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), "ledger-phash-" + Guid.NewGuid().ToString("N") + extension);
        using var data = bitmap.Encode(format, quality);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }
}

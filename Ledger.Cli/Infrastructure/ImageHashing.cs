using Ledger.Client.Imaging;
using SkiaSharp;

namespace Ledger.Cli.Infrastructure;

/// <summary>
/// Decodes PNG and JPEG files with SkiaSharp and hashes them with <see cref="PerceptualHash"/>.
/// Only the decoder lives here; the hash itself is pure. Transparent pixels are composited over
/// white; EXIF orientation is not applied (the hash is of the stored pixels).
/// </summary>
public static class ImageHashing
{
    /// <summary>The perceptual hash of a PNG or JPEG file; null when the file is not one (other files get no phash).</summary>
    public static ulong? TryCompute(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        using var codec = SKCodec.Create(stream);
        if (codec is null || codec.EncodedFormat is not (SKEncodedImageFormat.Png or SKEncodedImageFormat.Jpeg))
        {
            return null;
        }

        var info = codec.Info;
        if ((long)info.Width * info.Height > PerceptualHash.PixelsMax)
        {
            throw CliException.InvalidInput($"{path}: {info.Width}×{info.Height} pixels is more than the {PerceptualHash.PixelsMax} a perceptual hash is computed for");
        }

        using var bitmap = new SKBitmap(new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            throw CliException.InvalidInput($"{path}: the image does not decode ({result})");
        }

        return FromRgba(bitmap.GetPixelSpan(), info.Width, info.Height);
    }

    /// <summary>The hash of unpremultiplied RGBA pixels (alpha composited over white).</summary>
    public static ulong FromRgba(ReadOnlySpan<byte> rgba, int width, int height)
    {
        var luma = new byte[checked(width * height)];
        for (var i = 0; i < luma.Length; i++)
        {
            var pixel = rgba.Slice(i * 4, 4);
            var alpha = pixel[3];
            luma[i] = PerceptualHash.Luma(OverWhite(pixel[0], alpha), OverWhite(pixel[1], alpha), OverWhite(pixel[2], alpha));
        }

        return PerceptualHash.Compute(luma, width, height);
    }

    private static byte OverWhite(byte channel, byte alpha) => (byte)(((channel * alpha) + (255 * (255 - alpha)) + 127) / 255);
}

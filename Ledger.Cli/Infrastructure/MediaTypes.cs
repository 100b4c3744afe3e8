using Ledger.Core.Protocol;

namespace Ledger.Cli.Infrastructure;

public static class MediaTypes
{
    public static MediaType FromPath(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" or ".png" or ".gif" or ".webp" or ".bmp" or ".tif" or ".tiff" or ".heic" or ".svg" => MediaType.Image,
        ".mp4" or ".mov" or ".mkv" or ".webm" or ".avi" => MediaType.Video,
        ".mp3" or ".wav" or ".flac" or ".ogg" or ".m4a" or ".aac" => MediaType.Audio,
        ".txt" or ".md" or ".pdf" or ".doc" or ".docx" or ".html" => MediaType.Text,
        ".json" => MediaType.ProductListing,
        _ => MediaType.Other,
    };
}

using System.Text.Json;
using Ledger.Cli;
using Ledger.Cli.Infrastructure;
using SkiaSharp;

namespace Ledger.Client.IntegrationTests.Support;

/// <summary>Runs the <c>ledger</c> command's entry point in process and captures what it prints.</summary>
public static class LedgerCommand
{
    public static CliRun Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = LedgerCli.Run(args, new CliEnvironment(output, error, interactive: false));
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>A small PNG picture (a sun over a horizon, <paramref name="shade"/> varies the sky) written to <paramref name="path"/>.</summary>
    public static void WritePng(string path, byte shade)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(128, 96, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(shade, (byte)(shade / 2), 200));
            using var ground = new SKPaint { Color = new SKColor(30, 90, 30) };
            canvas.DrawRect(0, 60, 128, 36, ground);
            using var sun = new SKPaint { Color = new SKColor(250, 220, 40) };
            canvas.DrawCircle(30 + (shade % 60), 25, 12, sun);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}

public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public JsonElement Json() => JsonDocument.Parse(Out).RootElement;

    public override string ToString() => $"exit {ExitCode}\nstdout: {Out}\nstderr: {Error}";
}

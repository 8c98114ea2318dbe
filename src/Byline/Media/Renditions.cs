using Byline.Content;
using SkiaSharp;

namespace Byline.Media;

/// <summary>Where media files live on this node: <c>Byline:Media:Path</c>, relative to the content root.</summary>
public sealed class MediaStore(IConfiguration config, IHostEnvironment env)
{
    public string Root { get; } = Path.GetFullPath(Path.Combine(env.ContentRootPath, config["Byline:Media:Path"] ?? "data/media"));
}

/// <summary>
/// Writes the renditions of a picture that is drawn rather than decoded: each width is drawn at its
/// own scale, which is sharper (text especially) and cheaper than drawing once and resampling.
/// </summary>
internal static class Renditions
{
    private const int JpegQuality = 82;
    private const int WebpQuality = 78;

    /// <param name="draw">Draws the picture on a canvas already scaled to its design size.</param>
    public static async Task WriteAsync(string root, string key, int designWidth, int designHeight, IReadOnlyList<int> widths,
        Action<SKCanvas> draw, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(root, key));
        foreach (var width in widths)
        {
            var height = (int)Math.Round(designHeight * (double)width / designWidth);
            byte[] jpeg;
            byte[] webp;
            using (var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul)))
            {
                var canvas = surface.Canvas;
                canvas.Scale(width / (float)designWidth);
                draw(canvas);
                using var image = surface.Snapshot();
                using var jpegData = image.Encode(SKEncodedImageFormat.Jpeg, JpegQuality);
                using var webpData = image.Encode(SKEncodedImageFormat.Webp, WebpQuality);
                jpeg = jpegData.ToArray();
                webp = webpData.ToArray();
            }
            await WriteAtomicallyAsync(MediaPaths.File(root, key, width, "jpg"), jpeg, ct);
            await WriteAtomicallyAsync(MediaPaths.File(root, key, width, "webp"), webp, ct);
        }
    }

    /// <summary>Writes the renditions of a decoded picture, each width resampled from the original.</summary>
    public static async Task WriteResizedAsync(string root, string key, SKBitmap source, IReadOnlyList<int> widths, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(root, key));
        foreach (var width in widths)
        {
            var height = Math.Max(1, (int)Math.Round(source.Height * (double)width / source.Width));
            byte[] jpeg;
            byte[] webp;
            using (var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul)))
            {
                // JPEG has no transparency: a transparent PNG or GIF lands on white, not black.
                surface.Canvas.Clear(SKColors.White);
                using var original = SKImage.FromBitmap(source);
                surface.Canvas.DrawImage(original, new SKRect(0, 0, width, height), new SKSamplingOptions(SKCubicResampler.Mitchell));
                using var image = surface.Snapshot();
                using var jpegData = image.Encode(SKEncodedImageFormat.Jpeg, JpegQuality);
                using var webpData = image.Encode(SKEncodedImageFormat.Webp, WebpQuality);
                jpeg = jpegData.ToArray();
                webp = webpData.ToArray();
            }
            await WriteAtomicallyAsync(MediaPaths.File(root, key, width, "jpg"), jpeg, ct);
            await WriteAtomicallyAsync(MediaPaths.File(root, key, width, "webp"), webp, ct);
        }
    }

    public static bool Exist(string root, string key, IReadOnlyList<int> widths) =>
        widths.All(w => File.Exists(MediaPaths.File(root, key, w, "jpg")) && File.Exists(MediaPaths.File(root, key, w, "webp")));

    // A reader must never be served half a file, so write beside it and rename into place.
    private static async Task WriteAtomicallyAsync(string path, byte[] bytes, CancellationToken ct)
    {
        var temp = path + ".tmp";
        await File.WriteAllBytesAsync(temp, bytes, ct);
        File.Move(temp, path, overwrite: true);
    }
}

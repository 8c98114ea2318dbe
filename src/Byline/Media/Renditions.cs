using Byline.Content;
using SkiaSharp;

namespace Byline.Media;

/// <summary>
/// Where media files live on this node: <c>Byline:Media:Path</c>, relative to the working directory like
/// the SQLite file (the web host's content root is the application's folder; the command line's is not).
/// </summary>
public sealed class MediaStore(IConfiguration config)
{
    public string Root { get; } = Path.GetFullPath(config["Byline:Media:Path"] ?? "data/media");
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
        widths.All(w => File.Exists(MediaPaths.File(root, key, w, "jpg")) && File.Exists(MediaPaths.File(root, key, w, "webp")))
        && MediaPaths.Crops.All(c => File.Exists(MediaPaths.CropFile(root, key, c.Width, c.Height)));

    /// <summary>
    /// Writes the centre crops of <see cref="MediaPaths.Crops"/> (4:3, 1:1) of a drawn picture: the
    /// design is scaled to cover each crop and centred, so the crop is drawn sharp rather than resampled.
    /// </summary>
    public static async Task WriteCropsAsync(string root, string key, int designWidth, int designHeight, Action<SKCanvas> draw, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(root, key));
        foreach (var (width, height) in MediaPaths.Crops)
        {
            byte[] jpeg;
            using (var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul)))
            {
                var canvas = surface.Canvas;
                var scale = Math.Max(width / (float)designWidth, height / (float)designHeight);
                canvas.Translate((width - designWidth * scale) / 2, (height - designHeight * scale) / 2);
                canvas.Scale(scale);
                draw(canvas);
                using var image = surface.Snapshot();
                using var data = image.Encode(SKEncodedImageFormat.Jpeg, JpegQuality);
                jpeg = data.ToArray();
            }
            await WriteAtomicallyAsync(MediaPaths.CropFile(root, key, width, height), jpeg, ct);
        }
    }

    /// <summary>
    /// Makes one centre crop from the largest stored JPEG rendition, for pictures stored before crops
    /// existed. False when the picture has no rendition to crop from.
    /// </summary>
    public static Task<bool> CropFromLargestAsync(string root, string key, int width, int height, CancellationToken ct) =>
        CropFromLargestAsync(root, key, width, height, 0.5, 0.5, ct);

    /// <summary>
    /// Makes one crop from the largest stored JPEG rendition around a focal point (fractions of the width
    /// and height, <see cref="Focus.Area"/>), replacing the crop there was. False when there is nothing to crop from.
    /// </summary>
    public static async Task<bool> CropFromLargestAsync(string root, string key, int width, int height, double focusX, double focusY, CancellationToken ct)
    {
        var dir = new DirectoryInfo(Path.Combine(root, key));
        if (!dir.Exists)
        {
            return false;
        }
        var source = dir.EnumerateFiles("*.jpg")
            .Select(f => (File: f, Width: int.TryParse(Path.GetFileNameWithoutExtension(f.Name), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var w) ? w : 0))
            .Where(f => f.Width > 0)
            .OrderByDescending(f => f.Width)
            .Select(f => f.File)
            .FirstOrDefault();
        if (source is null)
        {
            return false;
        }
        var bytes = await File.ReadAllBytesAsync(source.FullName, ct);
        byte[] jpeg;
        using (var bitmap = SKBitmap.Decode(bytes))
        {
            if (bitmap is null)
            {
                return false;
            }
            using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
            var area = Focus.Area(bitmap.Width, bitmap.Height, width, height, focusX, focusY);
            using var image = SKImage.FromBitmap(bitmap);
            surface.Canvas.DrawImage(image, area, SKRect.Create(0, 0, width, height), new SKSamplingOptions(SKCubicResampler.Mitchell), null);
            using var snapshot = surface.Snapshot();
            using var data = snapshot.Encode(SKEncodedImageFormat.Jpeg, JpegQuality);
            jpeg = data.ToArray();
        }
        await WriteAtomicallyAsync(MediaPaths.CropFile(root, key, width, height), jpeg, ct);
        return true;
    }

    // A reader must never be served half a file, so write beside it and rename into place.
    private static async Task WriteAtomicallyAsync(string path, byte[] bytes, CancellationToken ct)
    {
        var temp = path + ".tmp";
        await File.WriteAllBytesAsync(temp, bytes, ct);
        File.Move(temp, path, overwrite: true);
    }
}

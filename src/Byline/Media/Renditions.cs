using Byline.Content;
using SkiaSharp;

namespace Byline.Media;

/// <summary>
/// Writes the renditions of a picture that is drawn rather than decoded: each width is drawn at its
/// own scale, which is sharper (text especially) and cheaper than drawing once and resampling.
/// </summary>
internal static class Renditions
{
    private const int JpegQuality = 82;
    private const int WebpQuality = 78;

    /// <param name="draw">Draws the picture on a canvas already scaled to its design size.</param>
    public static async Task WriteAsync(MediaStore store, string key, int designWidth, int designHeight, IReadOnlyList<int> widths,
        Action<SKCanvas> draw, CancellationToken ct)
    {
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
            await store.WriteAsync(key, FileName(width, "jpg"), jpeg, "image/jpeg", ct);
            await store.WriteAsync(key, FileName(width, "webp"), webp, "image/webp", ct);
        }
    }

    /// <summary>Writes the renditions of a decoded picture, each width resampled from the original.</summary>
    public static async Task WriteResizedAsync(MediaStore store, string key, SKBitmap source, IReadOnlyList<int> widths, CancellationToken ct)
    {
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
            await store.WriteAsync(key, FileName(width, "jpg"), jpeg, "image/jpeg", ct);
            await store.WriteAsync(key, FileName(width, "webp"), webp, "image/webp", ct);
        }
    }

    public static async Task<bool> ExistAsync(MediaStore store, string key, IReadOnlyList<int> widths, CancellationToken ct)
    {
        var names = (await store.ListAsync(key, ct)).ToHashSet(StringComparer.Ordinal);
        return widths.All(w => names.Contains(FileName(w, "jpg")) && names.Contains(FileName(w, "webp")))
            && MediaPaths.Crops.All(c => names.Contains(CropName(c.Width, c.Height)));
    }

    /// <summary>True when the JPEG and WebP of every width are in the store (crops aside).</summary>
    public static async Task<bool> WidthsExistAsync(MediaStore store, string key, IReadOnlyList<int> widths, CancellationToken ct)
    {
        var names = (await store.ListAsync(key, ct)).ToHashSet(StringComparer.Ordinal);
        return widths.All(w => names.Contains(FileName(w, "jpg")) && names.Contains(FileName(w, "webp")));
    }

    /// <summary>"800.jpg": a width's rendition under its key.</summary>
    public static string FileName(int width, string ext) => Path.GetFileName(MediaPaths.Url("x", width, ext));

    /// <summary>"1200x900.jpg": a crop under its key.</summary>
    public static string CropName(int width, int height) => Path.GetFileName(MediaPaths.CropUrl("x", width, height));

    /// <summary>
    /// Writes the centre crops of <see cref="MediaPaths.Crops"/> (4:3, 1:1) of a drawn picture: the
    /// design is scaled to cover each crop and centred, so the crop is drawn sharp rather than resampled.
    /// </summary>
    public static async Task WriteCropsAsync(MediaStore store, string key, int designWidth, int designHeight, Action<SKCanvas> draw, CancellationToken ct)
    {
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
            await store.WriteAsync(key, CropName(width, height), jpeg, "image/jpeg", ct);
        }
    }

    /// <summary>
    /// Makes one centre crop from the largest stored JPEG rendition, for pictures stored before crops
    /// existed. False when the picture has no rendition to crop from.
    /// </summary>
    public static Task<bool> CropFromLargestAsync(MediaStore store, string key, int width, int height, CancellationToken ct) =>
        CropFromLargestAsync(store, key, width, height, 0.5, 0.5, ct);

    /// <summary>
    /// Makes one crop from the largest stored JPEG rendition around a focal point (fractions of the width
    /// and height, <see cref="Focus.Area"/>), replacing the crop there was. False when there is nothing to crop from.
    /// </summary>
    public static async Task<bool> CropFromLargestAsync(MediaStore store, string key, int width, int height, double focusX, double focusY, CancellationToken ct)
    {
        var source = (await store.ListAsync(key, ct))
            .Where(n => n.EndsWith(".jpg", StringComparison.Ordinal))
            .Select(n => (Name: n, Width: int.TryParse(Path.GetFileNameWithoutExtension(n), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var w) ? w : 0))
            .Where(f => f.Width > 0)
            .OrderByDescending(f => f.Width)
            .Select(f => f.Name)
            .FirstOrDefault();
        if (source is null)
        {
            return false;
        }
        byte[] bytes;
        await using (var file = await store.OpenAsync(key, source, ct))
        {
            if (file is null)
            {
                return false;
            }
            bytes = await file.ReadAllBytesAsync(ct);
        }
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
        await store.WriteAsync(key, CropName(width, height), jpeg, "image/jpeg", ct);
        return true;
    }
}

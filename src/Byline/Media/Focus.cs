using System.Globalization;
using Byline.Content;
using SkiaSharp;

namespace Byline.Media;

/// <summary>
/// The focal point of each crop rendition of a picture (<see cref="MediaPaths.Crops"/>: 4:3 and 1:1), kept in
/// <see cref="Image.Focus"/> as "1200x900=0.25,0.4;1200x1200=0.5,0.3": fractions of the picture's width and
/// height. A crop is the largest box of its shape that fits the picture, placed so that the focal point is as
/// near its middle as the picture's edges allow; without a focal point it is centred.
/// </summary>
public static class Focus
{
    public const int MaxLength = 200;

    /// <summary>"1200x900" for a crop size, the name the store, the details panel and the form use.</summary>
    public static string Name(int width, int height) =>
        string.Create(CultureInfo.InvariantCulture, $"{width}x{height}");

    /// <summary>The crop a name stands for, or false when it is not one the store writes.</summary>
    public static bool TryCrop(string? name, out int width, out int height)
    {
        foreach (var (w, h) in MediaPaths.Crops)
        {
            if (string.Equals(name, Name(w, h), StringComparison.Ordinal))
            {
                (width, height) = (w, h);
                return true;
            }
        }
        (width, height) = (0, 0);
        return false;
    }

    /// <summary>The focal points by crop name; unreadable parts are skipped (the crop is then centred).</summary>
    public static IReadOnlyDictionary<string, (double X, double Y)> Parse(string? focus)
    {
        var points = new Dictionary<string, (double X, double Y)>(StringComparer.Ordinal);
        foreach (var part in (focus ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var comma = part.IndexOf(',', StringComparison.Ordinal);
            if (eq <= 0 || comma < eq
                || !double.TryParse(part.AsSpan(eq + 1, comma - eq - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                || !double.TryParse(part.AsSpan(comma + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
                || !IsFraction(x) || !IsFraction(y))
            {
                continue;
            }
            points[part[..eq]] = (x, y);
        }
        return points;
    }

    /// <summary>The focal point of one crop, the middle when none was chosen.</summary>
    public static (double X, double Y) Of(string? focus, int width, int height) =>
        Parse(focus).TryGetValue(Name(width, height), out var point) ? point : (0.5, 0.5);

    /// <summary><paramref name="focus"/> with one crop's focal point set (rounded to a thousandth).</summary>
    public static string With(string? focus, int width, int height, double x, double y)
    {
        var points = Parse(focus).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        points[Name(width, height)] = (Math.Round(x, 3), Math.Round(y, 3));
        return string.Join(';', points.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value.X:0.###},{p.Value.Y:0.###}")));
    }

    public static bool IsFraction(double value) => value is >= 0 and <= 1 && !double.IsNaN(value);

    /// <summary>
    /// The part of a <paramref name="sourceWidth"/> × <paramref name="sourceHeight"/> picture a crop of
    /// <paramref name="cropWidth"/> × <paramref name="cropHeight"/> shows: the largest box of the crop's shape,
    /// its middle on the focal point, moved back inside the picture where it would cross an edge.
    /// </summary>
    public static SKRect Area(int sourceWidth, int sourceHeight, int cropWidth, int cropHeight, double x, double y)
    {
        var scale = Math.Min(sourceWidth / (double)cropWidth, sourceHeight / (double)cropHeight);
        var (w, h) = (cropWidth * scale, cropHeight * scale);
        var left = Math.Clamp(x * sourceWidth - w / 2, 0, sourceWidth - w);
        var top = Math.Clamp(y * sourceHeight - h / 2, 0, sourceHeight - h);
        return SKRect.Create((float)left, (float)top, (float)w, (float)h);
    }
}

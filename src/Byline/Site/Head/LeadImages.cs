using Byline.Content;

namespace Byline.Site.Head;

/// <summary>One rendition of a picture, with the size a consumer (a feed reader, a search engine) needs to know.</summary>
public sealed record ImageRendition(string Path, int Width, int Height);

/// <summary>Which renditions of a lead picture feeds, sitemaps and structured data point at.</summary>
public static class LeadImages
{
    public static int? LargestWidth(string widths)
    {
        var all = MediaPaths.ParseWidths(widths);
        return all.Length == 0 ? null : all.Max();
    }

    /// <summary>The largest stored width, at the picture's own aspect ratio.</summary>
    public static ImageRendition? Primary(string key, string widths, int width, int height)
    {
        if (LargestWidth(widths) is not int w || width <= 0 || height <= 0)
        {
            return null;
        }
        return new ImageRendition(MediaPaths.Url(key, w, "jpg"), w, (int)Math.Round(height * (double)w / width));
    }

    /// <summary>The main rendition and the centre crops (4:3, 1:1) for structured data.</summary>
    public static IReadOnlyList<ImageRendition> WithCrops(string key, string widths, int width, int height)
    {
        if (Primary(key, widths, width, height) is not { } main)
        {
            return [];
        }
        return [main, .. MediaPaths.Crops.Select(c => new ImageRendition(MediaPaths.CropUrl(key, c.Width, c.Height), c.Width, c.Height))];
    }
}

using System.Globalization;

namespace Byline.Content;

/// <summary>
/// Where an image's renditions live on disk and on the web. Every rendition is written once, when
/// the image is stored, as JPEG and WebP at each width in <see cref="Image.Widths"/>:
/// <c>{media root}/{key}/{width}.jpg</c>, served at <c>/media/{key}/{width}.jpg</c>.
/// </summary>
public static class MediaPaths
{
    public static readonly int[] StandardWidths = [480, 800, 1200];

    public static string Url(string key, int width, string ext) =>
        $"/media/{key}/{width.ToString(CultureInfo.InvariantCulture)}.{ext}";

    public static string File(string root, string key, int width, string ext) =>
        Path.Combine(root, key, $"{width.ToString(CultureInfo.InvariantCulture)}.{ext}");

    public static int[] ParseWidths(string widths) =>
        string.IsNullOrEmpty(widths)
            ? []
            : widths.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray();

    public static string SrcSet(string key, string widths, string ext) =>
        string.Join(", ", ParseWidths(widths).Select(w => $"{Url(key, w, ext)} {w.ToString(CultureInfo.InvariantCulture)}w"));
}

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

    /// <summary>
    /// Centre crops written beside the widths, <c>{key}/{w}x{h}.jpg</c>: search engines want a story's
    /// picture at 4:3 and 1:1 as well as 16:9. Only these sizes exist; the endpoint refuses any other.
    /// </summary>
    public static readonly (int Width, int Height)[] Crops = [(1200, 900), (1200, 1200)];

    public static string CropUrl(string key, int width, int height) =>
        $"/media/{key}/{width.ToString(CultureInfo.InvariantCulture)}x{height.ToString(CultureInfo.InvariantCulture)}.jpg";

    public static string CropFile(string root, string key, int width, int height) =>
        Path.Combine(root, key, $"{width.ToString(CultureInfo.InvariantCulture)}x{height.ToString(CultureInfo.InvariantCulture)}.jpg");

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

using System.Collections.Concurrent;
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

    /// <summary>The <c>srcset</c> of an image's renditions in one format.</summary>
    public static string SrcSet(string key, string widths, string ext) =>
        SrcSets.Get((key, widths, ext), static k =>
            string.Join(", ", ParseWidths(k.Widths).Select(w => $"{Url(k.Key, w, k.Ext)} {w.ToString(CultureInfo.InvariantCulture)}w")));

    /// <summary>The JPEG rendition nearest <paramref name="preferred"/> pixels wide (an <c>img</c>'s <c>src</c>).</summary>
    public static string NearestUrl(string key, string widths, int preferred) =>
        NearestUrls.Get((key, widths, preferred), static k =>
        {
            var parsed = ParseWidths(k.Widths);
            var width = parsed.Length == 0 ? k.Preferred : parsed.OrderBy(w => Math.Abs(w - k.Preferred)).First();
            return Url(k.Key, width, "jpg");
        });

    // Every card on every page asks for these strings again; they depend on nothing but their inputs.
    private static readonly Memo<(string Key, string Widths, string Ext)> SrcSets = new();
    private static readonly Memo<(string Key, string Widths, int Preferred)> NearestUrls = new();

    /// <summary>Strings built once per input, up to a bound past which it starts afresh.</summary>
    private sealed class Memo<TKey> where TKey : notnull
    {
        private const int Capacity = 20_000;
        private readonly ConcurrentDictionary<TKey, string> _values = new();

        public string Get(TKey key, Func<TKey, string> build)
        {
            if (_values.TryGetValue(key, out var value))
            {
                return value;
            }
            value = build(key);
            if (_values.Count >= Capacity)
            {
                _values.Clear();
            }
            _values[key] = value;
            return value;
        }
    }
}

using System.Globalization;

namespace Byline.Events;

/// <summary>
/// The keys a page, feed or sitemap shows. A content change names the keys it affects; caches evict
/// exactly the entries tagged with them and a CDN purges by the same names (Surrogate-Key).
/// </summary>
public static class ContentKeys
{
    public const string Home = "home";
    public const string Settings = "settings";
    public const string Latest = "latest";
    public const string Sitemaps = "sitemaps";

    /// <summary>The ids named by the keys of one kind (<c>"article:"</c>, <c>"tag:"</c>…), each once, in the order met.</summary>
    public static IReadOnlyList<int> IdsOf(IEnumerable<string> keys, string prefix)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return [.. keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => int.TryParse(k.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
            .Where(id => id > 0)
            .Distinct()];
    }

    public static string Article(int id) => "article:" + id.ToString(CultureInfo.InvariantCulture);
    public static string Section(int id) => "section:" + id.ToString(CultureInfo.InvariantCulture);
    public static string Tag(int id) => "tag:" + id.ToString(CultureInfo.InvariantCulture);
    public static string Author(int id) => "author:" + id.ToString(CultureInfo.InvariantCulture);
    /// <summary>An image in the media library (an upload names it; no page is tagged with it until a story uses the image).</summary>
    public static string Image(int id) => "image:" + id.ToString(CultureInfo.InvariantCulture);
    public static string Page(string slug) => "page:" + slug;
    /// <summary>An item on the wire desk (no reader page shows it; webhooks tell of its arrival).</summary>
    public static string WireItem(long id) => "wire:" + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether a reader page, feed or CDN object can be tagged with the key (a wire item's never is).</summary>
    public static bool CanTagPages(string key) => key is not null && !key.StartsWith("wire:", StringComparison.Ordinal);
    /// <summary>A format's own stream (/shorts, /web-stories, the events list…): "format:short".</summary>
    public static string Format(Content.StoryFormat format) => "format:" + Content.StoryFormats.Key(format);
    public static string Show(int id) => "show:" + id.ToString(CultureInfo.InvariantCulture);
    /// <summary>Every page that lists shows (menus, drawers, the Top Shows rail).</summary>
    public const string Shows = "shows";
}

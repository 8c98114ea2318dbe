using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Byline.Content;

namespace Byline.Importing;

/// <summary>The rules that turn WordPress's fields into Byline's: statuses, slugs, SEO templates, plain text.</summary>
public static partial class WordPressMapping
{
    /// <summary>Bumped when the mapping changes, so a re-run rewrites items imported by an older mapping.</summary>
    public const string Version = "wp-2";

    [GeneratedRegex("<[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Spaces();

    [GeneratedRegex(@"%%?[a-z_]+%%?", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex TemplateVariable();

    /// <summary>Byline's status for a WordPress one, or null for an item that is not imported (trash, auto-draft…).</summary>
    public static ArticleStatus? Status(string status) => status switch
    {
        "publish" => ArticleStatus.Published,
        "future" => ArticleStatus.Scheduled,
        "draft" => ArticleStatus.Draft,
        "pending" => ArticleStatus.InReview,
        // Private posts were readable only by the site's editors: a draft keeps them off the public site.
        "private" => ArticleStatus.Draft,
        _ => null,
    };

    public static string PlainText(string html)
    {
        if (string.IsNullOrEmpty(html))
        {
            return "";
        }
        return Spaces().Replace(WebUtility.HtmlDecode(Tags().Replace(html, " ")), " ").Trim();
    }

    /// <summary>A Byline slug from a WordPress nicename, which may be percent-encoded UTF-8.</summary>
    public static string Slug(string nicename, string fallback, int maxLength)
    {
        var decoded = Uri.UnescapeDataString(nicename ?? "");
        var slug = Slugs.From(decoded.Length > 0 ? decoded : fallback ?? "", maxLength);
        return slug == "story" && decoded.Length == 0 && string.IsNullOrWhiteSpace(fallback) ? "item" : slug;
    }

    /// <summary>Yoast's or RankMath's title or description with its template variables filled or dropped.</summary>
    public static string? Seo(WxrItem item, string[] keys, string title, string siteName, int max)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            if (item.MetaValue(key) is not { } template)
            {
                continue;
            }
            var text = template
                .Replace("%%title%%", title, StringComparison.OrdinalIgnoreCase).Replace("%title%", title, StringComparison.OrdinalIgnoreCase)
                .Replace("%%sitename%%", siteName, StringComparison.OrdinalIgnoreCase).Replace("%sitename%", siteName, StringComparison.OrdinalIgnoreCase)
                .Replace("%%sep%%", "–", StringComparison.OrdinalIgnoreCase).Replace("%sep%", "–", StringComparison.OrdinalIgnoreCase);
            text = Spaces().Replace(TemplateVariable().Replace(text, ""), " ").Trim();
            if (text.Length > 0)
            {
                return Clip(text, max);
            }
        }
        return null;
    }

    public static readonly string[] SeoTitleKeys = ["_yoast_wpseo_title", "rank_math_title"];
    public static readonly string[] SeoDescriptionKeys = ["_yoast_wpseo_metadesc", "rank_math_description"];
    public static readonly string[] PrimaryCategoryKeys = ["_yoast_wpseo_primary_category", "rank_math_primary_category"];

    public static string Clip(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= max ? text : text[..(max - 1)].TrimEnd() + "…";
    }

    /// <summary>A short, stable digest of everything the import reads from an item.</summary>
    public static string Hash(WxrItem item, string extra)
    {
        ArgumentNullException.ThrowIfNull(item);
        var sb = new StringBuilder(item.Content.Length + item.Excerpt.Length + 512);
        sb.Append(Version).Append('\u0001').Append(item.Title).Append('\u0001').Append(item.Content).Append('\u0001').Append(item.Excerpt)
            .Append('\u0001').Append(item.Status).Append('\u0001').Append(item.Name).Append('\u0001').Append(item.DateGmt).Append('\u0001').Append(item.Date)
            .Append('\u0001').Append(item.ModifiedGmt).Append('\u0001').Append(item.Creator).Append('\u0001').Append(item.Link).Append('\u0001').Append(item.Password)
            .Append('\u0001').Append(extra);
        foreach (var t in item.Terms)
        {
            sb.Append('\u0001').Append(t.Domain).Append(':').Append(t.Slug);
        }
        foreach (var key in SeoTitleKeys.Concat(SeoDescriptionKeys).Concat(PrimaryCategoryKeys).Append("_thumbnail_id"))
        {
            sb.Append('\u0001').Append(item.MetaValue(key));
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..32];
    }
}

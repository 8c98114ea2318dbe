using System.Xml;
using Byline.Content;

namespace Byline.Distribution;

/// <summary>Sitemap protocol 0.9 with Google's image and news extensions, written with an async XmlWriter.</summary>
public sealed class SitemapWriter : IAsyncDisposable
{
    public const string SitemapNs = "http://www.sitemaps.org/schemas/sitemap/0.9";
    public const string ImageNs = "http://www.google.com/schemas/sitemap-image/1.1";
    public const string NewsNs = "http://www.google.com/schemas/sitemap-news/0.9";

    /// <summary>Flush to the client every so many URLs, so the response streams rather than piles up.</summary>
    private const int FlushEvery = 500;

    private readonly XmlWriter _x;
    private readonly string _base;
    private readonly Dateline _dateline;
    private int _written;

    private SitemapWriter(Stream output, string baseUrl, Dateline dateline)
    {
        _x = XmlWriter.Create(output, FeedWriter.Settings);
        _base = baseUrl;
        _dateline = dateline;
    }

    public int Written => _written;

    public static async Task<SitemapWriter> StartIndexAsync(Stream output, string baseUrl, Dateline dateline)
    {
        var w = new SitemapWriter(output, baseUrl, dateline);
        await w._x.WriteStartDocumentAsync();
        await w._x.WriteStartElementAsync(null, "sitemapindex", SitemapNs);
        return w;
    }

    public static async Task<SitemapWriter> StartUrlSetAsync(Stream output, string baseUrl, Dateline dateline, bool news = false)
    {
        var w = new SitemapWriter(output, baseUrl, dateline);
        await w._x.WriteStartDocumentAsync();
        await w._x.WriteStartElementAsync(null, "urlset", SitemapNs);
        await w._x.WriteAttributeStringAsync("xmlns", "image", null, ImageNs);
        if (news)
        {
            await w._x.WriteAttributeStringAsync("xmlns", "news", null, NewsNs);
        }
        return w;
    }

    public async Task SitemapAsync(string path, DateTime? lastModified)
    {
        await _x.WriteStartElementAsync(null, "sitemap", SitemapNs);
        await _x.WriteElementStringAsync(null, "loc", SitemapNs, _base + path);
        if (lastModified is { } lm)
        {
            await _x.WriteElementStringAsync(null, "lastmod", SitemapNs, _dateline.Iso(lm));
        }
        await _x.WriteEndElementAsync();
        await CountAsync();
    }

    /// <summary>One URL; <paramref name="image"/> adds the image extension, <paramref name="news"/> the news one.</summary>
    public async Task UrlAsync(string path, DateTime? lastModified, string? image = null, NewsEntry? news = null)
    {
        await _x.WriteStartElementAsync(null, "url", SitemapNs);
        await _x.WriteElementStringAsync(null, "loc", SitemapNs, _base + path);
        if (lastModified is { } lm)
        {
            await _x.WriteElementStringAsync(null, "lastmod", SitemapNs, _dateline.Iso(lm));
        }
        if (image is not null)
        {
            await _x.WriteStartElementAsync("image", "image", ImageNs);
            await _x.WriteElementStringAsync("image", "loc", ImageNs, _base + image);
            await _x.WriteEndElementAsync();
        }
        if (news is not null)
        {
            await _x.WriteStartElementAsync("news", "news", NewsNs);
            await _x.WriteStartElementAsync("news", "publication", NewsNs);
            await _x.WriteElementStringAsync("news", "name", NewsNs, news.PublicationName);
            await _x.WriteElementStringAsync("news", "language", NewsNs, news.Language);
            await _x.WriteEndElementAsync();
            await _x.WriteElementStringAsync("news", "publication_date", NewsNs, _dateline.Iso(news.PublishedAt));
            await _x.WriteElementStringAsync("news", "title", NewsNs, news.Title);
            await _x.WriteEndElementAsync();
        }
        await _x.WriteEndElementAsync();
        await CountAsync();
    }

    public async Task EndAsync()
    {
        await _x.WriteEndElementAsync();
        await _x.WriteEndDocumentAsync();
        await _x.FlushAsync();
    }

    public ValueTask DisposeAsync() => _x.DisposeAsync();

    private async Task CountAsync()
    {
        if (++_written % FlushEvery == 0)
        {
            await _x.FlushAsync();
        }
    }

    /// <summary>
    /// The ISO 639 code Google News wants from a BCP 47 tag ("en-IN" → "en"); Chinese keeps its
    /// script region ("zh-cn", "zh-tw") as Google asks.
    /// </summary>
    public static string NewsLanguage(string language)
    {
        var tag = (language ?? "").Trim().ToLowerInvariant().Replace('_', '-');
        if (tag.StartsWith("zh", StringComparison.Ordinal))
        {
            return tag is "zh-tw" or "zh-hk" or "zh-hant" or "zh-hant-tw" ? "zh-tw" : "zh-cn";
        }
        var primary = tag.Split('-')[0];
        return primary.Length is 2 or 3 && primary.All(char.IsAsciiLetterLower) ? primary : "en";
    }
}

public sealed record NewsEntry(string PublicationName, string Language, DateTime PublishedAt, string Title);

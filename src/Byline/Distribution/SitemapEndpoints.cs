using System.Globalization;
using System.Text;
using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Site.Chrome;
using Byline.Site.Head;

namespace Byline.Distribution;

/// <summary>
/// robots.txt, the sitemap index and its children, and the Google News sitemap. Children of stories
/// cover fixed id ranges, so a story keeps its file for life and each file holds at most 50,000 URLs.
/// </summary>
public static class SitemapEndpoints
{
    public const string XmlType = "application/xml; charset=utf-8";

    private static readonly string[] Verbs = [HttpMethods.Get, HttpMethods.Head];

    public static IEndpointRouteBuilder MapSitemaps(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/robots.txt", Verbs, Robots);
        app.MapMethods("/sitemap.xml", Verbs, IndexAsync);
        app.MapMethods("/sitemaps/articles-{number:int}.xml", Verbs, ArticlesAsync);
        app.MapMethods("/sitemaps/sections.xml", Verbs, SectionsAsync);
        app.MapMethods("/sitemaps/tags.xml", Verbs, (HttpContext c, SitemapQuery q) => EntriesAsync(c, q.TagsAsync()));
        app.MapMethods("/sitemaps/authors.xml", Verbs, (HttpContext c, SitemapQuery q) => EntriesAsync(c, q.AuthorsAsync()));
        app.MapMethods("/sitemaps/pages.xml", Verbs, PagesAsync);
        app.MapMethods("/news-sitemap.xml", Verbs, NewsAsync);
        return app;
    }

    private static IResult Robots(HttpContext context, PublicAddress address)
    {
        var baseUrl = address.BaseFor(context.Request);
        var text = new StringBuilder()
            .Append("User-agent: *\n")
            .Append("Disallow: /newsroom\n")
            .Append("Disallow: /search\n")
            .Append("Disallow: /api/\n")
            .Append('\n')
            .Append("Sitemap: ").Append(baseUrl).Append("/sitemap.xml\n")
            .Append("Sitemap: ").Append(baseUrl).Append("/news-sitemap.xml\n")
            .ToString();
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Text(text, "text/plain; charset=utf-8");
    }

    private static async Task IndexAsync(HttpContext context, SitemapQuery query)
    {
        var ct = context.RequestAborted;
        var ranges = await query.ArticleRangesAsync(ct);
        var newest = await query.NewestPublicationAsync(ct);
        var pages = await query.NewestStaticPageAsync(ct);
        await using var w = await StartAsync(context, [ContentKeys.Sitemaps], index: true);
        if (w is null)
        {
            return;
        }
        await w.SitemapAsync("/sitemaps/pages.xml", Latest(newest, pages));
        await w.SitemapAsync("/sitemaps/sections.xml", newest);
        await w.SitemapAsync("/sitemaps/tags.xml", newest);
        await w.SitemapAsync("/sitemaps/authors.xml", newest);
        foreach (var range in ranges)
        {
            await w.SitemapAsync(ArticlesPath(range.Number), range.LastModified);
        }
        await w.EndAsync();
    }

    public static string ArticlesPath(int number) => $"/sitemaps/articles-{number.ToString(CultureInfo.InvariantCulture)}.xml";

    private static async Task ArticlesAsync(HttpContext context, SitemapQuery query, int number)
    {
        var ct = context.RequestAborted;
        if (number < 0 || number > int.MaxValue / SitemapQuery.UrlsPerSitemap)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var chrome = await query.ChromeAsync(ct);
        await using var enumerator = query.ArticlesAsync(number).GetAsyncEnumerator(ct);
        // An id range without a published story is not a sitemap (and the index never names it).
        if (!await enumerator.MoveNextAsync())
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        await using var w = await StartAsync(context, [ContentKeys.Sitemaps], index: false);
        if (w is null)
        {
            return;
        }
        do
        {
            var a = enumerator.Current;
            if (!chrome.ById.TryGetValue(a.TopSectionId, out var top))
            {
                chrome = await query.ReloadChromeAsync(ct);
                if (!chrome.ById.TryGetValue(a.TopSectionId, out top))
                {
                    continue;
                }
            }
            await w.UrlAsync(a.Path(top.Slug), a.ChangedAt, ImagePath(a));
        }
        while (await enumerator.MoveNextAsync());
        await w.EndAsync();
    }

    private static async Task SectionsAsync(HttpContext context, SitemapQuery query)
    {
        var sections = await query.SectionsAsync(context.RequestAborted);
        await using var w = await StartAsync(context, [ContentKeys.Sitemaps], index: false);
        if (w is null)
        {
            return;
        }
        foreach (var s in sections)
        {
            await w.UrlAsync(s.Path, s.LastModified);
        }
        await w.EndAsync();
    }

    private static async Task EntriesAsync(HttpContext context, IAsyncEnumerable<SitemapEntry> entries)
    {
        await using var w = await StartAsync(context, [ContentKeys.Sitemaps], index: false);
        if (w is null)
        {
            return;
        }
        await foreach (var e in entries.WithCancellation(context.RequestAborted))
        {
            await w.UrlAsync(e.Path, e.LastModified);
        }
        await w.EndAsync();
    }

    private static async Task PagesAsync(HttpContext context, SitemapQuery query)
    {
        var ct = context.RequestAborted;
        var newest = await query.NewestPublicationAsync(ct);
        // Only the pages the site routes (the footer's fixed set) are real URLs.
        var pages = (await query.StaticPagesAsync(ct)).Where(p => StaticPageSlugs.Titles.ContainsKey(p.Path[1..])).ToList();
        var formats = await query.NewestPerFormatAsync(ct);
        var shows = await query.ShowsAsync(ct);
        await using var w = await StartAsync(context, [ContentKeys.Sitemaps, ContentKeys.Home, ContentKeys.Shows], index: false);
        if (w is null)
        {
            return;
        }
        await w.UrlAsync("/", newest);
        await w.UrlAsync("/sitemap", newest);
        foreach (var p in pages)
        {
            await w.UrlAsync(p.Path, p.LastModified);
        }
        // The formats' own list pages. Their stories are in the story sitemaps at their own addresses.
        foreach (var (path, format) in FormatListPages)
        {
            await w.UrlAsync(path, formats.TryGetValue(format, out var last) ? last : newest);
        }
        await w.UrlAsync("/shows", shows.Count > 0 ? shows.Max(s => s.LastModified) : newest);
        await w.UrlAsync("/live", newest);
        foreach (var show in shows)
        {
            await w.UrlAsync(show.Path, show.LastModified);
        }
        await w.EndAsync();
    }

    private static readonly (string Path, StoryFormat Format)[] FormatListPages =
        [("/shorts", StoryFormat.ShortNews), ("/events", StoryFormat.Hub), ("/web-stories", StoryFormat.WebStory)];

    private static async Task NewsAsync(HttpContext context, SitemapQuery query, SiteSettingsStore store, TimeProvider clock)
    {
        var ct = context.RequestAborted;
        var settings = store.Current;
        var language = SitemapWriter.NewsLanguage(settings.Language);
        var chrome = await query.ChromeAsync(ct);
        await using var w = await StartAsync(context, [ContentKeys.Latest, ContentKeys.Sitemaps], index: false, news: true);
        if (w is null)
        {
            return;
        }
        // The window moves with the clock even when nothing is published: keep caches short.
        context.Response.Headers.CacheControl = "public, max-age=60";
        await foreach (var a in query.NewsAsync(clock.GetUtcNow().UtcDateTime).WithCancellation(ct))
        {
            if (!chrome.ById.TryGetValue(a.TopSectionId, out var top))
            {
                chrome = await query.ReloadChromeAsync(ct);
                if (!chrome.ById.TryGetValue(a.TopSectionId, out top))
                {
                    continue;
                }
            }
            await w.UrlAsync(a.Path(top.Slug), a.ChangedAt, ImagePath(a),
                new NewsEntry(settings.PublicationName, language, a.PublishedAt, a.Headline));
        }
        await w.EndAsync();
    }

    /// <summary>Sets the headers and opens the writer; null for HEAD, which gets the headers only.</summary>
    private static async Task<SitemapWriter?> StartAsync(HttpContext context, IEnumerable<string> keys, bool index, bool news = false)
    {
        var services = context.RequestServices;
        var store = services.GetRequiredService<SiteSettingsStore>();
        var baseUrl = services.GetRequiredService<PublicAddress>().BaseFor(context.Request);
        DistributionCache.Tag(context, keys);
        context.Response.ContentType = XmlType;
        context.Response.Headers.CacheControl = "public, max-age=300";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return null;
        }
        var body = context.Response.Body;
        return index
            ? await SitemapWriter.StartIndexAsync(body, baseUrl, store.Dateline)
            : await SitemapWriter.StartUrlSetAsync(body, baseUrl, store.Dateline, news);
    }

    private static string? ImagePath(SitemapArticle a) =>
        a.ImageKey is not null && a.ImageWidths is not null && LeadImages.LargestWidth(a.ImageWidths) is int w
            ? MediaPaths.Url(a.ImageKey, w, "jpg")
            : null;

    private static DateTime? Latest(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a > b ? a : b;
}

using Byline.Content;
using Byline.Site.Chrome;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Distribution;

public sealed record SitemapArticle(int Id, string Slug, int TopSectionId, string Headline, DateTime PublishedAt, DateTime? UpdatedAt, string? ImageKey, string? ImageWidths,
    StoryFormat Format = StoryFormat.Article, string? ShowSlug = null)
{
    public DateTime ChangedAt => UpdatedAt is { } u && u > PublishedAt ? u : PublishedAt;

    /// <summary>The story's canonical path for its format (a short under /shorts, an episode under its show…).</summary>
    public string Path(string topSectionSlug) => StoryFormats.Path(Format, topSectionSlug, Slug, Id, ShowSlug);
}

public sealed record SitemapEntry(string Path, DateTime? LastModified);

/// <summary>One child sitemap of stories: ids [Number × 50,000, (Number + 1) × 50,000).</summary>
public sealed record ArticleRange(int Number, DateTime LastModified);

/// <summary>
/// Reads what the sitemaps list. Long lists come back as <see cref="IAsyncEnumerable{T}"/> of small
/// no-tracking projections, so a child sitemap of 50,000 stories streams from the database reader
/// to the response without ever being held in memory.
/// </summary>
public sealed class SitemapQuery(BylineDb db, SiteChrome chrome)
{
    /// <summary>The protocol's limit on URLs per sitemap file.</summary>
    public const int UrlsPerSitemap = 50_000;

    public const int NewsMaxUrls = 1_000;
    public static readonly TimeSpan NewsWindow = TimeSpan.FromHours(48);

    private IQueryable<Article> Published() => db.Articles.AsNoTracking().Where(a => a.Status == ArticleStatus.Published);

    /// <summary>
    /// The id ranges that hold published stories and the newest change in each. One grouped scan
    /// of the (Status, ModifiedAt) index, which on SQLite carries the row id and so never reads rows.
    /// </summary>
    public async Task<IReadOnlyList<ArticleRange>> ArticleRangesAsync(CancellationToken ct)
    {
        var rows = await Published()
            .GroupBy(a => a.Id / UrlsPerSitemap)
            .Select(g => new { Number = g.Key, Last = g.Max(a => a.ModifiedAt) })
            .OrderBy(g => g.Number)
            .ToListAsync(ct);
        return [.. rows.Select(r => new ArticleRange(r.Number, r.Last))];
    }

    public IAsyncEnumerable<SitemapArticle> ArticlesAsync(int number)
    {
        // Int like the key, so the range stays a plain rowid/primary-key range (callers bound number).
        var from = number * UrlsPerSitemap;
        var to = number >= int.MaxValue / UrlsPerSitemap ? int.MaxValue : from + UrlsPerSitemap;
        return Published()
            .Where(a => a.Id >= from && a.Id < to)
            .OrderBy(a => a.Id)
            .Select(a => new SitemapArticle(a.Id, a.Slug, a.TopSectionId, a.Headline, a.PublishedAt!.Value, a.UpdatedAt,
                a.LeadImage == null ? null : a.LeadImage.Key, a.LeadImage == null ? null : a.LeadImage.Widths,
                a.Format, a.ShowId == null ? null : db.Shows.Where(s => s.Id == a.ShowId).Select(s => s.Slug).FirstOrDefault()))
            .AsAsyncEnumerable();
    }

    /// <summary>Stories published in the last 48 hours, newest first, at most 1,000 (Google News' rules).</summary>
    public IAsyncEnumerable<SitemapArticle> NewsAsync(DateTime nowUtc)
    {
        var since = nowUtc - NewsWindow;
        return Published()
            // A topic hub is a landing page, not a news article.
            .Where(a => a.PublishedAt >= since && a.PublishedAt <= nowUtc && a.Format != StoryFormat.Hub)
            .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id)
            .Take(NewsMaxUrls)
            .Select(a => new SitemapArticle(a.Id, a.Slug, a.TopSectionId, a.Headline, a.PublishedAt!.Value, a.UpdatedAt,
                a.LeadImage == null ? null : a.LeadImage.Key, a.LeadImage == null ? null : a.LeadImage.Widths,
                a.Format, a.ShowId == null ? null : db.Shows.Where(s => s.Id == a.ShowId).Select(s => s.Slug).FirstOrDefault()))
            .AsAsyncEnumerable();
    }

    public Task<DateTime?> NewestPublicationAsync(CancellationToken ct) =>
        Published().OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Select(a => a.PublishedAt).FirstOrDefaultAsync(ct);

    public Task<DateTime?> NewestStaticPageAsync(CancellationToken ct) =>
        db.StaticPages.AsNoTracking().MaxAsync(p => (DateTime?)p.UpdatedAt, ct);

    /// <summary>Sections and sub-sections that list at least one story, each with its newest story's time (one index seek each).</summary>
    public async Task<IReadOnlyList<SitemapEntry>> SectionsAsync(CancellationToken ct)
    {
        var snapshot = await chrome.GetAsync(ct);
        var rows = await db.Sections.AsNoTracking().Select(s => new
        {
            s.Id,
            Last = s.ParentId == null
                ? db.Articles.Where(a => a.Status == ArticleStatus.Published && a.TopSectionId == s.Id).Max(a => a.PublishedAt)
                : db.Articles.Where(a => a.Status == ArticleStatus.Published && a.SectionId == s.Id).Max(a => a.PublishedAt),
        }).ToListAsync(ct);
        if (rows.Any(r => !snapshot.ById.ContainsKey(r.Id)))
        {
            snapshot = await chrome.ReloadAsync(ct);
        }
        return [.. rows.Where(r => r.Last is not null && snapshot.ById.ContainsKey(r.Id))
            .Select(r => new SitemapEntry(snapshot.ById[r.Id].Url, r.Last))
            .OrderBy(e => e.Path, StringComparer.Ordinal)];
    }

    /// <summary>Tags that list a story (an empty tag page is thin and kept out of the index), newest story first per tag.</summary>
    public IAsyncEnumerable<SitemapEntry> TagsAsync() =>
        db.Tags.AsNoTracking()
            .Select(t => new { t.Id, t.Slug, Last = db.ArticleTags.Where(x => x.TagId == t.Id && x.ListedAt != null).Max(x => x.ListedAt) })
            .Where(t => t.Last != null)
            .OrderBy(t => t.Id)
            .Take(UrlsPerSitemap)
            .Select(t => new SitemapEntry("/tag/" + t.Slug, t.Last))
            .AsAsyncEnumerable();

    public IAsyncEnumerable<SitemapEntry> AuthorsAsync() =>
        db.Authors.AsNoTracking()
            .Select(a => new { a.Id, a.Slug, Last = db.ArticleAuthors.Where(x => x.AuthorId == a.Id && x.ListedAt != null).Max(x => x.ListedAt) })
            .Where(a => a.Last != null)
            .OrderBy(a => a.Id)
            .Take(UrlsPerSitemap)
            .Select(a => new SitemapEntry("/author/" + a.Slug, a.Last))
            .AsAsyncEnumerable();

    public async Task<IReadOnlyList<SitemapEntry>> StaticPagesAsync(CancellationToken ct) =>
        await db.StaticPages.AsNoTracking().OrderBy(p => p.Slug).Select(p => new SitemapEntry("/" + p.Slug, p.UpdatedAt)).ToListAsync(ct);

    /// <summary>Newest publication time per format, for the formats' own list pages (/shorts, /events…).</summary>
    public async Task<IReadOnlyDictionary<StoryFormat, DateTime>> NewestPerFormatAsync(CancellationToken ct)
    {
        var rows = await Published().GroupBy(a => a.Format)
            .Select(g => new { Format = g.Key, Last = g.Max(a => a.PublishedAt) })
            .ToListAsync(ct);
        return rows.Where(r => r.Last is not null).ToDictionary(r => r.Format, r => r.Last!.Value);
    }

    /// <summary>Active shows with their newest episode's time (the show pages, built by the shows feature).</summary>
    public async Task<IReadOnlyList<SitemapEntry>> ShowsAsync(CancellationToken ct) =>
        await db.Shows.AsNoTracking().Where(s => s.IsActive).OrderBy(s => s.Position).ThenBy(s => s.Id)
            .Select(s => new SitemapEntry("/shows/" + s.Slug,
                db.Articles.Where(a => a.ShowId == s.Id && a.Status == ArticleStatus.Published).Max(a => a.PublishedAt) ?? s.CreatedAt))
            .ToListAsync(ct);

    public Task<ChromeSnapshot> ChromeAsync(CancellationToken ct) => chrome.GetAsync(ct);

    public Task<ChromeSnapshot> ReloadChromeAsync(CancellationToken ct) => chrome.ReloadAsync(ct);
}

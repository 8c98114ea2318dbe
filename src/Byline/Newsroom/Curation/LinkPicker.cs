using Byline.Content;
using Byline.Site.Chrome;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Curation;

/// <summary>One place a menu, footer or trending link can lead: what it is, its name, its canonical path.</summary>
public sealed record LinkChoice(string Kind, string Label, string Path);

/// <summary>
/// The link picker behind <em>Find…</em> on the menu, footer and trending forms: sections, tags, authors,
/// shows, the site's own pages and published stories whose name contains the typed text, each with the
/// path readers use. Editors only; at most <see cref="PerKind"/> of each kind, so one look-up costs a few
/// bounded queries whatever is typed.
/// </summary>
public static class LinkPicker
{
    public const int PerKind = 5;
    public const int MinLength = 2;
    public const int MaxLength = 100;

    /// <summary>The reader pages that are not content rows, by the name editors know them by.</summary>
    private static readonly (string Label, string Path)[] SitePages =
    [
        ("Home", "/"), ("Short news", "/shorts"), ("Video shows", "/shows"), ("Live TV", "/live"), ("Events", "/events"),
        ("Web stories", "/web-stories"), ("Newsletters", "/newsletters"), ("Search", "/search"), ("Sitemap", "/sitemap"),
    ];

    public static IEndpointRouteBuilder MapLinkPicker(this IEndpointRouteBuilder app)
    {
        app.MapGet("/newsroom/api/links", async (string? q, BylineDb db, HttpContext http, CancellationToken ct) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return Results.Json(await FindAsync(db, q, ct));
        }).RequireAuthorization(Policies.Editor).ExcludeFromDescription();
        return app;
    }

    public static async Task<IReadOnlyList<LinkChoice>> FindAsync(BylineDb db, string? q, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var term = (q ?? "").Trim();
        if (term.Length is < MinLength or > MaxLength)
        {
            return [];
        }
        var found = new List<LinkChoice>();

        var sections = await db.Sections.AsNoTracking().WhereContains(db.Database, s => s.Name, term)
            .OrderBy(s => s.ParentId != null).ThenBy(s => s.Name).Take(PerKind)
            .Select(s => new { s.Name, s.Slug, Parent = s.Parent == null ? null : s.Parent.Slug }).ToListAsync(ct);
        found.AddRange(sections.Select(s => new LinkChoice("Section", s.Name, s.Parent is null ? "/" + s.Slug : $"/{s.Parent}/{s.Slug}")));

        var pages = await db.StaticPages.AsNoTracking().Select(p => new { p.Slug, p.Title }).ToListAsync(ct);
        var titles = StaticPageSlugs.Titles.ToDictionary(t => t.Key, t => pages.FirstOrDefault(p => p.Slug == t.Key)?.Title ?? t.Value, StringComparer.Ordinal);
        found.AddRange(titles.Select(t => new LinkChoice("Page", t.Value, "/" + t.Key))
            .Concat(SitePages.Select(p => new LinkChoice("Page", p.Label, p.Path)))
            .Where(c => c.Label.Contains(term, StringComparison.OrdinalIgnoreCase)).Take(PerKind));

        var tags = await db.Tags.AsNoTracking().WhereContains(db.Database, t => t.Name, term)
            .OrderBy(t => t.Name).Take(PerKind).Select(t => new { t.Name, t.Slug }).ToListAsync(ct);
        found.AddRange(tags.Select(t => new LinkChoice("Tag", t.Name, "/tag/" + t.Slug)));

        var authors = await db.Authors.AsNoTracking().WhereContains(db.Database, a => a.Name, term)
            .OrderBy(a => a.Name).Take(PerKind).Select(a => new { a.Name, a.Slug, a.IsDesk }).ToListAsync(ct);
        found.AddRange(authors.Select(a => new LinkChoice(a.IsDesk ? "Desk" : "Author", a.Name, "/author/" + a.Slug)));

        var shows = await db.Shows.AsNoTracking().WhereContains(db.Database, s => s.Name, term)
            .OrderBy(s => s.Name).Take(PerKind).Select(s => new { s.Name, s.Slug }).ToListAsync(ct);
        found.AddRange(shows.Select(s => new LinkChoice("Show", s.Name, "/shows/" + s.Slug)));

        var stories = await db.Articles.AsNoTracking().Where(a => a.Status == ArticleStatus.Published)
            .WhereContains(db.Database, a => a.Headline, term)
            .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Take(PerKind)
            .Select(a => new
            {
                a.Id, a.Headline, a.Slug, a.Format,
                Top = db.Sections.Where(s => s.Id == a.TopSectionId).Select(s => s.Slug).FirstOrDefault(),
                Show = db.Shows.Where(s => s.Id == a.ShowId).Select(s => s.Slug).FirstOrDefault(),
            }).ToListAsync(ct);
        found.AddRange(stories.Select(s => new LinkChoice(StoryFormats.Label(s.Format), s.Headline, StoryFormats.Path(s.Format, s.Top ?? "", s.Slug, s.Id, s.Show))));
        return found;
    }
}

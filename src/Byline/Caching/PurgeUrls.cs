using Byline.Content;
using Byline.Events;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Caching;

/// <summary>
/// The pages a change's content keys are the hard keys of, as URL paths, for a CDN that purges by URL
/// (Cloudflare without cache tags, a plain HTTP purge): a story's page, section fronts, tag and author
/// pages, static pages, the home page and the sitemaps. Keys only shown as side lists (<c>latest</c> on
/// article pages), <c>settings</c> and <c>chrome</c> name every page and are not sent: those copies age
/// out with <c>s-maxage</c>. Only the first page of a paged list is named.
/// </summary>
public sealed class PurgeUrls(IServiceScopeFactory scopes)
{
    public async Task<List<string>> PathsAsync(IReadOnlyCollection<string> keys, int max, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var paths = new List<string>();
        var articles = ContentKeys.IdsOf(keys, "article:");
        var sections = ContentKeys.IdsOf(keys, "section:");
        var tags = ContentKeys.IdsOf(keys, "tag:");
        var authors = ContentKeys.IdsOf(keys, "author:");
        if (keys.Contains(ContentKeys.Home))
        {
            paths.Add("/");
        }
        if (articles.Count + sections.Count + tags.Count + authors.Count > 0)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            var stories = await db.Articles.AsNoTracking().Where(a => articles.Contains(a.Id))
                .Join(db.Sections, a => a.TopSectionId, s => s.Id, (a, s) => new { Section = s.Slug, a.Slug, a.Id })
                .ToListAsync(ct);
            paths.AddRange(stories.OrderBy(s => s.Id).Select(s => Slugs.ArticlePath(s.Section, s.Slug, s.Id)));
            var fronts = await db.Sections.AsNoTracking().Where(s => sections.Contains(s.Id))
                .Select(s => new { s.Id, s.Slug, Parent = s.Parent == null ? null : s.Parent.Slug })
                .ToListAsync(ct);
            paths.AddRange(fronts.OrderBy(s => s.Id).Select(s => s.Parent is null ? "/" + s.Slug : $"/{s.Parent}/{s.Slug}"));
            var tagSlugs = await db.Tags.AsNoTracking().Where(t => tags.Contains(t.Id)).OrderBy(t => t.Id).Select(t => t.Slug).ToListAsync(ct);
            paths.AddRange(tagSlugs.Select(s => "/tag/" + s));
            var authorSlugs = await db.Authors.AsNoTracking().Where(a => authors.Contains(a.Id)).OrderBy(a => a.Id).Select(a => a.Slug).ToListAsync(ct);
            paths.AddRange(authorSlugs.Select(s => "/author/" + s));
        }
        paths.AddRange(keys.Where(k => k.StartsWith("page:", StringComparison.Ordinal)).Select(k => "/" + k["page:".Length..]));
        if (keys.Contains(ContentKeys.Sitemaps))
        {
            paths.AddRange(["/sitemap", "/sitemap.xml", "/news-sitemap.xml"]);
        }
        return [.. paths.Distinct(StringComparer.Ordinal).Take(max)];
    }
}

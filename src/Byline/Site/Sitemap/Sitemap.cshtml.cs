using Byline.Discovery;
using Byline.Distribution;
using Byline.Events;
using Byline.Site.Head;
using Byline.Publishing;
using Byline.Site.Stories;

namespace Byline.Site.Sitemap;

/// <summary>The HTML sitemap for readers: every section and sub-section, the static pages and the newest stories.</summary>
public sealed class SitemapModel(StoryLists lists, TimeProvider clock) : SitePageModel
{
    public IReadOnlyList<StoryCard> Recent { get; private set; } = [];
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Recent = await lists.LatestAsync(20, ct);
        Title = "Sitemap";
        Description = $"Every section and page of {Settings.PublicationName}.";
        CanonicalPath = "/sitemap";
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.WebPage(Ld, "WebPage", CanonicalPath, Title, Description)));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.Breadcrumbs(Ld, [new("Home", "/"), new("Sitemap", CanonicalPath)])));
        CacheAs([ContentKeys.Sitemaps, ContentKeys.Latest]);
    }
}

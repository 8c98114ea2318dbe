using Byline.Publishing;
using System.Text.Json;
using Byline.Content;
using Byline.Site.Chrome;
using Byline.Site.Stories;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Site.Articles;

public sealed class ArticlePageModel(ArticleQuery query, StoryLists lists, SiteChrome chrome, TimeProvider clock) : SitePageModel
{
    private const int LatestCount = 8;
    private const int QuickReadCount = 3;

    public ArticleRow Article { get; private set; } = null!;
    public SectionNode Section { get; private set; } = null!;
    public SectionNode TopSection { get; private set; } = null!;
    public IReadOnlyList<ArticleAuthorLink> Authors { get; private set; } = [];
    public IReadOnlyList<ArticleTagLink> Tags { get; private set; } = [];
    public IReadOnlyList<BodyItem> Body { get; private set; } = [];
    public IReadOnlyList<StoryCard> Related { get; private set; } = [];
    public IReadOnlyList<StoryCard> QuickReads { get; private set; } = [];
    public IReadOnlyList<StoryCard> Latest { get; private set; } = [];
    public IReadOnlyList<StoryCard> TopStories { get; private set; } = [];
    public string ArticleUrl { get; private set; } = "";
    public string JsonLd { get; private set; } = "";
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(string section, string key, CancellationToken ct)
    {
        if (!Slugs.TryParseArticleKey(key, out _, out var id))
        {
            return NotFound();
        }
        var article = await query.FindAsync(id, ct);
        if (article is not { Status: ArticleStatus.Published, PublishedAt: not null })
        {
            return NotFound();
        }
        if (!Chrome.ById.ContainsKey(article.SectionId) || !Chrome.ById.ContainsKey(article.TopSectionId))
        {
            Chrome = await chrome.ReloadAsync(ct);
        }
        if (!Chrome.ById.TryGetValue(article.SectionId, out var storySection) || !Chrome.ById.TryGetValue(article.TopSectionId, out var top))
        {
            return NotFound();
        }
        var canonical = Slugs.ArticlePath(top.Slug, article.Slug, article.Id);
        if (!string.Equals(Request.Path.Value, canonical, StringComparison.Ordinal))
        {
            // The id is the key: an old slug or a moved section answers with the story's current address.
            return RedirectPermanent(canonical);
        }

        Article = article;
        Section = storySection;
        TopSection = top;
        ArticleUrl = AbsoluteUrl(canonical);
        Authors = await query.AuthorsAsync(id, ct);
        Tags = await query.TagsAsync(id, ct);
        var relatedIds = await query.RelatedIdsAsync(article, Tags, 2, ct);
        // One read of the newest stories serves Latest News, the inline quick reads and, when
        // nothing is curated, Top Stories; the cards of all three lists come in one query.
        var newestIds = await lists.LatestIdsAsync(LatestCount + QuickReadCount + 1, ct);
        var topIds = await lists.TopStoryIdsAsync(7, ct);
        if (topIds.Count == 0)
        {
            topIds = [.. newestIds.Take(7)];
        }
        var cards = await lists.CardsByIdAsync([.. relatedIds, .. newestIds, .. topIds], ct);
        Related = StoryLists.Pick(cards, relatedIds);
        var newest = StoryLists.Pick(cards, newestIds);
        Latest = [.. newest.Where(s => s.Id != id).Take(LatestCount)];
        QuickReads = [.. newest.Where(s => s.TopSectionId != article.TopSectionId).Take(QuickReadCount)];
        TopStories = [.. StoryLists.Pick(cards, topIds).Where(s => s.Id != id).Take(6)];
        Body = BodyLayout.Arrange(BodyDocument.Deserialize(article.BodyJson), Settings.Insertion);

        Title = string.IsNullOrWhiteSpace(article.SeoTitle) ? article.Headline : article.SeoTitle;
        Description = string.IsNullOrWhiteSpace(article.SeoDescription) ? article.Standfirst : article.SeoDescription;
        CanonicalPath = canonical;
        // The story itself evicts its page; the lists beside it (more from the section, latest, top
        // stories) and the names of its tags and authors only make it stale.
        CacheAs([ContentKeys.Article(id)], [
            ContentKeys.Section(article.SectionId), ContentKeys.Section(article.TopSectionId), ContentKeys.Latest, ContentKeys.Home,
            .. Tags.Select(t => ContentKeys.Tag(t.Id)), .. Authors.Select(a => ContentKeys.Author(a.Id))]);
        JsonLd = BuildJsonLd();
        return Page();
    }

    public string ShareWhatsApp => "https://wa.me/?text=" + Uri.EscapeDataString($"{Article.Headline} {ArticleUrl}");
    public string ShareFacebook => "https://www.facebook.com/sharer/sharer.php?u=" + Uri.EscapeDataString(ArticleUrl);
    public string ShareX => "https://x.com/intent/post?url=" + Uri.EscapeDataString(ArticleUrl) + "&text=" + Uri.EscapeDataString(Article.Headline);

    public IEnumerable<(string Kind, CallToAction Cta)> CallsToAction()
    {
        if (Settings.Newsletter.Enabled)
        {
            yield return ("newsletter", Settings.Newsletter);
        }
        if (Settings.Membership.Enabled)
        {
            yield return ("membership", Settings.Membership);
        }
        if (Settings.PreferredSource.Enabled)
        {
            yield return ("preferred-source", Settings.PreferredSource);
        }
    }

    private string BuildJsonLd()
    {
        var published = Article.PublishedAt!.Value;
        var data = new Dictionary<string, object?>
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "NewsArticle",
            ["headline"] = Article.Headline,
            ["description"] = Description,
            ["datePublished"] = Dateline.Iso(published),
            ["dateModified"] = Dateline.Iso(Article.UpdatedAt ?? published),
            ["mainEntityOfPage"] = new Dictionary<string, object?> { ["@type"] = "WebPage", ["@id"] = ArticleUrl },
            ["articleSection"] = Section.Name,
            ["author"] = Authors.Select(a => new Dictionary<string, object?>
            {
                ["@type"] = a.IsDesk ? "Organization" : "Person",
                ["name"] = a.Name,
                ["url"] = AbsoluteUrl("/author/" + a.Slug),
            }).ToList(),
            ["publisher"] = new Dictionary<string, object?> { ["@type"] = "NewsMediaOrganization", ["name"] = Settings.PublicationName, ["url"] = AbsoluteUrl("/") },
        };
        if (Article.Lead is { } lead)
        {
            data["image"] = MediaPaths.ParseWidths(lead.Widths).Select(w => AbsoluteUrl(MediaPaths.Url(lead.Key, w, "jpg"))).ToList();
        }
        // The default encoder escapes <, > and & as \u003C etc., so the JSON cannot close the script element.
        return JsonSerializer.Serialize(data);
    }
}

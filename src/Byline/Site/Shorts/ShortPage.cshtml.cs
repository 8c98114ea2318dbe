using Byline.Content;
using Byline.Discovery;
using Byline.Distribution;
using Byline.Events;
using Byline.Site.Head;
using Byline.Publishing;
using Byline.Site.Articles;
using Byline.Site.Chrome;
using Byline.Site.Stories;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Site.Shorts;

/// <summary>
/// One short at /shorts/{slug}-{id}: headline, summary, image, the link to its full story, share links
/// and more shorts. Also the newsroom preview of a short (/newsroom/stories/{id}/preview/short).
/// </summary>
public sealed class ShortPageModel(ArticleQuery query, StoryLists lists, ShortNews shorts, SiteChrome chrome, TimeProvider clock) : SitePageModel
{
    private const int MoreCount = 6;

    public ArticleRow Story { get; private set; } = null!;
    public SectionNode Section { get; private set; } = null!;
    public StoryCard? FullStory { get; private set; }
    public IReadOnlyList<ArticleTagLink> Tags { get; private set; } = [];
    public IReadOnlyList<ShortItem> More { get; private set; } = [];
    public string ShortUrl { get; private set; } = "";
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(string? key, int? previewId, CancellationToken ct)
    {
        int id;
        if (previewId is { } p)
        {
            if (await BeginPreviewAsync() is { } refused)
            {
                return refused;
            }
            id = p;
        }
        else if (!Slugs.TryParseArticleKey(key, out _, out id))
        {
            return NotFound();
        }
        var row = await query.FindAsync(id, ct);
        if (row is null || row.Format != StoryFormat.ShortNews || (!IsPreview && row is not { Status: ArticleStatus.Published, PublishedAt: not null }))
        {
            return NotFound();
        }
        row = row with { PublishedAt = row.PublishedAt ?? NowUtc };
        if (!Chrome.ById.ContainsKey(row.SectionId))
        {
            Chrome = await chrome.ReloadAsync(ct);
        }
        if (!Chrome.ById.TryGetValue(row.SectionId, out var section))
        {
            return NotFound();
        }
        var canonical = StoryFormats.Path(StoryFormat.ShortNews, "", row.Slug, row.Id);
        if (!IsPreview && !string.Equals(Request.Path.Value, canonical, StringComparison.Ordinal))
        {
            return RedirectPermanent(canonical);
        }
        Story = row;
        Section = section;
        ShortUrl = AbsoluteUrl(canonical);
        Tags = await query.TagsAsync(id, ct);
        var newest = await lists.NewestOfFormatIdsAsync(StoryFormat.ShortNews, MoreCount + 1, ct);
        var cards = await lists.CardsByIdAsync([.. newest, .. row.LinkedArticleId is { } l ? [l] : Array.Empty<int>()], ct);
        FullStory = row.LinkedArticleId is { } linked && cards.TryGetValue(linked, out var full) ? full : null;
        More = await shorts.ItemsAsync([.. StoryLists.Pick(cards, newest).Where(c => c.Id != id).Take(MoreCount)], ct);

        Title = string.IsNullOrWhiteSpace(row.SeoTitle) ? row.Headline : row.SeoTitle;
        Description = string.IsNullOrWhiteSpace(row.SeoDescription) ? row.Standfirst : row.SeoDescription;
        CanonicalPath = canonical;
        Describe(canonical);
        CacheAs([ContentKeys.Article(id)], [ContentKeys.Format(StoryFormat.ShortNews), .. FullStory is null ? Array.Empty<string>() : [ContentKeys.Article(FullStory.Id)]]);
        return Page();
    }

    /// <summary>The page only reads; on the preview route an anonymous POST is first sent to sign in.</summary>
    public IActionResult OnPost(int? previewId) =>
        previewId is not null && User.Identity?.IsAuthenticated != true ? Challenge() : StatusCode(StatusCodes.Status405MethodNotAllowed);

    public string ShareWhatsApp => "https://wa.me/?text=" + Uri.EscapeDataString($"{Story.Headline} {ShortUrl}");
    public string ShareFacebook => "https://www.facebook.com/sharer/sharer.php?u=" + Uri.EscapeDataString(ShortUrl);
    public string ShareX => "https://x.com/intent/post?url=" + Uri.EscapeDataString(ShortUrl) + "&text=" + Uri.EscapeDataString(Story.Headline);

    private void Describe(string canonical)
    {
        var published = Story.PublishedAt!.Value;
        var modified = Story.UpdatedAt is { } u && u > published ? u : published;
        var images = Story.Lead is { } lead ? LeadImages.WithCrops(lead.Key, lead.Widths, lead.Width, lead.Height) : [];
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.NewsArticle(Ld, new LdArticle(
            canonical, Story.Headline, Description, published, Story.UpdatedAt, Section.Name, [.. Tags.Select(t => t.Name)], [], images,
            FormatRules.CountWords(Story.Standfirst)))));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.Breadcrumbs(Ld,
            [new("Home", "/"), new("Short news", ShortsPageModel.BasePath), new(StructuredData.Headline(Story.Headline), canonical)])));
        Head.OgType = "article";
        Head.Image = images.Count > 0 ? images[0] : null;
        Head.ImageAlt = Story.Lead?.Alt;
        Head.Article = new ArticleCard(Dateline.Iso(published), Dateline.Iso(modified), Section.Name, [.. Tags.Select(t => t.Name)]);
        Head.Feeds.Add(FeedLink.For("Short news", ShortsPageModel.BasePath));
    }
}

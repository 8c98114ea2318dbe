using Byline.Content;
using Byline.Discovery;
using Byline.Distribution;
using Byline.Events;
using Byline.Site.Head;
using Byline.Publishing;
using Byline.Site.Chrome;
using Byline.Site.Stories;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Site.Hubs;

/// <summary>
/// A topic hub at /events/{slug}: intro, hero, key facts, the live blog's latest updates, the pinned
/// stories in the editors' order, then every listed story carrying one of the hub's tags, newest
/// first and paginated. Also the newsroom preview (/newsroom/stories/{id}/preview/hub).
/// </summary>
public sealed class HubPageModel(HubQuery hubs, StoryLists lists, TimeProvider clock) : SitePageModel
{
    public HubRow Hub { get; private set; } = null!;
    public IReadOnlyList<BodyBlock> Intro { get; private set; } = [];
    public IReadOnlyList<StoryCard> Pinned { get; private set; } = [];
    public StoryPage Stories { get; private set; } = null!;
    public LiveTeaser? Live { get; private set; }
    public string BasePath { get; private set; } = "";
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(string? slug, int? previewId, CancellationToken ct)
    {
        if (!TryReadPaging(out var paging, out var problem))
        {
            return problem!;
        }
        int id;
        if (previewId is { } p)
        {
            if (await BeginPreviewAsync() is { } refused)
            {
                return refused;
            }
            id = p;
        }
        else if (!Slugs.IsValid(slug) || await hubs.PublishedIdBySlugAsync(slug!, ct) is not { } found)
        {
            // A renamed hub keeps its old address answering with the new one.
            return Slugs.IsValid(slug) && await hubs.RenamedToAsync(slug!, ct) is { } current && current != slug
                ? RedirectPermanent(StoryFormats.Path(StoryFormat.Hub, "", current, 0) + Request.QueryString)
                : NotFound();
        }
        else
        {
            id = found;
        }
        var hub = await hubs.FindAsync(id, ct);
        if (hub is null || (!IsPreview && hub.Story.Status != ArticleStatus.Published))
        {
            return NotFound();
        }
        Hub = hub with { Story = hub.Story with { PublishedAt = hub.Story.PublishedAt ?? NowUtc } };
        BasePath = StoryFormats.Path(StoryFormat.Hub, "", hub.Story.Slug, id);
        Intro = BodyDocument.Deserialize(hub.Story.BodyJson);
        // Pinned stories lead page 1 only; the tagged stream below never repeats them (nor the hub itself).
        var pinned = await lists.CardsAsync(hub.PinnedIds, ct);
        Stories = hub.Tags.Count == 0
            ? new StoryPage([], paging, false)
            : await lists.TaggedPageAsync([.. hub.Tags.Select(t => t.Id)], [.. hub.PinnedIds, id], paging, ct);
        if (paging.Page > 1 && Stories.Stories.Count == 0)
        {
            return NotFound();
        }
        Pinned = paging.Page == 1 ? pinned : [];
        if (paging.Page == 1 && hub.Story.LinkedArticleId is { } live)
        {
            Live = await hubs.LiveTeaserAsync(live, ct);
        }

        var story = Hub.Story;
        Title = paging.Page > 1 ? $"{story.Headline} — page {paging.Page}" : (string.IsNullOrWhiteSpace(story.SeoTitle) ? story.Headline : story.SeoTitle);
        Description = string.IsNullOrWhiteSpace(story.SeoDescription) ? story.Standfirst : story.SeoDescription;
        CanonicalPath = PagePath(BasePath, paging.Page);
        Head.Feeds.Add(FeedLink.For(story.Headline, BasePath));
        var images = story.Lead is { } lead ? LeadImages.WithCrops(lead.Key, lead.Widths, lead.Width, lead.Height) : [];
        Head.Image = images.Count > 0 ? images[0] : null;
        Head.ImageAlt = story.Lead?.Alt;
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.CollectionPage(Ld, CanonicalPath, Title, Description,
            [.. Pinned.Select(s => s.Url), .. Stories.Stories.Select(s => s.Url)])));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.Breadcrumbs(Ld,
            [new("Home", "/"), new("Events", EventsPageModel.BasePath), new(StructuredData.Headline(story.Headline), BasePath)])));
        // The hub is its own story (hard); what it gathers only makes it stale: its tags' stories,
        // the pinned stories and the live blog.
        CacheAs([ContentKeys.Article(id)], [
            .. hub.Tags.Select(t => ContentKeys.Tag(t.Id)),
            .. hub.PinnedIds.Select(ContentKeys.Article),
            .. story.LinkedArticleId is { } blog ? [ContentKeys.Article(blog)] : Array.Empty<string>()]);
        return Page();
    }

    /// <summary>The page only reads; on the preview route an anonymous POST is first sent to sign in.</summary>
    public IActionResult OnPost(int? previewId) =>
        previewId is not null && User.Identity?.IsAuthenticated != true ? Challenge() : StatusCode(StatusCodes.Status405MethodNotAllowed);
}

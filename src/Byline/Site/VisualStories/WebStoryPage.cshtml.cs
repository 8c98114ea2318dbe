using System.Globalization;
using Byline.Content;
using Byline.Distribution;
using Byline.Events;
using Byline.Site.Head;
using Byline.Publishing;
using Byline.Site.Articles;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Site.VisualStories;

/// <summary>
/// A web story's own lightweight reader: full-screen pages of picture and real text, no site chrome.
/// Also the newsroom's preview of a web story (any status, never indexed, never cached).
/// </summary>
public sealed class WebStoryPageModel(ArticleQuery query, SlideImages images, TimeProvider clock) : SitePageModel
{
    public ArticleRow Story { get; private set; } = null!;
    public IReadOnlyList<ResolvedSlide> Pages { get; private set; } = [];
    /// <summary>Where the close link goes: the stream for readers, the editor in a preview.</summary>
    public string CloseUrl { get; private set; } = "/web-stories";
    public string PageCount => Pages.Count.ToString(CultureInfo.InvariantCulture);

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
        var story = await query.FindAsync(id, ct);
        if (story is null || (!IsPreview && story is not { Status: ArticleStatus.Published, PublishedAt: not null }))
        {
            return NotFound();
        }
        var idText = id.ToString(CultureInfo.InvariantCulture);
        if (story.Format != StoryFormat.WebStory && !IsPreview)
        {
            // Another format under this address is not a web story. (The preview shows any story's
            // pages, so an editor checking a story's slides as a web story is never refused.)
            return NotFound();
        }
        var canonical = StoryFormats.Path(StoryFormat.WebStory, "", story.Slug, story.Id);
        if (!IsPreview && !string.Equals(Request.Path.Value, canonical, StringComparison.Ordinal))
        {
            return RedirectPermanent(canonical);
        }
        Story = story with { PublishedAt = story.PublishedAt ?? clock.GetUtcNow().UtcDateTime };
        Pages = await images.ResolveAsync(FormatData.FromJson(story.FormatData).Slides, ct);
        CloseUrl = IsPreview ? "/newsroom/stories/" + idText : "/web-stories";

        Title = string.IsNullOrWhiteSpace(story.SeoTitle) ? story.Headline : story.SeoTitle;
        Description = !string.IsNullOrWhiteSpace(story.SeoDescription) ? story.SeoDescription
            : !string.IsNullOrWhiteSpace(story.Standfirst) ? story.Standfirst
            : Pages.Select(s => s.Slide.Text).FirstOrDefault(t => !string.IsNullOrWhiteSpace(t)) ?? "";
        CanonicalPath = canonical;
        Describe(canonical);
        if (!IsPreview)
        {
            CacheAs([ContentKeys.Article(id)], [ContentKeys.Format(StoryFormat.WebStory)]);
        }
        return Page();
    }

    /// <summary>The page only reads; a POST is 405 (on the preview route an anonymous one is sent to sign in).</summary>
    public IActionResult OnPost(int? previewId) =>
        previewId is not null && User.Identity?.IsAuthenticated != true ? Challenge() : StatusCode(StatusCodes.Status405MethodNotAllowed);

    /// <summary>The cover (OG image): the lead picture when chosen, else the first page's picture.</summary>
    private ImageRendition? Cover()
    {
        if (Story.Lead is { } lead && LeadImages.Primary(lead.Key, lead.Widths, lead.Width, lead.Height) is { } primary)
        {
            return primary;
        }
        return Pages.Select(p => p.Image?.Largest).FirstOrDefault(i => i is not null);
    }

    private void Describe(string canonical)
    {
        var published = Story.PublishedAt!.Value;
        var cover = Cover();
        // NewsArticle with every page's picture (the cover first), as search engines read web stories.
        List<ImageRendition> pictures = [.. cover is null ? [] : new[] { cover }, .. Pages.Select(p => p.Image?.Largest).OfType<ImageRendition>()];
        var section = Chrome.ById.TryGetValue(Story.SectionId, out var s) ? s.Name : "";
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.NewsArticle(Ld, new LdArticle(
            canonical, Story.Headline, Description, published, Story.UpdatedAt, section, [], [],
            [.. pictures.DistinctBy(i => i.Path)]))));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.Breadcrumbs(Ld,
            [new("Home", "/"), new("Web stories", "/web-stories"), new(StructuredData.Headline(Story.Headline), canonical)])));
        Head.OgType = "article";
        Head.Image = cover;
        Head.ImageAlt = Pages.Count > 0 ? Pages[0].Alt : null;
        var modified = Story.UpdatedAt is { } u && u > published ? u : published;
        Head.Article = new ArticleCard(Dateline.Iso(published), Dateline.Iso(modified), section, []);
    }
}

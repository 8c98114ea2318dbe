using Byline.Content;
using Byline.Distribution;
using Byline.Events;
using Byline.Site.Head;
using Byline.Publishing;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Site.VisualStories;

/// <summary>/web-stories: every published web story, newest first, as portrait cover cards.</summary>
public sealed class WebStoriesPageModel(WebStoryQuery query, TimeProvider clock) : SitePageModel
{
    public const string BasePath = "/web-stories";

    public WebStoryPage Stories { get; private set; } = null!;
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!TryReadPaging(out var paging, out var problem))
        {
            return problem!;
        }
        Stories = await query.PageAsync(paging, ct);
        if (paging.Page > 1 && Stories.Stories.Count == 0)
        {
            return NotFound();
        }
        Title = paging.Page > 1 ? $"Web stories — page {paging.Page}" : "Web stories";
        Description = $"Short visual stories from {Settings.PublicationName}: tap through the news in pictures.";
        CanonicalPath = PagePath(BasePath, paging.Page);
        NoIndex = Stories.Stories.Count == 0;
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.CollectionPage(Ld, CanonicalPath, Title, Description, Stories.Stories.Select(s => s.Url))));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.Breadcrumbs(Ld, [new("Home", "/"), new("Web stories", BasePath)])));
        CacheAs([ContentKeys.Format(StoryFormat.WebStory)]);
        return Page();
    }
}

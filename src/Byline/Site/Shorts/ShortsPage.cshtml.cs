using Byline.Content;
using Byline.Distribution;
using Byline.Events;
using Byline.Site.Head;
using Byline.Publishing;
using Byline.Site.Stories;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Site.Shorts;

/// <summary>/shorts: every published short, newest first, paginated like the other lists.</summary>
public sealed class ShortsPageModel(StoryLists lists, ShortNews shorts, TimeProvider clock) : SitePageModel
{
    public const string BasePath = "/shorts";

    public IReadOnlyList<ShortItem> Items { get; private set; } = [];
    public StoryPage Stories { get; private set; } = null!;
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!TryReadPaging(out var paging, out var problem))
        {
            return problem!;
        }
        Stories = await lists.FormatPageAsync(StoryFormat.ShortNews, paging, ct);
        if (paging.Page > 1 && Stories.Stories.Count == 0)
        {
            return NotFound();
        }
        Items = await shorts.ItemsAsync(Stories.Stories, ct);
        Title = paging.Page > 1 ? $"Short news — page {paging.Page}" : "Short news: the day's stories in brief";
        Description = $"The news in 60 words or fewer, newest first, from {Settings.PublicationName}.";
        CanonicalPath = PagePath(BasePath, paging.Page);
        NoIndex = Stories.Stories.Count == 0;
        Head.Feeds.Add(FeedLink.For("Short news", BasePath));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.CollectionPage(Ld, CanonicalPath, Title, Description, Stories.Stories.Select(s => s.Url))));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.Breadcrumbs(Ld, [new("Home", "/"), new("Short news", BasePath)])));
        // The stream is the format's list; the linked full stories only name their headline and address.
        CacheAs([ContentKeys.Format(StoryFormat.ShortNews)], [.. Items.Where(i => i.FullStory is not null).Select(i => ContentKeys.Article(i.FullStory!.Id))]);
        return Page();
    }
}

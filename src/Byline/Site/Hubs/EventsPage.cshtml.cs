using Byline.Content;
using Byline.Distribution;
using Byline.Events;
using Byline.Site.Head;
using Byline.Publishing;
using Byline.Site.Stories;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Site.Hubs;

/// <summary>/events: the published topic hubs, newest first.</summary>
public sealed class EventsPageModel(StoryLists lists, TimeProvider clock) : SitePageModel
{
    public const string BasePath = "/events";

    public StoryPage Hubs { get; private set; } = null!;
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!TryReadPaging(out var paging, out var problem))
        {
            return problem!;
        }
        Hubs = await lists.FormatPageAsync(StoryFormat.Hub, paging, ct);
        if (paging.Page > 1 && Hubs.Stories.Count == 0)
        {
            return NotFound();
        }
        Title = paging.Page > 1 ? $"Events — page {paging.Page}" : "Events: the running stories we follow";
        Description = $"Elections, tournaments, budgets and other running stories, each with its own page at {Settings.PublicationName}.";
        CanonicalPath = PagePath(BasePath, paging.Page);
        NoIndex = Hubs.Stories.Count == 0;
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.CollectionPage(Ld, CanonicalPath, Title, Description, Hubs.Stories.Select(s => s.Url))));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.Breadcrumbs(Ld, [new("Home", "/"), new("Events", BasePath)])));
        CacheAs([ContentKeys.Format(StoryFormat.Hub)]);
        return Page();
    }
}

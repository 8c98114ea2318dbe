using Byline.Distribution;
using Byline.Events;
using Byline.Site.Head;
using Byline.Publishing;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Site.Shows;

/// <summary>/shows: every active show with its artwork, schedule and newest episode, and the Live TV link.</summary>
public sealed class ShowsIndexModel(ShowCatalog catalog, TimeProvider clock) : SitePageModel
{
    public IReadOnlyList<ShowEntry> Shows { get; private set; } = [];
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;

    public IActionResult OnGet()
    {
        Shows = catalog.Active;
        Title = "Video shows";
        Description = $"Every video show from {Settings.PublicationName}: news bulletins, interviews, explainers and more, with their latest episodes.";
        CanonicalPath = "/shows";
        NoIndex = Shows.Count == 0;
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.CollectionPage(Ld, CanonicalPath, Title, Description, Shows.Select(s => s.Url))));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.Breadcrumbs(Ld, [new("Home", "/"), new("Video shows", "/shows")])));
        CacheAs([ContentKeys.Shows]);
        return Page();
    }
}

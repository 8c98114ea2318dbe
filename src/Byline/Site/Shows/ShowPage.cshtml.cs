using Byline.Content;
using Byline.Distribution;
using Byline.Events;
using Byline.Site.Head;
using Byline.Publishing;
using Byline.Site.Chrome;
using Byline.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Site.Shows;

/// <summary>/shows/{show}: the show's artwork, description and schedule, then its episodes newest first, paginated.</summary>
public sealed class ShowPageModel(BylineDb db, ShowCatalog catalog, TimeProvider clock) : SitePageModel
{
    public ShowEntry Show { get; private set; } = null!;
    public IReadOnlyList<EpisodeCard> Episodes { get; private set; } = [];
    public int PageNumber { get; private set; } = 1;
    public bool HasNext { get; private set; }
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(string show, CancellationToken ct)
    {
        if (!TryReadPaging(out var paging, out var problem))
        {
            return problem!;
        }
        var entry = catalog.Find(show);
        if (entry is null)
        {
            // A renamed show keeps its old address answering.
            var target = await SectionResolver.RedirectTargetAsync(db, ShowRedirects.Kind, show, ct);
            if (target is { } id && (catalog.Find(id) ?? await ShowRedirects.ReloadAndFindAsync(catalog, id, ct)) is { } moved)
            {
                return Moved(moved.Url);
            }
            return NotFound();
        }
        Show = entry;
        PageNumber = paging.Page;
        var rows = await EpisodeQueries.NewestAsync(db, entry.Id, entry.Slug, paging.Skip, paging.Size + 1, ct);
        HasNext = rows.Count > paging.Size;
        Episodes = [.. rows.Take(paging.Size)];
        if (paging.Page > 1 && Episodes.Count == 0)
        {
            return NotFound();
        }
        Title = paging.Page > 1 ? $"{entry.Name} — page {paging.Page}" : entry.Name;
        Description = string.IsNullOrWhiteSpace(entry.Description) ? $"Episodes of {entry.Name}, newest first." : entry.Description;
        CanonicalPath = PagePath(entry.Url, paging.Page);
        NoIndex = Episodes.Count == 0 || !entry.IsActive;
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.CollectionPage(Ld, CanonicalPath, Title, Description, Episodes.Select(e => e.Url))));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.Breadcrumbs(Ld, [new("Home", "/"), new("Video shows", "/shows"), new(entry.Name, entry.Url)])));
        if (entry.Artwork is { } art && LeadImages.Primary(art.Key, art.Widths, art.Width, art.Height) is { } image)
        {
            Head.Image = image;
            Head.ImageAlt = art.Alt;
        }
        CacheAs([ContentKeys.Show(entry.Id)], [ContentKeys.Shows]);
        return Page();
    }
}

/// <summary>Old show slugs after a rename answer 301, through the shared redirect table.</summary>
public static class ShowRedirects
{
    public const RedirectKind Kind = RedirectKind.Show;

    internal static async Task<ShowEntry?> ReloadAndFindAsync(ShowCatalog catalog, int id, CancellationToken ct)
    {
        await catalog.ReloadAsync(ct);
        return catalog.Find(id);
    }
}

using Byline.Content;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Site.Chrome;

/// <summary>Resolves a section slug the chrome snapshot does not know: a section created since, or a renamed one.</summary>
public sealed class SectionResolver(BylineDb db, SiteChrome chrome)
{
    /// <summary>The section for a slug (reloading the snapshot if the database has it), and whether the slug is an old one.</summary>
    public async Task<(SectionNode? Section, bool Renamed, ChromeSnapshot Chrome)> ResolveAsync(ChromeSnapshot snapshot, string slug, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.BySlug.TryGetValue(slug, out var known))
        {
            return (known, false, snapshot);
        }
        // Bots try every kind of string; only a well-formed slug is worth a query.
        if (!Slugs.IsValid(slug))
        {
            return (null, false, snapshot);
        }
        var id = await db.Sections.Where(s => s.Slug == slug).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct);
        var renamed = false;
        if (id is null)
        {
            id = await RedirectTargetAsync(db, RedirectKind.Section, slug, ct);
            renamed = id is not null;
        }
        if (id is not int found)
        {
            return (null, false, snapshot);
        }
        if (!snapshot.ById.ContainsKey(found))
        {
            snapshot = await chrome.ReloadAsync(ct);
        }
        return (snapshot.ById.GetValueOrDefault(found), renamed, snapshot);
    }

    public static Task<int?> RedirectTargetAsync(BylineDb db, RedirectKind kind, string slug, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.SlugRedirects.Where(r => r.Kind == kind && r.OldSlug == slug).Select(r => (int?)r.TargetId).FirstOrDefaultAsync(ct);
    }
}

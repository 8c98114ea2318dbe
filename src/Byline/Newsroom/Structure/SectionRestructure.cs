using System.Globalization;
using System.Security.Claims;
using Byline.Content;
using Byline.Events;
using Byline.Redirects;
using Byline.Search;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Structure;

/// <summary>A refusal, named by the form field it belongs beside.</summary>
public sealed record SectionProblem(string Field, string Message);

/// <summary>
/// Moves a section under another parent (or to the top level), merges one section into another, and
/// deletes a section after its stories went elsewhere. Sections nest one level deep (a top-level
/// section and its sub-sections), so a section's addresses are <c>/{top}</c> or <c>/{top}/{sub}</c> and a
/// story's is <c>/{top}/{slug}-{id}</c>. When a change moves an address, every old one keeps answering:
/// <list type="bullet">
/// <item>the front and its two feeds get path redirects (<see cref="Redirect"/> rows), answered by the
/// redirect middleware before any page with the query kept (so <c>?page=3</c> lands on page 3);</item>
/// <item>a merged or deleted section's slug is kept as a <see cref="SlugRedirect"/> to its destination,
/// like a rename;</item>
/// <item>stories need nothing stored: the article page finds a story by its id and answers 301 from any
/// section segment to the current one.</item>
/// </list>
/// Each change is one transaction with its stories' section columns, their search entries, the audit
/// entry and one content event (home, latest, sitemaps, settings — which evicts every cached page —, the
/// sections and stories involved, and the redirect table's reload).
/// </summary>
public sealed class SectionRestructure(BylineDb db, AuditLog audit, ContentEvents events, ISearchIndex search, TimeProvider clock)
{
    /// <summary>Story ids re-indexed per statement: far under SQLite's and PostgreSQL's limits.</summary>
    private const int ReindexBatch = 1000;

    /// <summary>Story keys named one by one in the event; past this the event names "settings", which evicts everything anyway.</summary>
    private const int MaxStoryKeys = 200;

    public const string RedirectOrigin = "sections";

    /// <summary>The number of stories (any status) filed in each section.</summary>
    public async Task<Dictionary<int, int>> StoryCountsAsync(CancellationToken ct) =>
        await db.Articles.AsNoTracking().GroupBy(a => a.SectionId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, ct);

    /// <summary>Why <paramref name="section"/> cannot go under <paramref name="parentId"/> (null: the top level), or null when it can.</summary>
    public async Task<SectionProblem?> CheckMoveAsync(Section section, int? parentId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(section);
        const string field = "MoveParentId";
        if (parentId == section.ParentId)
        {
            return new(field, parentId is null ? $"“{section.Name}” is already a top-level section." : $"“{section.Name}” is already there.");
        }
        if (parentId is not int p)
        {
            return null;
        }
        if (p == section.Id)
        {
            return new(field, "A section cannot be placed inside itself.");
        }
        var parent = await db.Sections.AsNoTracking().FirstOrDefaultAsync(s => s.Id == p, ct);
        if (parent is null)
        {
            return new(field, "That section no longer exists; pick another.");
        }
        if (parent.ParentId == section.Id)
        {
            return new(field, $"“{parent.Name}” is inside “{section.Name}”: a section cannot go under its own sub-section.");
        }
        if (parent.ParentId is not null)
        {
            return new(field, "Pick a top-level section: sections nest one level deep.");
        }
        if (await db.Sections.AnyAsync(s => s.ParentId == section.Id, ct))
        {
            return new(field, $"“{section.Name}” has sub-sections of its own; move or merge them first (sections nest one level deep).");
        }
        return null;
    }

    /// <summary>Why <paramref name="from"/> cannot be merged into <paramref name="intoId"/>, or null when it can.</summary>
    public async Task<SectionProblem?> CheckMergeAsync(Section from, int? intoId, string field, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (intoId is not int id)
        {
            return new(field, "Pick the section that takes its stories.");
        }
        if (id == from.Id)
        {
            return new(field, "Pick another section: a section cannot be merged into itself.");
        }
        var into = await db.Sections.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (into is null)
        {
            return new(field, "That section no longer exists; pick another.");
        }
        if (into.ParentId == from.Id)
        {
            return new(field, $"“{into.Name}” is inside “{from.Name}”: move it out first, or merge it into “{from.Name}” instead.");
        }
        if (into.ParentId is not null && await db.Sections.AnyAsync(s => s.ParentId == from.Id, ct))
        {
            return new(field, $"“{from.Name}” has sub-sections, which cannot go under the sub-section “{into.Name}”: pick a top-level section, or move them first.");
        }
        return null;
    }

    /// <summary>Why <paramref name="section"/> cannot be deleted with its stories going to <paramref name="intoId"/> (null: nowhere), or null.</summary>
    public async Task<SectionProblem?> CheckDeleteAsync(Section section, int? intoId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (await db.Sections.AnyAsync(s => s.ParentId == section.Id, ct))
        {
            return new("DeleteId", $"“{section.Name}” has sub-sections: move them elsewhere first, or merge the section into another.");
        }
        if (intoId is null)
        {
            if (await db.Articles.AnyAsync(a => a.SectionId == section.Id, ct))
            {
                return new("DeleteIntoId", $"“{section.Name}” has stories: pick the section they move to.");
            }
            if (await db.Sections.CountAsync(ct) <= 1)
            {
                return new("DeleteId", "The site needs at least one section.");
            }
            return null;
        }
        return await CheckMergeAsync(section, intoId, "DeleteIntoId", ct);
    }

    /// <summary>Puts the section under <paramref name="parentId"/> (null: the top level), last among its new siblings.</summary>
    public async Task MoveAsync(int sectionId, int? parentId, ClaimsPrincipal actor, string ip, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var section = await db.Sections.AsTracking().SingleAsync(s => s.Id == sectionId, ct);
        var oldParentId = section.ParentId;
        var oldUrl = await UrlOfAsync(section.Slug, oldParentId, ct);
        var position = await db.Sections.Where(s => s.ParentId == parentId).Select(s => (int?)s.Position).MaxAsync(ct) ?? -1;
        section.ParentId = parentId;
        section.Position = position + 1;
        await db.SaveChangesAsync(ct);
        var newUrl = await UrlOfAsync(section.Slug, parentId, ct);

        var stories = await StoriesInAsync([section.Id], ct);
        await db.Articles.Where(a => a.SectionId == section.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.TopSectionId, parentId ?? section.Id), ct);
        await ReindexAsync(stories, ct);
        await RedirectAddressAsync(oldUrl, newUrl, ct);

        await CommitAsync(tx, actor, ip, section.Id, $"{section.Name} moved from {oldUrl} to {newUrl}; {Count(stories)}",
            [section.Id, .. oldParentId is int op ? [op] : Array.Empty<int>(), .. parentId is int np ? [np] : Array.Empty<int>()], stories, ct);
    }

    /// <summary>
    /// Moves every story and sub-section of <paramref name="fromId"/> into <paramref name="intoId"/>, then
    /// removes it; its addresses answer 301 with the destination's. Deleting a section with its stories
    /// reassigned is the same change (<paramref name="verb"/> names it in the audit trail).
    /// </summary>
    public async Task MergeAsync(int fromId, int? intoId, string verb, ClaimsPrincipal actor, string ip, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var from = await db.Sections.AsTracking().SingleAsync(s => s.Id == fromId, ct);
        var into = intoId is int i ? await db.Sections.AsTracking().SingleAsync(s => s.Id == i, ct) : null;
        var fromUrl = await UrlOfAsync(from.Slug, from.ParentId, ct);
        var children = await db.Sections.AsTracking().Where(s => s.ParentId == from.Id).OrderBy(s => s.Position).ToListAsync(ct);
        List<int> stories = [];
        string details;
        if (into is null)
        {
            // Only an empty section gets here (CheckDeleteAsync): nothing moves and its address stops answering.
            details = $"{from.Name} ({fromUrl}) deleted; it had no stories";
            await db.SlugRedirects.Where(r => r.Kind == RedirectKind.Section && r.TargetId == from.Id).ExecuteDeleteAsync(ct);
        }
        else
        {
            var intoUrl = await UrlOfAsync(into.Slug, into.ParentId, ct);
            var intoTop = into.ParentId ?? into.Id;
            stories = await StoriesInAsync([from.Id, .. children.Select(c => c.Id)], ct);
            await db.Articles.Where(a => a.SectionId == from.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(a => a.SectionId, into.Id).SetProperty(a => a.TopSectionId, intoTop), ct);

            // Sub-sections go under the destination (a top-level section: CheckMergeAsync), after its own.
            var position = await db.Sections.Where(s => s.ParentId == into.Id).Select(s => (int?)s.Position).MaxAsync(ct) ?? -1;
            foreach (var child in children)
            {
                var oldChildUrl = $"{fromUrl}/{child.Slug}";
                child.ParentId = into.Id;
                child.Position = ++position;
                await RedirectAddressAsync(oldChildUrl, $"{intoUrl}/{child.Slug}", ct);
            }
            var childIds = children.Select(c => c.Id).ToList();
            if (childIds.Count > 0)
            {
                await db.Articles.Where(a => childIds.Contains(a.SectionId)).ExecuteUpdateAsync(u => u.SetProperty(a => a.TopSectionId, into.Id), ct);
            }
            await ReindexAsync(stories, ct);

            // The slug keeps answering like a renamed one's, and older slugs of the section follow it.
            await db.SlugRedirects.Where(r => r.Kind == RedirectKind.Section && r.TargetId == from.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.TargetId, into.Id), ct);
            await db.SlugRedirects.Where(r => r.Kind == RedirectKind.Section && r.OldSlug == from.Slug).ExecuteDeleteAsync(ct);
            db.SlugRedirects.Add(new SlugRedirect { Kind = RedirectKind.Section, OldSlug = from.Slug, TargetId = into.Id });
            await RedirectAddressAsync(fromUrl, intoUrl, ct);

            // What pointed at the section now points at its destination rather than losing its section.
            await db.Set<WireSource>().Where(w => w.DefaultSectionId == from.Id).ExecuteUpdateAsync(u => u.SetProperty(w => w.DefaultSectionId, into.Id), ct);
            await db.Set<NewsletterList>().Where(n => n.SourceSectionId == from.Id).ExecuteUpdateAsync(u => u.SetProperty(n => n.SourceSectionId, into.Id), ct);
            details = $"{from.Name} ({fromUrl}) {verb} into {into.Name} ({intoUrl}); {Count(stories)}, {children.Count} sub-section(s) moved";
        }
        await db.SaveChangesAsync(ct);
        db.Sections.Remove(from);
        await db.SaveChangesAsync(ct);
        List<int> named = [from.Id, .. from.ParentId is int p ? [p] : Array.Empty<int>(), .. children.Select(c => c.Id)];
        if (into is not null)
        {
            named.Add(into.Id);
            if (into.ParentId is int ip2)
            {
                named.Add(ip2);
            }
        }
        await CommitAsync(tx, actor, ip, from.Id, details, named, stories, ct);
    }

    private async Task<List<int>> StoriesInAsync(IReadOnlyList<int> sectionIds, CancellationToken ct) =>
        await db.Articles.Where(a => sectionIds.Contains(a.SectionId)).Select(a => a.Id).ToListAsync(ct);

    private async Task ReindexAsync(List<int> stories, CancellationToken ct)
    {
        // The index files each story under its sections (the search page's section filter reads them).
        foreach (var batch in stories.Chunk(ReindexBatch))
        {
            await search.ReindexAsync(batch, ct);
        }
    }

    private async Task<string> UrlOfAsync(string slug, int? parentId, CancellationToken ct)
    {
        if (parentId is not int p)
        {
            return "/" + slug;
        }
        var parentSlug = await db.Sections.Where(s => s.Id == p).Select(s => s.Slug).SingleAsync(ct);
        return $"/{parentSlug}/{slug}";
    }

    /// <summary>
    /// The front and feeds at <paramref name="oldUrl"/> answer 301 with those at <paramref name="newUrl"/>:
    /// no redirect may start from the new addresses (they are live now), and earlier redirects that led to
    /// the old ones lead straight to the new.
    /// </summary>
    private async Task RedirectAddressAsync(string oldUrl, string newUrl, CancellationToken ct)
    {
        if (oldUrl == newUrl)
        {
            return;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        string[] suffixes = ["", "/rss.xml", "/atom.xml"];
        var pairs = suffixes.Select(s => (From: RedirectPaths.Normalise(oldUrl + s)!, To: newUrl + s, Live: RedirectPaths.Normalise(newUrl + s)!)).ToList();
        var live = pairs.Select(p => p.Live).ToList();
        await db.Redirects.Where(r => live.Contains(r.FromPath)).ExecuteDeleteAsync(ct);
        foreach (var (from, to, _) in pairs)
        {
            var oldTarget = oldUrl + to[newUrl.Length..];
            await db.Redirects.Where(r => r.ToPath == oldTarget)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.ToPath, to).SetProperty(r => r.UpdatedAt, now), ct);
            var row = await db.Redirects.AsTracking().FirstOrDefaultAsync(r => r.FromPath == from, ct);
            if (row is null)
            {
                db.Redirects.Add(new Redirect { FromPath = from, ToPath = to, Origin = RedirectOrigin, CreatedAt = now, UpdatedAt = now });
            }
            else
            {
                row.ToPath = to;
                row.UpdatedAt = now;
            }
        }
        await db.SaveChangesAsync(ct);
    }

    private async Task CommitAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, ClaimsPrincipal actor, string ip, int sectionId,
        string details, IEnumerable<int> sections, List<int> stories, CancellationToken ct)
    {
        audit.Record(db, actor, AuditActions.SectionSaved, "section", sectionId.ToString(CultureInfo.InvariantCulture), details, ip);
        await db.SaveChangesAsync(ct);
        List<string> keys = [ContentKeys.Home, ContentKeys.Settings, ContentKeys.Sitemaps, ContentKeys.Latest, RedirectTable.ReloadKey,
            .. sections.Distinct().Select(ContentKeys.Section)];
        if (stories.Count <= MaxStoryKeys)
        {
            // Webhooks and the changes feed tell of each story whose address changed.
            keys.AddRange(stories.Select(ContentKeys.Article));
        }
        await events.AppendAsync(db, new ContentChanged(keys, "section: " + details), ct);
        await tx.CommitAsync(ct);
        await events.CommittedAsync(db, ct);
    }

    private static string Count(List<int> stories) => stories.Count == 1 ? "1 story" : $"{stories.Count.ToString("N0", CultureInfo.InvariantCulture)} stories";
}

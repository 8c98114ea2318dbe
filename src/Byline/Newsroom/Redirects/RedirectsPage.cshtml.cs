using Byline.Events;
using Byline.Redirects;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Redirects;

/// <summary>
/// The redirect table: old addresses (an imported site's permalinks, archives and feeds, or any an
/// editor adds) and where they now answer with 301. Editors and admins search, add, change and remove them.
/// </summary>
[Authorize(Policy = Policies.Editor)]
public sealed class RedirectsPageModel(BylineDb db, AuditLog audit, ContentEvents events, TimeProvider clock) : NewsroomPageModel
{
    public const int PageSize = 50;

    public IReadOnlyList<Storage.Redirect> Rows { get; private set; } = [];

    public bool HasNext { get; private set; }

    public long Total { get; private set; }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    /// <summary>From the query's <c>page</c>, read by hand: Razor Pages keeps the <c>page</c> route value for itself.</summary>
    public int PageNumber { get; private set; } = 1;

    /// <summary>The redirect being changed; 0 when adding one.</summary>
    [BindProperty(SupportsGet = true, Name = "edit")]
    public long EditId { get; set; }

    [BindProperty]
    public string From { get; set; } = "";

    [BindProperty]
    public string To { get; set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (EditId != 0)
        {
            var row = await db.Redirects.AsNoTracking().FirstOrDefaultAsync(r => r.Id == EditId, ct);
            if (row is null)
            {
                return NotFound();
            }
            From = row.FromPath;
            To = row.ToPath;
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var from = RedirectPaths.Normalise(From);
        To = (To ?? "").Trim();
        if (from is null)
        {
            ModelState.AddModelError(nameof(From), "Give the old address as a path starting with / (e.g. /2019/04/02/old-story/ or /?p=12), or a full http(s) address; not the home page.");
        }
        if (!RedirectPaths.IsTarget(To))
        {
            ModelState.AddModelError(nameof(To), "Give the new address as a path on this site starting with / or a full http(s) address.");
        }
        else if (from is not null && RedirectPaths.Normalise(To) == from)
        {
            ModelState.AddModelError(nameof(To), "The new address is the old one: it would redirect to itself.");
        }
        if (from is not null && await db.Redirects.AnyAsync(r => r.FromPath == from && r.Id != EditId, ct))
        {
            ModelState.AddModelError(nameof(From), "This old address already has a redirect; search for it and change that one.");
        }
        Storage.Redirect? row = null;
        if (EditId != 0 && (row = await db.Redirects.AsTracking().FirstOrDefaultAsync(r => r.Id == EditId, ct)) is null)
        {
            return NotFound();
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var moved = row is not null && row.FromPath != from;
        if (row is null)
        {
            row = new Storage.Redirect { FromPath = from!, ToPath = To, Origin = "newsroom", CreatedAt = now };
            db.Redirects.Add(row);
        }
        row.FromPath = from!;
        row.ToPath = To;
        row.UpdatedAt = now;
        audit.Record(db, User, AuditActions.RedirectSaved, "redirect", from!, "→ " + To, ClientIp);
        // A changed old address leaves a hash behind in every node's set: they read the set again whole.
        await events.SaveAsync(db, new ContentChanged([moved ? RedirectTable.ReloadKey : RedirectTable.Key], "redirect: " + from), ct);
        Flash = $"{from} now answers with {To}.";
        return Redirect("/newsroom/redirects?q=" + Uri.EscapeDataString(from!));
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        var row = await db.Redirects.AsTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (row is null)
        {
            return NotFound();
        }
        db.Redirects.Remove(row);
        audit.Record(db, User, AuditActions.RedirectDeleted, "redirect", row.FromPath, "was → " + row.ToPath, ClientIp);
        // The stale hash only costs a lookup that finds nothing; no node needs to reload for it.
        await events.SaveAsync(db, new ContentChanged([RedirectTable.Key], "redirect removed: " + row.FromPath), ct);
        Flash = $"{row.FromPath} no longer redirects.";
        return Redirect("/newsroom/redirects" + (string.IsNullOrEmpty(Query) ? "" : "?q=" + Uri.EscapeDataString(Query)));
    }

    public string PageLink(int page) =>
        "?page=" + page.ToString(System.Globalization.CultureInfo.InvariantCulture) +
        (string.IsNullOrEmpty(Query) ? "" : "&q=" + Uri.EscapeDataString(Query));

    private async Task LoadAsync(CancellationToken ct)
    {
        Title = "Redirects";
        Area = "redirects";
        PageNumber = int.TryParse(Request.Query["page"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? Math.Clamp(n, 1, 10_000) : 1;
        var rows = db.Redirects.AsNoTracking();
        var q = (Query ?? "").Trim().ToLowerInvariant();
        if (q.Length > 0)
        {
            q = q.Length > 200 ? q[..200] : q;
            // Both columns are stored in normal form (lower case), so a plain substring match finds them.
            rows = rows.Where(r => r.FromPath.Contains(q) || r.ToPath.Contains(q));
        }
        Total = await rows.LongCountAsync(ct);
        var page = await rows.OrderBy(r => r.FromPath).Skip((PageNumber - 1) * PageSize).Take(PageSize + 1).ToListAsync(ct);
        HasNext = page.Count > PageSize;
        Rows = [.. page.Take(PageSize)];
    }
}

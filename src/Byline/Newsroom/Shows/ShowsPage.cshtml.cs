using Byline.Content;
using Byline.Site.Shows;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Shows;

public sealed record ShowRow(int Id, string Slug, string Name, string ScheduleText, int Position, bool IsActive, int Episodes, int Published);

/// <summary>The list of shows: order, delete (refused while a show has episodes), links to edit.</summary>
[Authorize(Policy = Policies.Editor)]
public sealed class ShowsPageModel(BylineDb db, ShowEdits edits) : NewsroomPageModel
{
    public IReadOnlyList<ShowRow> Shows { get; private set; } = [];
    public string? Error { get; private set; }
    public int? ErrorShowId { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostDeleteAsync(int id, CancellationToken ct)
    {
        var show = await db.Shows.AsTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (show is null)
        {
            return NotFound();
        }
        var episodes = await db.Articles.CountAsync(a => a.ShowId == id, ct);
        if (episodes > 0)
        {
            Error = $"“{show.Name}” still has {episodes} episode{(episodes == 1 ? "" : "s")} (drafts included). Move them to another show or delete them first; an inactive show stays off the menus meanwhile.";
            ErrorShowId = id;
            await LoadAsync(ct);
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }
        db.Shows.Remove(show);
        await db.SlugRedirects.Where(r => r.Kind == ShowRedirects.Kind && r.TargetId == id).ExecuteDeleteAsync(ct);
        await SaveAsync(ShowAuditActions.ShowDeleted, id, $"{show.Name} (/shows/{show.Slug})", ct);
        Flash = $"Show “{show.Name}” deleted.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostMoveAsync(int id, int by, CancellationToken ct)
    {
        var shows = await db.Shows.AsTracking().OrderBy(s => s.Position).ThenBy(s => s.Name).ToListAsync(ct);
        var index = shows.FindIndex(s => s.Id == id);
        if (index < 0)
        {
            return NotFound();
        }
        var target = index + Math.Sign(by);
        if (target >= 0 && target < shows.Count)
        {
            (shows[index], shows[target]) = (shows[target], shows[index]);
        }
        for (var i = 0; i < shows.Count; i++)
        {
            shows[i].Position = i;
        }
        await SaveAsync(ShowAuditActions.ShowSaved, id, $"{shows.First(s => s.Id == id).Name} moved {(by < 0 ? "up" : "down")}", ct);
        Flash = "Order saved.";
        return RedirectToPage();
    }

    private async Task SaveAsync(string action, int id, string details, CancellationToken ct)
    {
        await edits.SaveAsync(User, action, id, details, ClientIp, ct);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Title = "Shows";
        Area = "shows";
        var counts = await db.Articles.Where(a => a.ShowId != null)
            .GroupBy(a => a.ShowId)
            .Select(g => new { Id = g.Key!.Value, All = g.Count(), Published = g.Count(a => a.Status == ArticleStatus.Published) })
            .ToDictionaryAsync(x => x.Id, ct);
        Shows = await db.Shows.AsNoTracking().OrderBy(s => s.Position).ThenBy(s => s.Name)
            .Select(s => new ShowRow(s.Id, s.Slug, s.Name, s.ScheduleText, s.Position, s.IsActive, 0, 0)).ToListAsync(ct);
        Shows = [.. Shows.Select(s => counts.TryGetValue(s.Id, out var c) ? s with { Episodes = c.All, Published = c.Published } : s)];
    }
}

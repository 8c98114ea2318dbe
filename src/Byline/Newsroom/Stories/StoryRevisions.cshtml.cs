using System.Globalization;
using Byline.Content;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Stories;

public sealed record RevisionRow(int Number, DateTime CreatedAt, string UserName, string Action, string Headline);

/// <summary>
/// A story's revisions: the list, any two side by side with their differences, and restore (as a new
/// revision). Contributors see the history of their own and shared stories only (<see cref="StoryAccess"/>).
/// </summary>
[Authorize(Policy = Policies.Newsroom)]
public sealed class StoryRevisionsModel(BylineDb db, PublishingService publishing, SiteSettingsStore settings, StoryAccess access) : NewsroomPageModel
{
    public int StoryId { get; private set; }
    public string Headline { get; private set; } = "";
    public int Version { get; private set; }
    public bool CanEdit { get; private set; }
    public IReadOnlyList<RevisionRow> Revisions { get; private set; } = [];
    public int? Left { get; private set; }
    public int? Right { get; private set; }
    public IReadOnlyList<DiffRow> Diff { get; private set; } = [];
    public string? Error { get; private set; }
    public Dateline Dateline => settings.Dateline;

    public async Task<IActionResult> OnGetAsync(int id, int? a, int? b, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        if (a is not null && b is not null)
        {
            var pair = await db.ArticleRevisions.Where(r => r.ArticleId == id && (r.Number == a || r.Number == b))
                .Select(r => new { r.Number, r.Snapshot }).ToListAsync(ct);
            var left = pair.FirstOrDefault(p => p.Number == a);
            var right = pair.FirstOrDefault(p => p.Number == b);
            if (left is null || right is null)
            {
                return NotFound();
            }
            var sectionNames = await db.Sections.ToDictionaryAsync(s => s.Id, s => s.Name, ct);
            var authorNames = await db.Authors.ToDictionaryAsync(x => x.Id, x => x.Name, ct);
            string SectionName(int? s) => s is { } x && sectionNames.TryGetValue(x, out var n) ? n : "";
            string AuthorName(int x) => authorNames.TryGetValue(x, out var n) ? n : x.ToString(CultureInfo.InvariantCulture);
            Diff = TextDiff.Compare(
                [.. StoryInput.FromJson(left.Snapshot).CompareLines(SectionName, AuthorName)],
                [.. StoryInput.FromJson(right.Snapshot).CompareLines(SectionName, AuthorName)]);
            Left = a;
            Right = b;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostRestoreAsync(int id, int number, int version, CancellationToken ct)
    {
        var result = await publishing.ApplyAsync(id, new StoryCommand(StoryAction.Restore, version, RestoreRevision: number), Actor.From(User), ct);
        switch (result.Outcome)
        {
            case PublishOutcome.Ok:
                return Redirect($"/newsroom/stories/{id.ToString(CultureInfo.InvariantCulture)}?done=save");
            case PublishOutcome.Forbidden:
                return StatusCode(StatusCodes.Status403Forbidden);
            case PublishOutcome.NotFound:
                return NotFound();
            default:
                await LoadAsync(id, ct);
                Error = result.Outcome == PublishOutcome.Conflict
                    ? "The story changed while you were looking; the list below is up to date, restore again if you still want to."
                    : string.Join(" ", (result.Errors ?? new Dictionary<string, string>()).Values);
                Response.StatusCode = result.Outcome == PublishOutcome.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
                return Page();
        }
    }

    private async Task<bool> LoadAsync(int id, CancellationToken ct)
    {
        var article = await db.Articles.FirstOrDefaultAsync(x => x.Id == id, ct);
        // A story whose history the account may not read is as absent as one that does not exist.
        if (article is null || !await access.CanSeeHistoryAsync(id, User, ct))
        {
            return false;
        }
        StoryId = id;
        Headline = article.Headline;
        Title = "Revisions: " + article.Headline;
        Area = "stories";
        Version = article.Version;
        CanEdit = Actor.From(User).CanEdit(article);
        Revisions = await db.ArticleRevisions.Where(r => r.ArticleId == id).OrderByDescending(r => r.Number)
            .Select(r => new RevisionRow(r.Number, r.CreatedAt, r.UserName, r.Action, r.Headline)).ToListAsync(ct);
        return true;
    }
}

using System.Globalization;
using Byline.Content;
using Byline.Newsroom.Accounts;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Stories;

/// <summary>
/// The planning page: scheduled and published stories by day, a week or a month at a time, in the
/// publication's time zone. Editors move a scheduled story to another time (dragging it to another day,
/// or the "Move to…" form beside it): that is the editor page's Schedule action through the same
/// service, with the story's version as the concurrency token, so the same rules and permissions hold.
/// </summary>
[Authorize(Policy = Policies.Newsroom)]
public sealed class PlanningModel(BylineDb db, PublishingService publishing, SiteSettingsStore settings, StoryAccess access, TimeProvider clock) : NewsroomPageModel
{
    /// <summary>At most this many stories on one page (a month of a busy desk): the cost of a request is bounded.</summary>
    public const int MaxStories = 1000;

    public bool IsMonth { get; private set; }
    public DateOnly Anchor { get; private set; }
    public DateOnly First { get; private set; }
    public DateOnly Last { get; private set; }
    public DateOnly Today { get; private set; }
    public bool IsEditor { get; private set; }
    public bool Truncated { get; private set; }
    public string? Notice { get; private set; }
    public string? Error { get; private set; }
    public int? ErrorStory { get; private set; }
    public string? ErrorAt { get; private set; }
    public IReadOnlyList<PlanItem> Items { get; private set; } = [];
    public Dateline Dateline => settings.Dateline;

    public string ViewKey => IsMonth ? "month" : "week";

    public async Task<IActionResult> OnGetAsync(string? view, string? date, string? done, CancellationToken ct)
    {
        if (!Read(view, date))
        {
            return BadRequest();
        }
        Notice = done == "moved" ? "Moved: the story goes live at its new time." : null;
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Reschedules one story: <paramref name="at"/> is "yyyy-MM-ddTHH:mm" in the publication's zone.</summary>
    public async Task<IActionResult> OnPostMoveAsync(int id, int version, string? at, string? view, string? date, CancellationToken ct)
    {
        var actor = Actor.From(User);
        // Refused here and again in the service, as on the editor page.
        if (!actor.CanPerform(StoryAction.Schedule))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        if (!Read(view, date))
        {
            return BadRequest();
        }
        if (!await access.CanSeeAsync(id, User, ct))
        {
            return NotFound();
        }
        var (utc, error) = new StoryForm { ScheduleAt = at }.ScheduleUtc(Dateline.Zone);
        var status = StatusCodes.Status400BadRequest;
        if (error is null)
        {
            var result = await publishing.ApplyAsync(id, new StoryCommand(StoryAction.Schedule, version, null, utc), actor, ct);
            switch (result.Outcome)
            {
                case PublishOutcome.Ok:
                    var moved = Dateline.ToLocal(utc!.Value);
                    return Redirect($"/newsroom/planning?view={ViewKey}&date={moved.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}&done=moved");
                case PublishOutcome.NotFound:
                    return NotFound();
                case PublishOutcome.Forbidden:
                    return StatusCode(StatusCodes.Status403Forbidden);
                case PublishOutcome.Conflict:
                    status = StatusCodes.Status409Conflict;
                    error = $"Not moved: {result.CurrentBy ?? "someone"} changed this story since the plan was loaded. Here is the plan as it is now; move it again if you still want to.";
                    break;
                default:
                    error = "Not moved: " + string.Join(" ", result.Errors?.Values ?? []);
                    break;
            }
        }
        Error = error;
        ErrorStory = id;
        ErrorAt = at;
        await LoadAsync(ct);
        Response.StatusCode = status;
        return Page();
    }

    /// <summary>Reads the view and the day shown (today in the publication's zone when none is given).</summary>
    private bool Read(string? view, string? date)
    {
        Title = "Planning";
        Area = "planning";
        IsEditor = User.IsEditor();
        Today = DateOnly.FromDateTime(Dateline.ToLocal(clock.GetUtcNow().UtcDateTime).DateTime);
        if (view is not (null or "" or "week" or "month"))
        {
            return false;
        }
        IsMonth = view == "month";
        var anchor = Today;
        if (!string.IsNullOrEmpty(date)
            && (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out anchor) || anchor.Year is < 1900 or > 9000))
        {
            return false;
        }
        Anchor = anchor;
        if (IsMonth)
        {
            var firstOfMonth = new DateOnly(anchor.Year, anchor.Month, 1);
            First = StartOfWeek(firstOfMonth);
            Last = StartOfWeek(firstOfMonth.AddMonths(1).AddDays(-1)).AddDays(6);
        }
        else
        {
            First = StartOfWeek(anchor);
            Last = First.AddDays(6);
        }
        return true;
    }

    /// <summary>Weeks start on Monday.</summary>
    public static DateOnly StartOfWeek(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    private async Task LoadAsync(CancellationToken ct)
    {
        var from = Byline.Content.Dateline.StartOfDayUtc(First, Dateline.Zone);
        var to = Byline.Content.Dateline.StartOfDayUtc(Last.AddDays(1), Dateline.Zone);
        var stories = access.Visible(db.Articles.AsNoTracking(), User)
            .Where(a => (a.Status == ArticleStatus.Scheduled || a.Status == ArticleStatus.Published)
                        && a.PublishedAt >= from && a.PublishedAt < to)
            .OrderBy(a => a.PublishedAt).ThenBy(a => a.Id)
            .Select(a => new { a.Id, a.Headline, a.Status, a.PublishedAt, a.Version, a.Format, a.CreatedById, Section = a.Section!.Name });
        var rows = await stories.Take(MaxStories + 1).ToListAsync(ct);
        Truncated = rows.Count > MaxStories;
        var actor = Actor.From(User);
        Items = [.. rows.Take(MaxStories).Select(r =>
        {
            var local = Dateline.ToLocal(r.PublishedAt!.Value);
            var canMove = r.Status == ArticleStatus.Scheduled && actor.CanPerform(StoryAction.Schedule);
            return new PlanItem(r.Id, r.Headline, r.Status, r.PublishedAt.Value, DateOnly.FromDateTime(local.DateTime),
                local.ToString("HH:mm", CultureInfo.InvariantCulture), local.ToString(StoryForm.LocalFormat, CultureInfo.InvariantCulture),
                r.Version, r.Section ?? "", canMove);
        })];
    }
}

/// <summary>One story on the plan; <see cref="LocalAt"/> is the value of its "Move to…" field.</summary>
public sealed record PlanItem(int Id, string Headline, ArticleStatus Status, DateTime AtUtc, DateOnly Day, string LocalTime, string LocalAt, int Version, string Section, bool CanMove);

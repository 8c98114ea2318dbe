using System.Globalization;
using Byline.Content;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Audit;

/// <summary>Admin: the audit trail, newest first, filtered by user, action and date range (days in the publication's zone).</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class AuditPageModel(BylineDb db, SiteSettingsStore settings) : NewsroomPageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "user")]
    public string? UserFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "action")]
    public string? ActionFilter { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    public int PageNumber { get; private set; } = 1;

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];
    public bool HasNext { get; private set; }
    public Dateline Dateline => settings.Dateline;
    public IReadOnlyList<string> Actions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Title = "Audit trail";
        Area = "audit";
        // "page" is read by hand: as a bound name it would collide with Razor Pages' own route value.
        var pageText = Request.Query["page"].ToString();
        if (pageText.Length > 0)
        {
            if (!int.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 100_000)
            {
                return BadRequest();
            }
            PageNumber = n;
        }
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(UserFilter))
        {
            var who = UserFilter.Trim();
            query = query.Where(e => e.UserName.Contains(who));
        }
        if (!string.IsNullOrWhiteSpace(ActionFilter))
        {
            query = query.Where(e => e.Action == ActionFilter);
        }
        if (!TryDay(From, nameof(From), out var from) | !TryDay(To, nameof(To), out var to))
        {
            await LoadActionsAsync(ct);
            return Page();
        }
        if (from is { } f)
        {
            query = query.Where(e => e.At >= f);
        }
        if (to is { } t)
        {
            var end = t.AddDays(1);
            query = query.Where(e => e.At < end);
        }
        var rows = await query.OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize + 1).ToListAsync(ct);
        HasNext = rows.Count > PageSize;
        Entries = rows.Take(PageSize).ToList();
        await LoadActionsAsync(ct);
        return Page();
    }

    public string PageLink(int page) =>
        QueryString.Create(new Dictionary<string, string?>
        {
            ["user"] = UserFilter,
            ["action"] = ActionFilter,
            ["from"] = From,
            ["to"] = To,
            ["page"] = page.ToString(CultureInfo.InvariantCulture),
        }.Where(p => !string.IsNullOrEmpty(p.Value))).ToUriComponent();

    private async Task LoadActionsAsync(CancellationToken ct)
    {
        // Actions other features write (story saves, publishing) join the known ones once they appear.
        var seen = await db.AuditEntries.Select(e => e.Action).Distinct().Take(200).ToListAsync(ct);
        Actions = [.. AuditActions.Known.Union(seen).Order(StringComparer.Ordinal)];
    }

    /// <summary>A yyyy-MM-dd day in the publication's zone, as the UTC instant it starts.</summary>
    private bool TryDay(string? value, string field, out DateTime? startUtc)
    {
        startUtc = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }
        if (!DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            ModelState.AddModelError(field, "Use a date like 2025-04-25.");
            return false;
        }
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        startUtc = TimeZoneInfo.ConvertTimeToUtc(local, settings.Dateline.Zone);
        return true;
    }
}

using System.Globalization;
using Byline.Content;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Stories;

/// <summary>The story list page: filters in the query string, the rows from <see cref="StoryListQuery"/>.</summary>
[Authorize(Policy = Policies.Newsroom)]
public sealed class StoryListModel(BylineDb db, StoryListQuery stories, SiteSettingsStore settings) : NewsroomPageModel
{
    public const int PageSize = 30;
    public const int MaxPage = 200;

    [BindProperty(SupportsGet = true)] public ArticleStatus? Status { get; set; }
    [BindProperty(SupportsGet = true)] public int? Section { get; set; }
    [BindProperty(SupportsGet = true)] public int? Author { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    /// <summary>A format's key ("short", "hub"…); empty for every format.</summary>
    [BindProperty(SupportsGet = true, Name = "format")] public string? FormatKey { get; set; }
    /// <summary>From <c>?page=</c>, read by hand: "page" is also Razor Pages' own route value, which model binding would pick up.</summary>
    public int PageNumber { get; private set; } = 1;

    private bool ReadPage()
    {
        var raw = Request.Query["page"].ToString();
        if (raw.Length == 0)
        {
            return true;
        }
        if (!int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var page))
        {
            return false;
        }
        PageNumber = page;
        return true;
    }

    public IReadOnlyList<StoryListRow> Rows { get; private set; } = [];

    /// <summary>What the last action did, from <c>?done=</c> (the editor's delete lands here).</summary>
    public string? Notice => Request.Query["done"].ToString() == "deleted" ? "The story was deleted." : null;
    public bool HasNext { get; private set; }
    public IReadOnlyList<(int Id, string Name)> Sections { get; private set; } = [];
    public IReadOnlyList<(int Id, string Name)> Authors { get; private set; } = [];
    public Dateline Dateline => settings.Dateline;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Title = "Stories";
        Area = "stories";
        StoryFormat? format = null;
        if (!string.IsNullOrEmpty(FormatKey))
        {
            if (!StoryFormats.TryParseKey(FormatKey, out var parsed))
            {
                return BadRequest();
            }
            format = parsed;
        }
        if (!ModelState.IsValid || !ReadPage() || PageNumber < 1 || PageNumber > MaxPage)
        {
            return BadRequest();
        }
        Sections = [.. (await db.Sections.OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct)).Select(s => (s.Id, s.Name))];
        Authors = [.. (await db.Authors.OrderBy(a => a.Name).Select(a => new { a.Id, a.Name }).ToListAsync(ct)).Select(a => (a.Id, a.Name))];

        var zone = settings.Dateline.Zone;
        var filter = new StoryFilter(
            Status,
            Section,
            Author,
            // Days in the publication's zone: a day a clock change starts after midnight, and the calendar's first
            // and last days, are taken as they are rather than failing the page.
            From is { } from ? Dateline.StartOfDayUtc(from, zone) : null,
            To is { } to && to < DateOnly.MaxValue ? Dateline.StartOfDayUtc(to.AddDays(1), zone) : null,
            Q,
            format);
        (Rows, HasNext) = await stories.FindAsync(filter, User, PageNumber, PageSize, ct);
        return Page();
    }

    public string PageLink(int page)
    {
        var query = new Dictionary<string, string?>
        {
            ["status"] = Status?.ToString(),
            ["section"] = Section?.ToString(CultureInfo.InvariantCulture),
            ["author"] = Author?.ToString(CultureInfo.InvariantCulture),
            ["from"] = From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["to"] = To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["q"] = string.IsNullOrWhiteSpace(Q) ? null : Q,
            ["format"] = string.IsNullOrEmpty(FormatKey) ? null : FormatKey,
            ["page"] = page > 1 ? page.ToString(CultureInfo.InvariantCulture) : null,
        };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/newsroom/stories", query.Where(kv => kv.Value is not null));
    }
}

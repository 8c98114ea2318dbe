using System.Globalization;
using Byline.Content;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Stories;

public sealed record StoryListRow(int Id, string Headline, ArticleStatus Status, string Section, DateTime ModifiedAt, DateTime? PublishedAt, string Authors);

/// <summary>
/// Every story, newest change first, filtered by status, section, author and date, searched by
/// headline. Each status is one range of the (Status, ModifiedAt) index, read newest first and only as
/// deep as the page needs; without a status filter the five ranges are merged. Nothing counts the table.
/// </summary>
[Authorize(Policy = Policies.Newsroom)]
public sealed class StoryListModel(BylineDb db, SiteSettingsStore settings) : NewsroomPageModel
{
    public const int PageSize = 30;
    public const int MaxPage = 200;

    [BindProperty(SupportsGet = true)] public ArticleStatus? Status { get; set; }
    [BindProperty(SupportsGet = true)] public int? Section { get; set; }
    [BindProperty(SupportsGet = true)] public int? Author { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
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
    public bool HasNext { get; private set; }
    public IReadOnlyList<(int Id, string Name)> Sections { get; private set; } = [];
    public IReadOnlyList<(int Id, string Name)> Authors { get; private set; } = [];
    public Dateline Dateline => settings.Dateline;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Title = "Stories";
        Area = "stories";
        if (!ModelState.IsValid || !ReadPage() || PageNumber < 1 || PageNumber > MaxPage)
        {
            return BadRequest();
        }
        Sections = [.. (await db.Sections.OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct)).Select(s => (s.Id, s.Name))];
        Authors = [.. (await db.Authors.OrderBy(a => a.Name).Select(a => new { a.Id, a.Name }).ToListAsync(ct)).Select(a => (a.Id, a.Name))];

        var skip = (PageNumber - 1) * PageSize;
        var depth = skip + PageSize + 1;
        var statuses = Status is { } s ? [s] : Enum.GetValues<ArticleStatus>();
        var heads = new List<(int Id, DateTime ModifiedAt)>();
        foreach (var status in statuses)
        {
            var range = await Filtered(status).OrderByDescending(a => a.ModifiedAt).ThenByDescending(a => a.Id)
                .Take(depth).Select(a => new { a.Id, a.ModifiedAt }).ToListAsync(ct);
            heads.AddRange(range.Select(r => (r.Id, r.ModifiedAt)));
        }
        var ids = heads.OrderByDescending(h => h.ModifiedAt).ThenByDescending(h => h.Id).Skip(skip).Take(PageSize + 1).Select(h => h.Id).ToList();
        HasNext = ids.Count > PageSize;
        ids = [.. ids.Take(PageSize)];

        var rows = await db.Articles.Where(a => ids.Contains(a.Id)).Select(a => new
        {
            a.Id,
            a.Headline,
            a.Status,
            Section = a.Section!.Name,
            a.ModifiedAt,
            a.PublishedAt,
        }).ToListAsync(ct);
        // A second small query rather than a per-row sub-select: SQLite cannot translate a limited nested list.
        var bylines = (await db.ArticleAuthors.Where(x => ids.Contains(x.ArticleId))
                .Select(x => new { x.ArticleId, x.Position, x.Author!.Name }).ToListAsync(ct))
            .GroupBy(x => x.ArticleId)
            .ToDictionary(g => g.Key, g => string.Join(", ", g.OrderBy(x => x.Position).Take(3).Select(x => x.Name)));
        Rows = [.. rows.OrderBy(r => ids.IndexOf(r.Id)).Select(r => new StoryListRow(r.Id, r.Headline, r.Status, r.Section, r.ModifiedAt, r.PublishedAt, bylines.GetValueOrDefault(r.Id, "")))];
        return Page();
    }

    private IQueryable<Article> Filtered(ArticleStatus status)
    {
        var query = db.Articles.Where(a => a.Status == status);
        var zone = settings.Dateline.Zone;
        if (From is { } from)
        {
            var start = TimeZoneInfo.ConvertTimeToUtc(from.ToDateTime(TimeOnly.MinValue), zone);
            query = query.Where(a => a.ModifiedAt >= start);
        }
        if (To is { } to)
        {
            var end = TimeZoneInfo.ConvertTimeToUtc(to.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);
            query = query.Where(a => a.ModifiedAt < end);
        }
        if (Section is { } section)
        {
            query = query.Where(a => a.SectionId == section || a.TopSectionId == section);
        }
        if (Author is { } author)
        {
            query = query.Where(a => a.Authors.Any(x => x.AuthorId == author));
        }
        var q = (Q ?? "").Trim();
        if (q.Length > 0)
        {
            var lower = (q.Length > 100 ? q[..100] : q).ToLowerInvariant();
            // Translates to lower(Headline) LIKE on both providers; the comparison overload does not translate.
#pragma warning disable CA1862
            query = query.Where(a => a.Headline.ToLower().Contains(lower));
#pragma warning restore CA1862
        }
        return query;
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
            ["page"] = page > 1 ? page.ToString(CultureInfo.InvariantCulture) : null,
        };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/newsroom/stories", query.Where(kv => kv.Value is not null));
    }
}

using Byline.Newsroom;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Byline.Discovery.Newsroom;

/// <summary>What readers searched for over a chosen period; editors hide terms from the public list here.</summary>
[Authorize(Policy = Policies.Editor)]
public sealed class SearchReportModel(BylineDb db, MostSearched mostSearched, AuditLog audit, TimeProvider clock) : PageModel
{
    public static readonly int[] Periods = [1, 7, 30, 90];

    public int Days { get; private set; } = 7;
    public IReadOnlyList<TermCount> Terms { get; private set; } = [];
    public IReadOnlyList<string> Hidden { get; private set; } = [];

    public async Task OnGetAsync(int? days, CancellationToken ct)
    {
        Days = days is int d && Periods.Contains(d) ? d : 7;
        var since = DateTime.SpecifyKind(clock.GetUtcNow().UtcDateTime.Date.AddDays(1 - Days), DateTimeKind.Utc);
        Terms = await MostSearched.TopAsync(db, since, 100, includeHidden: true, ct);
        Hidden = [.. db.HiddenSearchTerms.OrderBy(h => h.Term).Select(h => h.Term)];
    }

    public Task<IActionResult> OnPostHideAsync(string term, int? days, CancellationToken ct) => SetAsync(term, true, days, ct);

    public Task<IActionResult> OnPostShowAsync(string term, int? days, CancellationToken ct) => SetAsync(term, false, days, ct);

    private async Task<IActionResult> SetAsync(string term, bool hide, int? days, CancellationToken ct)
    {
        var normalized = SearchTerms.Normalize(term);
        if (normalized.Length == 0)
        {
            return RedirectToPage(new { days });
        }
        audit.Record(db, User, hide ? "search-term.hide" : "search-term.show", "SearchTerm", normalized);
        await mostSearched.SetHiddenAsync(db, normalized, hide, User.Identity?.Name ?? "", ct);
        return RedirectToPage(new { days });
    }
}

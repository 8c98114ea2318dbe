using Byline.Content;
using Byline.Newsroom;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Byline.Discovery.Newsroom;

public sealed record OverrideRow(int ArticleId, string Headline, TrendingOverrideKind Kind);

/// <summary>Editors pin stories to the head of Trending or hide them from Trending and Most read.</summary>
[Authorize(Policy = Policies.Editor)]
public sealed class TrendingCurationModel(BylineDb db, PopularStories popular, AuditLog audit, TimeProvider clock) : PageModel
{
    public PopularSnapshot Current => popular.Current;
    public IReadOnlyList<OverrideRow> Overrides { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public Task<IActionResult> OnPostPinAsync(int articleId, CancellationToken ct) => SetAsync(articleId, TrendingOverrideKind.Pin, ct);

    public Task<IActionResult> OnPostHideAsync(int articleId, CancellationToken ct) => SetAsync(articleId, TrendingOverrideKind.Hide, ct);

    public async Task<IActionResult> OnPostClearAsync(int articleId, CancellationToken ct)
    {
        var removed = await db.TrendingOverrides.Where(o => o.ArticleId == articleId).ExecuteDeleteAsync(ct);
        if (removed > 0)
        {
            audit.Record(db, User, "trending.clear", "Article", articleId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await db.SaveChangesAsync(ct);
            await popular.RefreshAsync(ct);
        }
        return RedirectToPage();
    }

    private async Task<IActionResult> SetAsync(int articleId, TrendingOverrideKind kind, CancellationToken ct)
    {
        if (!await db.Articles.AnyAsync(a => a.Id == articleId && a.Status == ArticleStatus.Published, ct))
        {
            Error = "There is no published story with that id.";
            ModelState.AddModelError("articleId", Error);
            await LoadAsync(ct);
            return Page();
        }
        var existing = await db.TrendingOverrides.AsTracking().FirstOrDefaultAsync(o => o.ArticleId == articleId, ct);
        var position = kind == TrendingOverrideKind.Pin
            ? (await db.TrendingOverrides.Where(o => o.Kind == TrendingOverrideKind.Pin).MaxAsync(o => (int?)o.Position, ct) ?? 0) + 1
            : 0;
        if (existing is null)
        {
            db.TrendingOverrides.Add(new TrendingOverride { ArticleId = articleId, Kind = kind, Position = position, At = clock.GetUtcNow().UtcDateTime, By = User.Identity?.Name ?? "" });
        }
        else
        {
            existing.Kind = kind;
            existing.Position = position;
            existing.At = clock.GetUtcNow().UtcDateTime;
            existing.By = User.Identity?.Name ?? "";
        }
        audit.Record(db, User, kind == TrendingOverrideKind.Pin ? "trending.pin" : "trending.hide", "Article",
            articleId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await db.SaveChangesAsync(ct);
        await popular.RefreshAsync(ct);
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Overrides = await db.TrendingOverrides.OrderBy(o => o.Kind).ThenBy(o => o.Position)
            .Join(db.Articles, o => o.ArticleId, a => a.Id, (o, a) => new OverrideRow(o.ArticleId, a.Headline, o.Kind))
            .ToListAsync(ct);
    }
}

using System.Globalization;
using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Curation;

public sealed record CuratedRow(int ItemId, int ArticleId, string Headline, ArticleStatus Status, DateTime? PublishedAt);

/// <summary>
/// The home page's Top Stories, in the editors' order: add by id or headline search, move up and
/// down, remove. Plain forms, so it works without JavaScript.
/// </summary>
[Authorize(Policy = Policies.Editor)]
public sealed class TopStoriesPageModel(BylineDb db, AuditLog audit, ContentEvents events, SiteSettingsStore settings) : NewsroomPageModel
{
    public const string List = "top";
    public const int MaxItems = 30;

    public IReadOnlyList<CuratedRow> Items { get; private set; } = [];
    public IReadOnlyList<CuratedRow> Results { get; private set; } = [];
    public Dateline Dateline => settings.Dateline;
    public FrontPage Front => settings.Current.Front;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty]
    public string? Add { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var q = Q?.Trim();
        if (!string.IsNullOrEmpty(q) && q.Length <= 200)
        {
            Results = await db.Articles.AsNoTracking()
                .Where(a => a.Status == ArticleStatus.Published && a.Headline.Contains(q))
                .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Take(20)
                .Select(a => new CuratedRow(0, a.Id, a.Headline, a.Status, a.PublishedAt)).ToListAsync(ct);
        }
    }

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        var text = (Add ?? "").Trim();
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var articleId) || articleId <= 0)
        {
            return await InvalidAsync("Give a story's number (its id, the digits at the end of its address).", ct);
        }
        var article = await db.Articles.AsNoTracking().Where(a => a.Id == articleId).Select(a => new { a.Id, a.Status }).FirstOrDefaultAsync(ct);
        if (article is null)
        {
            return await InvalidAsync($"There is no story {articleId}.", ct);
        }
        if (article.Status != ArticleStatus.Published)
        {
            return await InvalidAsync($"Story {articleId} is not published.", ct);
        }
        var items = await ItemsAsync(ct);
        if (items.Any(i => i.ArticleId == articleId))
        {
            return await InvalidAsync($"Story {articleId} is already in Top Stories.", ct);
        }
        if (items.Count >= MaxItems)
        {
            return await InvalidAsync($"Top Stories holds at most {MaxItems} stories; remove one first.", ct);
        }
        db.CuratedItems.Add(new CuratedItem { List = List, ArticleId = articleId, Position = items.Count });
        return await SavedAsync($"added {articleId}", articleId, ct);
    }

    public async Task<IActionResult> OnPostMoveAsync(int item, int by, CancellationToken ct)
    {
        var items = await ItemsAsync(ct);
        var index = items.FindIndex(i => i.Id == item);
        var target = index + Math.Sign(by);
        if (index < 0)
        {
            return NotFound();
        }
        if (target >= 0 && target < items.Count)
        {
            (items[index], items[target]) = (items[target], items[index]);
            Renumber(items);
        }
        var articleId = items.First(i => i.Id == item).ArticleId;
        return await SavedAsync($"moved {articleId} {(by < 0 ? "up" : "down")}", articleId, ct);
    }

    /// <summary>
    /// Saves a whole new order at once (the drag-and-drop list posts it): <paramref name="order"/> is
    /// every item id of the list, comma-separated, in the new order. A list that changed since the page
    /// was loaded (an item added or removed elsewhere) is refused with 409 and shown again as it is now.
    /// </summary>
    public async Task<IActionResult> OnPostOrderAsync(string? order, CancellationToken ct)
    {
        var items = await ItemsAsync(ct);
        var wanted = new List<int>();
        foreach (var part in (order ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(MaxItems + 1))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var itemId))
            {
                return await InvalidOrderAsync(StatusCodes.Status400BadRequest, "The order could not be read; arrange the list again and save.", ct);
            }
            wanted.Add(itemId);
        }
        if (wanted.Count != items.Count || wanted.Distinct().Count() != wanted.Count || !wanted.All(w => items.Any(i => i.Id == w)))
        {
            return await InvalidOrderAsync(StatusCodes.Status409Conflict, "Top Stories changed since you opened this page (a story was added or removed): here is the list as it is now; arrange it again.", ct);
        }
        var byId = items.ToDictionary(i => i.Id);
        var reordered = wanted.Select(w => byId[w]).ToList();
        Renumber(reordered);
        return await SavedAsync("reordered " + string.Join(' ', reordered.Select(i => i.ArticleId.ToString(CultureInfo.InvariantCulture))), reordered.Count > 0 ? reordered[0].ArticleId : 0, ct);
    }

    private async Task<IActionResult> InvalidOrderAsync(int status, string message, CancellationToken ct)
    {
        ModelState.AddModelError("Order", message);
        await LoadAsync(ct);
        Response.StatusCode = status;
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(int item, CancellationToken ct)
    {
        var items = await ItemsAsync(ct);
        var found = items.FirstOrDefault(i => i.Id == item);
        if (found is null)
        {
            return NotFound();
        }
        db.CuratedItems.Remove(found);
        items.Remove(found);
        Renumber(items);
        return await SavedAsync($"removed {found.ArticleId}", found.ArticleId, ct);
    }

    private static void Renumber(List<CuratedItem> items)
    {
        for (var i = 0; i < items.Count; i++)
        {
            items[i].Position = i;
        }
    }

    private Task<List<CuratedItem>> ItemsAsync(CancellationToken ct) =>
        db.CuratedItems.AsTracking().Where(c => c.List == List).OrderBy(c => c.Position).ThenBy(c => c.Id).ToListAsync(ct);

    private async Task<IActionResult> SavedAsync(string what, int articleId, CancellationToken ct)
    {
        audit.Record(db, User, AuditActions.CurationSaved, "curation", List, what, ClientIp);
        await events.SaveAsync(db, new ContentChanged([ContentKeys.Home, ContentKeys.Settings, ContentKeys.Article(articleId)], "curation: top stories", articleId), ct);
        Flash = "Top Stories saved.";
        return RedirectToPage();
    }

    private async Task<IActionResult> InvalidAsync(string message, CancellationToken ct)
    {
        ModelState.AddModelError(nameof(Add), message);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Title = "Top stories";
        Area = "curation-top";
        Items = await db.CuratedItems.AsNoTracking().Where(c => c.List == List).OrderBy(c => c.Position).ThenBy(c => c.Id)
            .Select(c => new CuratedRow(c.Id, c.ArticleId, c.Article!.Headline, c.Article.Status, c.Article.PublishedAt)).ToListAsync(ct);
    }
}

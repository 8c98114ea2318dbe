using Byline.Newsroom;
using Byline.Site.Head;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsletters.Newsroom;

public sealed record AlertListOption(int Id, string Name, int Audience);

/// <summary>A breaking alert from a published story: this page is the one confirmation; its button queues the alert at once.</summary>
[Authorize(Policy = Policies.Editor)]
public sealed class AlertPageModel(BylineDb db, NewsletterIssues issues, PublicAddress address) : NewsroomPageModel
{
    public string Headline { get; private set; } = "";

    public IReadOnlyList<AlertListOption> Lists { get; private set; } = [];

    [BindProperty]
    public int ListId { get; set; }

    public async Task<IActionResult> OnGetAsync(int storyId, CancellationToken ct) =>
        await LoadAsync(storyId, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(int storyId, CancellationToken ct)
    {
        if (!await LoadAsync(storyId, ct))
        {
            return NotFound();
        }
        var list = await db.Set<NewsletterList>().AsNoTracking().FirstOrDefaultAsync(l => l.Id == ListId && l.Kind == NewsletterKind.Alert && l.Enabled, ct);
        if (list is null)
        {
            ModelState.AddModelError(nameof(ListId), "Choose the alert list to send to.");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var issue = await issues.ComposeAsync(list, User.Identity?.Name ?? "", alert: true, [storyId], ct);
        await issues.QueueAsync(issue.Id, address.BaseFor(Request), ct);
        Flash = "Alert sent.";
        return Redirect($"/newsroom/newsletters/issues/{issue.Id}");
    }

    private async Task<bool> LoadAsync(int storyId, CancellationToken ct)
    {
        var headline = await db.Articles.Where(a => a.Id == storyId && a.Status == Byline.Content.ArticleStatus.Published).Select(a => a.Headline).FirstOrDefaultAsync(ct);
        if (headline is null)
        {
            return false;
        }
        Headline = headline;
        Title = "Send a breaking alert";
        Area = "newsletters";
        var lists = await db.Set<NewsletterList>().AsNoTracking().Where(l => l.Kind == NewsletterKind.Alert && l.Enabled).OrderBy(l => l.Name)
            .Select(l => new { l.Id, l.Name }).ToListAsync(ct);
        var options = new List<AlertListOption>();
        foreach (var l in lists)
        {
            options.Add(new AlertListOption(l.Id, l.Name, await issues.AudienceAsync(l.Id, ct)));
        }
        Lists = options;
        return true;
    }
}

using Byline.Site;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Newsletters.Site;

/// <summary>
/// /newsletters/leave?token=…: where the List-Unsubscribe URL leads a reader who opens it in a browser (a GET never
/// unsubscribes: link scanners fetch it). The button posts to the one-click endpoint.
/// </summary>
public sealed class LeavePageModel(NewsletterLinks links, Storage.BylineDb db) : SitePageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public bool Valid { get; private set; }

    public string ListName { get; private set; } = "";

    public string PreferencesToken { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Title = "Unsubscribe";
        CanonicalPath = "/newsletters/leave";
        NoIndex = true;
        Response.Headers.CacheControl = "no-store";
        Valid = links.TryReadManage(Token, out var subscriberId, out var listId);
        if (!Valid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        ListName = listId == 0 ? "every newsletter" : await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(
            db.Set<Storage.NewsletterList>().Where(l => l.Id == listId).Select(l => l.Name), ct) ?? "this newsletter";
        PreferencesToken = links.ManageToken(subscriberId);
        return Page();
    }
}

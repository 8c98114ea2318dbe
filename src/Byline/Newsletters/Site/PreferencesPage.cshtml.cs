using Byline.Site;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Newsletters.Site;

/// <summary>
/// /newsletters/preferences?token=…: a reader's newsletters, reached from every mail by a signed link (no account).
/// The page shows only this reader's lists and states — never the address of anyone else, nor even their own in full.
/// </summary>
public sealed class PreferencesPageModel(NewsletterLinks links, NewsletterSubscriptions subscriptions) : SitePageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

#pragma warning disable CA2227, CA1002 // Model binding fills the ticked boxes into this list.
    [BindProperty]
    public List<int> Keep { get; set; } = [];
#pragma warning restore CA2227, CA1002

    public IReadOnlyList<ListChoice> Lists { get; private set; } = [];

    public bool Valid { get; private set; }

    public string? Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery] bool left, CancellationToken ct)
    {
        if (left)
        {
            Saved = "You are unsubscribed.";
        }
        return await ShowAsync(ct);
    }

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct)
    {
        if (links.TryReadManage(Token, out var subscriberId, out _) && await subscriptions.SaveChoicesAsync(subscriberId, Keep ?? [], ct))
        {
            Saved = "Your choice is saved.";
        }
        return await ShowAsync(ct);
    }

    public async Task<IActionResult> OnPostLeaveAsync(CancellationToken ct)
    {
        if (links.TryReadManage(Token, out var subscriberId, out _))
        {
            await subscriptions.UnsubscribeAsync(subscriberId, 0, ct);
            Saved = "You have left every newsletter. Nothing more will be sent to you.";
        }
        return await ShowAsync(ct);
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        Title = "Your newsletters";
        CanonicalPath = "/newsletters/preferences";
        NoIndex = true;
        Response.Headers.CacheControl = "no-store";
        Valid = links.TryReadManage(Token, out var subscriberId, out _);
        if (!Valid)
        {
            Saved = null;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Lists = await subscriptions.ListsAsync(subscriberId, ct);
        return Page();
    }
}

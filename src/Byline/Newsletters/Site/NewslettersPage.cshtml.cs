using Byline.Newsletters;
using Byline.Site;
using Byline.Site.Head;
using Byline.Storage;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Newsletters.Site;

/// <summary>/newsletters: the lists a reader can subscribe to, and the form that starts the double opt-in.</summary>
public sealed class NewslettersPageModel(NewsletterSubscriptions subscriptions, SubscribeLimiter limiter, PublicAddress address) : SitePageModel
{
    public IReadOnlyList<ListChoice> Lists { get; private set; } = [];

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Name { get; set; }

#pragma warning disable CA2227, CA1002 // Model binding fills the ticked boxes into this list.
    [BindProperty]
    public List<int> ListIds { get; set; } = [];
#pragma warning restore CA2227, CA1002

    /// <summary>The honeypot: a field people never see or fill; a bot that fills it gets the usual answer and no mail is sent.</summary>
    [BindProperty]
    public string? Website { get; set; }

    /// <summary>Set after a post that was taken: the reader is told to look in their inbox.</summary>
    public bool CheckInbox { get; private set; }

    public string? Problem { get; private set; }

    public async Task OnGetAsync([FromQuery(Name = "list")] string? list, CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!string.IsNullOrEmpty(list))
        {
            ListIds = [.. Lists.Where(l => string.Equals(l.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), list, StringComparison.Ordinal)).Select(l => l.Id)];
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        await LoadAsync(ct);
        var client = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (!limiter.TryTake(client))
        {
            Problem = "Too many sign-ups from your connection just now. Please wait a few minutes and try again.";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }
        if (!string.IsNullOrEmpty(Website))
        {
            CheckInbox = true;
            return Page();
        }
        var result = await subscriptions.SubscribeAsync(Email, Name, ListIds ?? [], address.BaseFor(Request), ct);
        switch (result.Status)
        {
            case SubscribeStatus.Invalid:
                foreach (var (field, message) in result.Errors)
                {
                    ModelState.AddModelError(field, message);
                }
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            case SubscribeStatus.MailFailed:
                Problem = "We could not send the confirmation mail just now. Please try again in a few minutes.";
                Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Page();
            default:
                CheckInbox = true;
                return Page();
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Lists = await subscriptions.ListsAsync(null, ct);
        Title = "Newsletters";
        Description = $"The newsletters of {Settings.PublicationName}: choose yours and get them by mail.";
        CanonicalPath = "/newsletters";
    }
}

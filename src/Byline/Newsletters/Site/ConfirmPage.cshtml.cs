using Byline.Site;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Byline.Newsletters.Site;

/// <summary>
/// /newsletters/confirm?token=…: the double opt-in's second step. Opening the link shows a button (a link checker
/// that fetches it confirms nothing); pressing it confirms the lists the signed link names. A forged link is a 400,
/// an expired one a 410, each with a sentence saying what to do.
/// </summary>
public sealed class ConfirmPageModel(NewsletterLinks links, NewsletterSubscriptions subscriptions, TimeProvider clock) : SitePageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public LinkCheck Check { get; private set; }

    public bool Confirmed { get; private set; }

    public string? PreferencesToken { get; private set; }

    public IActionResult OnGet()
    {
        Prepare();
        Check = links.ReadConfirm(Token, clock.GetUtcNow().UtcDateTime, out _);
        return Answer();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Prepare();
        var (check, subscriberId) = await subscriptions.ConfirmAsync(Token, HttpContext.Connection.RemoteIpAddress?.ToString() ?? "", ct);
        Check = check;
        if (check == LinkCheck.Valid)
        {
            Confirmed = true;
            PreferencesToken = links.ManageToken(subscriberId);
        }
        return Answer();
    }

    private void Prepare()
    {
        Title = "Confirm your subscription";
        CanonicalPath = "/newsletters/confirm";
        NoIndex = true;
        Response.Headers.CacheControl = "no-store";
    }

    private PageResult Answer()
    {
        Response.StatusCode = Check switch
        {
            LinkCheck.Forged => StatusCodes.Status400BadRequest,
            LinkCheck.Expired => StatusCodes.Status410Gone,
            _ => StatusCodes.Status200OK,
        };
        return Page();
    }
}

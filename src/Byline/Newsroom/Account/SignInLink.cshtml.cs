using System.Globalization;
using Byline.Newsroom.Accounts;
using Byline.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Byline.Newsroom.Account;

/// <summary>
/// Redeems a one-time sign-in link. The GET only shows a button: link scanners and previewers that
/// fetch the URL do not spend it; the POST (with antiforgery) does.
/// </summary>
[EnableRateLimiting(NewsroomExtensions.SignInRateLimit)]
public sealed class SignInLinkModel(SignInLinks links, SignInManager<BylineUser> signIn, BylineDb db, AuditLog audit) : NewsroomPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public bool Invalid { get; private set; }

    public IActionResult OnGet()
    {
        Title = "One-time sign-in";
        if (string.IsNullOrEmpty(Token))
        {
            Invalid = true;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Title = "One-time sign-in";
        var user = await links.RedeemAsync(Token);
        if (user is null)
        {
            audit.Record(db, Actors.Unknown("(sign-in link)"), AuditActions.SignInFailed, "user", "", "invalid, expired or used sign-in link", ClientIp);
            await db.SaveChangesAsync(ct);
            Invalid = true;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await signIn.SignInAsync(user, isPersistent: false);
        audit.Record(db, Actors.For(user), AuditActions.SignInLink, "user", user.Id.ToString(CultureInfo.InvariantCulture), "one-time link", ClientIp);
        await db.SaveChangesAsync(ct);
        return LocalRedirect(user.PasswordHash is null ? "/newsroom/account/password" : "/newsroom");
    }
}

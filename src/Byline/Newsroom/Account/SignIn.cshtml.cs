using Byline.Newsroom.Accounts;
using Byline.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Byline.Newsroom.Account;

/// <summary>
/// Password sign-in. Posts are rate-limited per address; five wrong passwords lock the account for
/// fifteen minutes; a disabled account is refused. Every outcome is audited.
/// </summary>
[EnableRateLimiting(NewsroomExtensions.SignInRateLimit)]
public sealed class SignInModel(SignInManager<BylineUser> signIn, BylineDb db, AuditLog audit, ILogger<SignInModel> log) : NewsroomPageModel
{
    [BindProperty]
    public string Email { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }
    public string? ErrorCode { get; private set; }

    public IActionResult OnGet()
    {
        Title = "Sign in";
        if (User.Identity?.IsAuthenticated == true && User.Role().Length > 0)
        {
            return LocalRedirect(SafeReturnUrl());
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Title = "Sign in";
        var email = (Email ?? "").Trim();
        Password ??= "";
        if (email.Length == 0 || Password.Length == 0 || email.Length > 256 || Password.Length > 512)
        {
            return Refuse("missing", "Enter your e-mail address and password.");
        }
        var user = await signIn.UserManager.FindByEmailAsync(email);
        if (user is null)
        {
            audit.Record(db, Actors.Unknown(email), AuditActions.SignInFailed, "user", "", "no such account", ClientIp);
            await db.SaveChangesAsync(ct);
            return Refuse("failed", "That e-mail address and password don't match an account.");
        }
        if (user.IsDisabled)
        {
            audit.Record(db, Actors.For(user), AuditActions.SignInRefused, "user", user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "account disabled", ClientIp);
            await db.SaveChangesAsync(ct);
            return Refuse("disabled", "This account is disabled. Ask an admin to enable it.");
        }
        var result = await signIn.PasswordSignInAsync(user, Password, isPersistent: false, lockoutOnFailure: true);
        var id = user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (result.Succeeded)
        {
            audit.Record(db, Actors.For(user), AuditActions.SignIn, "user", id, "password", ClientIp);
            await db.SaveChangesAsync(ct);
            log.LogInformation("Newsroom sign-in of user {UserId}", user.Id);
            return LocalRedirect(SafeReturnUrl());
        }
        if (result.IsLockedOut)
        {
            audit.Record(db, Actors.For(user), AuditActions.SignInLockedOut, "user", id, "locked out after repeated failures", ClientIp);
            await db.SaveChangesAsync(ct);
            log.LogWarning("Newsroom account {UserId} is locked out", user.Id);
            return Refuse("locked-out", "Too many failed attempts: this account is locked for 15 minutes.");
        }
        if (result.IsNotAllowed)
        {
            audit.Record(db, Actors.For(user), AuditActions.SignInRefused, "user", id, "not allowed", ClientIp);
            await db.SaveChangesAsync(ct);
            return Refuse("disabled", "This account cannot sign in. Ask an admin.");
        }
        audit.Record(db, Actors.For(user), AuditActions.SignInFailed, "user", id, "wrong password", ClientIp);
        await db.SaveChangesAsync(ct);
        return Refuse("failed", "That e-mail address and password don't match an account.");
    }

    private PageResult Refuse(string code, string message)
    {
        ErrorCode = code;
        Error = message;
        Password = "";
        // Re-render with what was typed (never the password), as a 200 page: the form is the answer.
        return Page();
    }

    /// <summary>
    /// Only a local path; anything else (another host, "//evil", "/\evil") goes to the dashboard. The query
    /// arrives decoded, so "/%C3%A9" is "/é": escaped again, because a Location header must be ASCII
    /// (Kestrel refused it: a 500). Checked again after escaping, which also resolves "/./" segments.
    /// </summary>
    private string SafeReturnUrl() =>
        !string.IsNullOrEmpty(ReturnUrl) && ReturnUrl.StartsWith('/') && Url.IsLocalUrl(ReturnUrl)
        && Uri.TryCreate(new Uri("http://local"), ReturnUrl, out var uri)
        && uri.GetComponents(UriComponents.PathAndQuery | UriComponents.Fragment, UriFormat.UriEscaped) is var escaped
        && Url.IsLocalUrl(escaped) ? escaped : "/newsroom";
}

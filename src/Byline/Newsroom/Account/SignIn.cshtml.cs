using Byline.Newsroom.Accounts;
using Byline.Newsroom.Saving;
using Byline.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Byline.Newsroom.Account;

/// <summary>
/// Password sign-in. Posts are rate-limited per address; every failure (unknown address, wrong
/// password, disabled account, locked from this source) gets the same answer after the same work
/// (<see cref="PasswordSignIn"/>). When the database takes no writes the page says the newsroom
/// cannot sign anyone in now (503), rather than the reader's 500 page.
/// </summary>
[EnableRateLimiting(NewsroomExtensions.SignInRateLimit)]
public sealed class SignInModel(SignInManager<BylineUser> signIn, PasswordSignIn passwords) : NewsroomPageModel, IShowsFormAfterRefusedSave
{
    public const string Failed = "That e-mail address and password do not open a newsroom account right now. Check them, or ask an admin.";

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
        var source = SignInThrottles.SourceOf(HttpContext.Connection.RemoteIpAddress);
        var attempt = await passwords.AttemptAsync(email, Password, source, ClientIp, ct);
        if (!attempt.Succeeded)
        {
            return Refuse("failed", Failed);
        }
        // Only now, with the attempt and its audit entry committed, is the session cookie issued.
        await signIn.SignInAsync(attempt.User!, isPersistent: false);
        return LocalRedirect(SafeReturnUrl());
    }

    /// <summary>The database refused the attempt's writes: nobody can sign in now, and the form says so (503).</summary>
    public Task<IActionResult> ShowFormAfterRefusedSaveAsync(CancellationToken ct)
    {
        ViewData.Remove(CannotSaveFilter.ViewDataKey);
        Title = "Sign in";
        return Task.FromResult<IActionResult>(Refuse("unavailable", "The newsroom cannot sign anyone in right now: its database is not taking changes. Try again in a few minutes."));
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

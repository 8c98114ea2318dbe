using Byline.Newsroom.Accounts;
using Byline.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Newsroom.Account;

/// <summary>
/// Signing out is a POST (with antiforgery); the GET only shows the button, so a link cannot sign anyone out.
/// It ends every session of the account, on every node: the security stamp every request checks is renewed.
/// </summary>
public sealed class SignOutModel(SignInManager<BylineUser> signIn, BylineDb db, AuditLog audit) : NewsroomPageModel
{
    public void OnGet() => Title = "Sign out";

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Title = "Sign out";
        // This browser's cookie goes first, so it is gone even if the database refuses the rest.
        await signIn.SignOutAsync();
        if (User.UserId() is { } userId)
        {
            // A copy of the cookie (another device, or one taken from this browser) fails at its next request.
            await NewsroomSessions.EndAllAsync(db, userId, ct);
        }
        audit.Record(db, User, AuditActions.SignOut, "user", User.UserId()?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", "every session", ClientIp);
        await db.SaveChangesAsync(ct);
        return Redirect(NewsroomExtensions.SignInPath);
    }
}

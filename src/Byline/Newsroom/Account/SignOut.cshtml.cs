using Byline.Newsroom.Accounts;
using Byline.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Newsroom.Account;

/// <summary>Signing out is a POST (with antiforgery); the GET only shows the button, so a link cannot sign anyone out.</summary>
public sealed class SignOutModel(SignInManager<BylineUser> signIn, BylineDb db, AuditLog audit) : NewsroomPageModel
{
    public void OnGet() => Title = "Sign out";

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        audit.Record(db, User, AuditActions.SignOut, "user", User.UserId()?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", "", ClientIp);
        await db.SaveChangesAsync(ct);
        await signIn.SignOutAsync();
        return Redirect(NewsroomExtensions.SignInPath);
    }
}

using System.Globalization;
using Byline.Newsroom.Accounts;
using Byline.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Newsroom.Account;

/// <summary>Setting (after a one-time link) or changing one's own password; the session is re-issued with the new stamp.</summary>
public sealed class PasswordModel(SignInManager<BylineUser> signIn, BylineDb db, AuditLog audit) : NewsroomPageModel
{
    [BindProperty]
    public string? Current { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? Confirm { get; set; }

    public bool HasPassword { get; private set; }
    public string Email { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await LoadAsync();
        return user is null ? Forbid() : Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var user = await LoadAsync();
        if (user is null)
        {
            return Forbid();
        }
        if (string.IsNullOrEmpty(NewPassword))
        {
            ModelState.AddModelError(nameof(NewPassword), "Enter a new password.");
        }
        else if (NewPassword != Confirm)
        {
            ModelState.AddModelError(nameof(Confirm), "The two passwords differ.");
        }
        if (HasPassword && string.IsNullOrEmpty(Current))
        {
            ModelState.AddModelError(nameof(Current), "Enter your current password.");
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var users = signIn.UserManager;
        var result = HasPassword
            ? await users.ChangePasswordAsync(user, Current!, NewPassword!)
            : await users.AddPasswordAsync(user, NewPassword!);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(error.Code == "PasswordMismatch" ? nameof(Current) : nameof(NewPassword), error.Description);
            }
            return Page();
        }
        await signIn.RefreshSignInAsync(user);
        audit.Record(db, User, AuditActions.PasswordSet, "user", user.Id.ToString(CultureInfo.InvariantCulture), HasPassword ? "changed" : "set", ClientIp);
        await db.SaveChangesAsync(ct);
        Flash = "Your password is saved.";
        return Redirect("/newsroom");
    }

    private async Task<BylineUser?> LoadAsync()
    {
        Title = "Your password";
        var user = await signIn.UserManager.GetUserAsync(User);
        if (user is not null)
        {
            HasPassword = user.PasswordHash is not null;
            Email = user.Email ?? "";
        }
        return user;
    }
}

using Byline.Newsroom.Accounts;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Newsroom.Users;

/// <summary>Admin: list accounts, create one (it gets a one-time sign-in link, shown once), change roles, disable and enable.</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class UsersPageModel(NewsroomAccounts accounts, SignInLinks links) : NewsroomPageModel
{
    public IReadOnlyList<AccountRow> Accounts { get; private set; } = [];

    [BindProperty]
    public string Email { get; set; } = "";

    [BindProperty]
    public string DisplayName { get; set; } = "";

    [BindProperty]
    public string Role { get; set; } = Roles.Contributor;

    /// <summary>A link just made, shown on this one response and stored nowhere.</summary>
    public string? NewLink { get; private set; }
    public string? NewLinkFor { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var result = await accounts.CreateAsync(Email, DisplayName, Role, null, User, ClientIp, ct);
        if (!result.Succeeded || result.User is null)
        {
            ModelState.AddModelError(result.Field ?? nameof(Email), result.Message);
            await LoadAsync(ct);
            return Page();
        }
        await ShowLinkAsync(result.User);
        Email = "";
        DisplayName = "";
        Role = Roles.Contributor;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRoleAsync(int id, string role, CancellationToken ct) =>
        await ChangeAsync(id, user => accounts.ChangeRoleAsync(user, role, User, ClientIp, ct), "Role changed.", ct);

    public async Task<IActionResult> OnPostDisableAsync(int id, CancellationToken ct) =>
        await ChangeAsync(id, user => accounts.SetDisabledAsync(user, true, User, ClientIp, ct), "Account disabled.", ct);

    public async Task<IActionResult> OnPostEnableAsync(int id, CancellationToken ct) =>
        await ChangeAsync(id, user => accounts.SetDisabledAsync(user, false, User, ClientIp, ct), "Account enabled.", ct);

    /// <summary>Lifts the account's sign-in locks from every source, like <c>user unlock</c>.</summary>
    public async Task<IActionResult> OnPostUnlockAsync(int id, CancellationToken ct) =>
        await ChangeAsync(id, async user =>
        {
            await accounts.UnlockAsync(user, User, ClientIp, ct);
            return AccountResult.Ok(user);
        }, "Account unlocked.", ct);

    public async Task<IActionResult> OnPostLinkAsync(int id, CancellationToken ct)
    {
        var user = await UserAsync(id);
        if (user is null)
        {
            return NotFound();
        }
        if (user.IsDisabled)
        {
            ModelState.AddModelError("", "Enable the account before making a sign-in link.");
        }
        else
        {
            await ShowLinkAsync(user);
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task<IActionResult> ChangeAsync(int id, Func<BylineUser, Task<AccountResult>> change, string done, CancellationToken ct)
    {
        var user = await UserAsync(id);
        if (user is null)
        {
            return NotFound();
        }
        var result = await change(user);
        if (!result.Succeeded)
        {
            ModelState.AddModelError("", $"{user.Email}: {result.Message}");
            await LoadAsync(ct);
            return Page();
        }
        Flash = $"{user.Email}: {done}";
        return RedirectToPage();
    }

    private Task<BylineUser?> UserAsync(int id) =>
        HttpContext.RequestServices.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<BylineUser>>().FindByIdAsync(id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private async Task ShowLinkAsync(BylineUser user)
    {
        var path = await links.CreatePathAsync(user);
        NewLink = $"{Request.Scheme}://{Request.Host}{path}";
        NewLinkFor = user.Email;
        var db = HttpContext.RequestServices.GetRequiredService<Storage.BylineDb>();
        HttpContext.RequestServices.GetRequiredService<AuditLog>().Record(db, User, AuditActions.UserLink, "user",
            user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), user.Email ?? "", ClientIp);
        await db.SaveChangesAsync(HttpContext.RequestAborted);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Title = "Users";
        Area = "users";
        Accounts = await accounts.ListAsync(ct);
    }
}

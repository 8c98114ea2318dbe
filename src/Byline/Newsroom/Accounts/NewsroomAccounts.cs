using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Byline.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Accounts;

/// <summary>The outcome of an account change; <see cref="Code"/> is stable, <see cref="Message"/> is for people.</summary>
public sealed record AccountResult(bool Succeeded, string Code, string Message, BylineUser? User = null, string? Field = null)
{
    public static AccountResult Ok(BylineUser user) => new(true, "ok", "", user);

    public static AccountResult Fail(string code, string message, string? field = null) => new(false, code, message, null, field);
}

public sealed record AccountRow(int Id, string Email, string DisplayName, string Role, bool IsDisabled, bool IsLockedOut, bool HasPassword, DateTime CreatedAt);

/// <summary>
/// Creating accounts, changing roles, disabling and enabling: the rules shared by the `user` verbs
/// and the Users page. Every change is audited. An account holds exactly one role.
/// </summary>
public sealed class NewsroomAccounts(UserManager<BylineUser> users, BylineDb db, AuditLog audit, SignInThrottles throttles, TimeProvider clock)
{
    private static readonly EmailAddressAttribute EmailRule = new();

    /// <summary>The canonical role name for user input ("admin", "Editor"), or null.</summary>
    public static string? RoleNamed(string? input) =>
        Roles.All.FirstOrDefault(r => string.Equals(r, input?.Trim(), StringComparison.OrdinalIgnoreCase));

    public Task<BylineUser?> FindByEmailAsync(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return users.FindByEmailAsync(email.Trim());
    }

    public async Task<AccountResult> CreateAsync(string email, string displayName, string role, string? password, ClaimsPrincipal actor, string ip, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        email = (email ?? "").Trim();
        displayName = (displayName ?? "").Trim();
        if (email.Length == 0 || email.Length > 256 || !EmailRule.IsValid(email))
        {
            return AccountResult.Fail("invalid-email", $"'{email}' is not an e-mail address.", "Email");
        }
        if (displayName.Length > 100)
        {
            return AccountResult.Fail("invalid-name", "The display name is longer than 100 characters.", "DisplayName");
        }
        if (RoleNamed(role) is not { } roleName)
        {
            return AccountResult.Fail("invalid-role", $"'{role}' is not a role; use one of {string.Join(", ", Roles.All).ToLowerInvariant()}.", "Role");
        }
        if (await users.FindByEmailAsync(email) is not null)
        {
            return AccountResult.Fail("duplicate-email", $"An account for {email} already exists.", "Email");
        }
        var user = new BylineUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = displayName.Length > 0 ? displayName : email.Split('@')[0],
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            LockoutEnabled = true,
        };
        var created = password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return FromIdentity(created, password is null ? "Email" : "Password");
        }
        var added = await users.AddToRoleAsync(user, roleName);
        if (!added.Succeeded)
        {
            await users.DeleteAsync(user);
            return FromIdentity(added, "Role");
        }
        audit.Record(db, actor, AuditActions.UserCreated, "user", Id(user), $"{email} as {roleName}", ip);
        await db.SaveChangesAsync(ct);
        return AccountResult.Ok(user);
    }

    public async Task<AccountResult> ChangeRoleAsync(BylineUser user, string role, ClaimsPrincipal actor, string ip, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (RoleNamed(role) is not { } roleName)
        {
            return AccountResult.Fail("invalid-role", $"'{role}' is not a role; use one of {string.Join(", ", Roles.All).ToLowerInvariant()}.", "Role");
        }
        var current = await users.GetRolesAsync(user);
        if (current.Count == 1 && current[0] == roleName)
        {
            return AccountResult.Ok(user);
        }
        if (current.Contains(Roles.Admin) && roleName != Roles.Admin && await IsLastActiveAdminAsync(user, ct))
        {
            return AccountResult.Fail("last-admin", "This is the last enabled admin; make someone else admin first.", "Role");
        }
        if (current.Count > 0)
        {
            var removed = await users.RemoveFromRolesAsync(user, current);
            if (!removed.Succeeded)
            {
                return FromIdentity(removed, "Role");
            }
        }
        var added = await users.AddToRoleAsync(user, roleName);
        if (!added.Succeeded)
        {
            return FromIdentity(added, "Role");
        }
        // Roles travel in the session cookie: a new stamp makes open sessions sign in again with the new role.
        await users.UpdateSecurityStampAsync(user);
        audit.Record(db, actor, AuditActions.UserRole, "user", Id(user), $"{user.Email}: {string.Join(",", current)} → {roleName}", ip);
        await db.SaveChangesAsync(ct);
        return AccountResult.Ok(user);
    }

    public async Task<AccountResult> SetDisabledAsync(BylineUser user, bool disabled, ClaimsPrincipal actor, string ip, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.IsDisabled == disabled)
        {
            return AccountResult.Ok(user);
        }
        if (disabled && (await users.GetRolesAsync(user)).Contains(Roles.Admin) && await IsLastActiveAdminAsync(user, ct))
        {
            return AccountResult.Fail("last-admin", "This is the last enabled admin; it cannot be disabled.", "Email");
        }
        user.IsDisabled = disabled;
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded)
        {
            return FromIdentity(updated, "Email");
        }
        if (disabled)
        {
            // Ends the account's open sessions at their next request, and spends any sign-in link.
            await users.UpdateSecurityStampAsync(user);
        }
        audit.Record(db, actor, disabled ? AuditActions.UserDisabled : AuditActions.UserEnabled, "user", Id(user), user.Email ?? "", ip);
        await db.SaveChangesAsync(ct);
        return AccountResult.Ok(user);
    }

    /// <summary>
    /// Lifts every sign-in lock on the account (from every source) and forgets its failures; the
    /// number of sources it was locked from.
    /// </summary>
    public async Task<int> UnlockAsync(BylineUser user, ClaimsPrincipal actor, string ip, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var account = SignInThrottles.AccountOf(user.NormalizedEmail ?? users.NormalizeEmail(user.Email) ?? "");
        var sources = await throttles.UnlockAsync(account, ct);
        if (user.LockoutEnd is not null || user.AccessFailedCount > 0)
        {
            // Locks from before per-source throttling (Identity's own fields) go too.
            user.LockoutEnd = null;
            user.AccessFailedCount = 0;
            var updated = await users.UpdateAsync(user);
            if (!updated.Succeeded)
            {
                throw new InvalidOperationException(string.Join(" ", updated.Errors.Select(e => e.Description)));
            }
        }
        audit.Record(db, actor, AuditActions.UserUnlocked, "user", Id(user), $"{user.Email}: {sources.ToString(CultureInfo.InvariantCulture)} locked source(s)", ip);
        await db.SaveChangesAsync(ct);
        return sources;
    }

    public async Task<List<AccountRow>> ListAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var locked = await throttles.LockedAccountsAsync(ct);
        var rows = await db.Users.AsNoTracking()
            .OrderBy(u => u.Email)
            .Select(u => new
            {
                u.Id,
                u.Email,
                u.DisplayName,
                u.IsDisabled,
                u.NormalizedEmail,
                u.LockoutEnd,
                HasPassword = u.PasswordHash != null,
                u.CreatedAt,
                Roles = db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).ToList(),
            })
            .ToListAsync(ct);
        return
        [
            .. rows.Select(u => new AccountRow(u.Id, u.Email ?? "", u.DisplayName,
                Roles.All.Reverse().FirstOrDefault(r => u.Roles.Contains(r)) ?? "",
                u.IsDisabled, (u.LockoutEnd is { } end && end > now) || locked.Contains(SignInThrottles.AccountOf(u.NormalizedEmail ?? "")), u.HasPassword, u.CreatedAt)),
        ];
    }

    private async Task<bool> IsLastActiveAdminAsync(BylineUser user, CancellationToken ct)
    {
        var adminRoleId = await db.Roles.Where(r => r.Name == Roles.Admin).Select(r => r.Id).FirstOrDefaultAsync(ct);
        var others = await db.UserRoles.Where(ur => ur.RoleId == adminRoleId && ur.UserId != user.Id)
            .Join(db.Users, ur => ur.UserId, u => u.Id, (ur, u) => u)
            .CountAsync(u => !u.IsDisabled, ct);
        return others == 0;
    }

    private static string Id(BylineUser user) => user.Id.ToString(CultureInfo.InvariantCulture);

    private static AccountResult FromIdentity(IdentityResult result, string field)
    {
        var first = result.Errors.FirstOrDefault();
        var code = first?.Code switch
        {
            null => "failed",
            var c when c.StartsWith("Password", StringComparison.Ordinal) => "weak-password",
            "DuplicateEmail" or "DuplicateUserName" => "duplicate-email",
            "InvalidEmail" or "InvalidUserName" => "invalid-email",
            _ => "failed",
        };
        var message = string.Join(" ", result.Errors.Select(e => e.Description));
        return AccountResult.Fail(code, message.Length > 0 ? message : "The account could not be saved.", code == "weak-password" ? "Password" : field);
    }
}

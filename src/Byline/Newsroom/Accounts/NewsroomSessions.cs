using System.Security.Claims;
using Byline.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Byline.Newsroom.Accounts;

/// <summary>
/// Checks a session cookie against its account on every newsroom request: one indexed read of two
/// columns. A disabled account, or a changed security stamp (sign-out, role change, one-time link
/// spent, password change), ends the session at once rather than after a validation interval. The
/// database is the only source of truth, so every node sharing it agrees.
/// </summary>
public static class NewsroomSessions
{
    /// <summary>
    /// Ends every session of the account on every node: a new security stamp (and concurrency
    /// stamp, as Identity would) in one statement, so a concurrent edit of the account cannot make it fail.
    /// </summary>
    public static async Task EndAllAsync(BylineDb db, int userId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var stamp = Guid.NewGuid().ToString("N").ToUpperInvariant();
        var concurrency = Guid.NewGuid().ToString();
        await db.Users.Where(u => u.Id == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.SecurityStamp, stamp).SetProperty(u => u.ConcurrencyStamp, concurrency), ct);
    }

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var principal = context.Principal;
        var id = principal?.UserId();
        var stampType = context.HttpContext.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        var stamp = principal?.FindFirstValue(stampType);
        var valid = false;
        if (id is int userId && stamp is not null)
        {
            var db = context.HttpContext.RequestServices.GetRequiredService<BylineDb>();
            var row = await db.Users.AsNoTracking().Where(u => u.Id == userId)
                .Select(u => new { u.IsDisabled, u.SecurityStamp })
                .FirstOrDefaultAsync(context.HttpContext.RequestAborted);
            valid = row is { IsDisabled: false } && row.SecurityStamp == stamp;
        }
        if (!valid)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
        }
    }
}

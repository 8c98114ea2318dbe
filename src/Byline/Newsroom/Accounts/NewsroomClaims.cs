using System.Security.Claims;
using Byline.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Byline.Newsroom.Accounts;

/// <summary>Adds the display name to the session, so the layout shows it without a query.</summary>
public sealed class NewsroomClaims(UserManager<BylineUser> users, RoleManager<BylineRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<BylineUser, BylineRole>(users, roles, options)
{
    public const string DisplayName = "byline:display_name";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(BylineUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(DisplayName, string.IsNullOrWhiteSpace(user.DisplayName) ? user.Email ?? "" : user.DisplayName));
        return identity;
    }
}

/// <summary>What the layout and pages read about the signed-in account.</summary>
public static class NewsroomPrincipal
{
    public static string DisplayName(this ClaimsPrincipal user) =>
        user?.FindFirstValue(NewsroomClaims.DisplayName) ?? user?.Identity?.Name ?? "";

    /// <summary>The account's one role (the highest, should an account ever hold several).</summary>
    public static string Role(this ClaimsPrincipal user) =>
        user is null ? "" : user.IsInRole(Roles.Admin) ? Roles.Admin : user.IsInRole(Roles.Editor) ? Roles.Editor : user.IsInRole(Roles.Contributor) ? Roles.Contributor : "";

    public static bool IsEditor(this ClaimsPrincipal user) => user is not null && (user.IsInRole(Roles.Editor) || user.IsInRole(Roles.Admin));

    public static bool IsAdmin(this ClaimsPrincipal user) => user is not null && user.IsInRole(Roles.Admin);

    public static int? UserId(this ClaimsPrincipal user) =>
        int.TryParse(user?.FindFirstValue(ClaimTypes.NameIdentifier), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;
}

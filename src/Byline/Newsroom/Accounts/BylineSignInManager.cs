using Byline.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Byline.Newsroom.Accounts;

/// <summary>
/// Identity's sign-in manager, plus one rule: a disabled account cannot sign in by any route
/// (password, one-time link) and fails security-stamp validation, so its open sessions end too.
/// </summary>
public sealed class BylineSignInManager(
    UserManager<BylineUser> users,
    IHttpContextAccessor context,
    IUserClaimsPrincipalFactory<BylineUser> claims,
    IOptions<IdentityOptions> options,
    ILogger<SignInManager<BylineUser>> log,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<BylineUser> confirmation)
    : SignInManager<BylineUser>(users, context, claims, options, log, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(BylineUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return !user.IsDisabled && await base.CanSignInAsync(user);
    }

    public override async Task<bool> ValidateSecurityStampAsync(BylineUser? user, string? securityStamp) =>
        user is { IsDisabled: false } && await base.ValidateSecurityStampAsync(user, securityStamp);
}

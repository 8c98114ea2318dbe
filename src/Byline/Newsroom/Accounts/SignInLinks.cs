using System.Globalization;
using System.Text;
using Byline.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Byline.Newsroom.Accounts;

public sealed class SignInLinkTokenOptions : DataProtectionTokenProviderOptions
{
    public SignInLinkTokenOptions()
    {
        Name = SignInLinks.Provider;
        TokenLifespan = SignInLinks.Lifetime;
    }
}

/// <summary>Protected tokens bound to the account's security stamp; its own lifetime, apart from other Identity tokens.</summary>
public sealed class SignInLinkTokenProvider(
    IDataProtectionProvider protection,
    IOptions<SignInLinkTokenOptions> options,
    ILogger<DataProtectorTokenProvider<BylineUser>> log)
    : DataProtectorTokenProvider<BylineUser>(protection, options, log);

/// <summary>
/// One-time sign-in links: how an account gets its first session without a password ever being
/// set by someone else. A link is single use because redeeming it changes the security stamp the
/// token is bound to (which also ends the account's other sessions).
/// </summary>
public sealed class SignInLinks(UserManager<BylineUser> users)
{
    public const string Provider = "SignInLink";
    public const string Purpose = "newsroom-signin-link";
    public const string Path = "/newsroom/signin/link";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>The path and query of a fresh link (the caller adds the site's origin).</summary>
    public async Task<string> CreatePathAsync(BylineUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var token = await users.GenerateUserTokenAsync(user, Provider, Purpose);
        var packed = user.Id.ToString(CultureInfo.InvariantCulture) + "." + WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        return $"{Path}?token={packed}";
    }

    /// <summary>Checks a link's token and spends it; the account on success, null for a bad, used or expired link.</summary>
    public async Task<BylineUser?> RedeemAsync(string? packed)
    {
        if (string.IsNullOrEmpty(packed) || packed.Length > 2000)
        {
            return null;
        }
        var dot = packed.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !int.TryParse(packed.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(packed[(dot + 1)..]));
        }
        catch (FormatException)
        {
            return null;
        }
        var user = await users.FindByIdAsync(id.ToString(CultureInfo.InvariantCulture));
        if (user is null || user.IsDisabled || !await users.VerifyUserTokenAsync(user, Provider, Purpose, token))
        {
            return null;
        }
        // The stamp update is a concurrency-checked write: of two simultaneous redemptions only one succeeds.
        var spent = await users.UpdateSecurityStampAsync(user);
        return spent.Succeeded ? user : null;
    }
}

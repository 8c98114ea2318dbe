using System.Globalization;
using System.Security.Claims;
using Byline.Storage;

namespace Byline.Newsroom.Accounts;

/// <summary>Principals for audit entries written when nobody is signed in (a failed sign-in, the command line).</summary>
public static class Actors
{
    /// <summary>The account a sign-in attempt named, so the audit page can filter by it.</summary>
    public static ClaimsPrincipal For(BylineUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Name, user.UserName ?? user.Email ?? ""),
        ], "audit"));
    }

    /// <summary>An attempt that named no known account.</summary>
    public static ClaimsPrincipal Unknown(string attemptedName)
    {
        ArgumentNullException.ThrowIfNull(attemptedName);
        return new(new ClaimsIdentity([new Claim(ClaimTypes.Name, attemptedName.Length > 200 ? attemptedName[..200] : attemptedName)], "audit"));
    }

    /// <summary>The operating-system user running a command-line verb.</summary>
    public static ClaimsPrincipal CommandLine() =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, $"cli:{Environment.UserName}")], "audit"));
}

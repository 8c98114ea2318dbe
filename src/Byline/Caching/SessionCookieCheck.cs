using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Byline.Caching;

/// <summary>
/// Decides whether a request that carries a session cookie really is signed in, for the output cache:
/// only a ticket that unprotects and has not expired bypasses the cache. Any other value — a made-up
/// <c>byline.auth=x</c> sent to force full renders — is an anonymous reader.
/// <para>
/// Unprotecting a ticket is a MAC check and a small deserialisation (microseconds), but a flood sends
/// the same value again and again, so the verdict per cookie value is remembered for
/// <see cref="CacheOptions.SessionVerdictLifetime"/>. The table is bounded: past its size it starts afresh.
/// This is not authorization — the newsroom checks every request itself; a session ended a few seconds
/// ago only still skips the cache for that long.
/// </para>
/// </summary>
public sealed class SessionCookieCheck(IOptionsMonitor<CookieAuthenticationOptions> cookies, IOptionsMonitor<CacheOptions> options, TimeProvider clock)
{
    private const int MaxVerdicts = 10_000;
    private readonly ConcurrentDictionary<string, (bool Valid, long Until)> _verdicts = new(StringComparer.Ordinal);

    /// <summary>True when the request names a cookie of <see cref="CacheOptions.AuthCookiePrefixes"/> at all (no cookie: nothing to check).</summary>
    public static bool MayCarrySession(HttpRequest request, CacheOptions opts)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(opts);
        if (!request.Headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.Cookie))
        {
            return false;
        }
        foreach (var name in request.Cookies.Keys)
        {
            foreach (var prefix in opts.AuthCookiePrefixes)
            {
                if (name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        return false;
    }

    public bool IsSignedIn(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var opts = options.CurrentValue;
        var scheme = cookies.Get(opts.SessionScheme);
        if (scheme.TicketDataFormat is null || string.IsNullOrEmpty(scheme.Cookie.Name))
        {
            return false;
        }
        // The cookie manager reassembles a ticket split over several cookies (byline.authC1, C2…).
        var value = scheme.CookieManager.GetRequestCookie(context, scheme.Cookie.Name);
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }
        var now = clock.GetTimestamp();
        if (_verdicts.TryGetValue(value, out var verdict) && now < verdict.Until)
        {
            return verdict.Valid;
        }
        var ticket = scheme.TicketDataFormat.Unprotect(value);
        var valid = ticket is not null && (ticket.Properties.ExpiresUtc is not { } expires || expires > clock.GetUtcNow());
        if (_verdicts.Count >= MaxVerdicts)
        {
            _verdicts.Clear();
        }
        _verdicts[value] = (valid, now + (long)(opts.SessionVerdictLifetime.TotalSeconds * clock.TimestampFrequency));
        return valid;
    }
}

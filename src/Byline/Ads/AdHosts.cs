using Byline.Content;

namespace Byline.Ads;

/// <summary>What a page's ad sources add to its Content-Security-Policy, per directive (origins only, never a keyword).</summary>
public sealed record AdCspSources(IReadOnlyList<string> Script, IReadOnlyList<string> Frame, IReadOnlyList<string> Image, IReadOnlyList<string> Connect)
{
    public static readonly AdCspSources None = new([], [], [], []);

    public bool IsEmpty => Script.Count == 0 && Frame.Count == 0 && Image.Count == 0 && Connect.Count == 0;
}

/// <summary>
/// The hosts the configured ad servers need on a page type (docs/ads.md, "Content-Security-Policy"):
/// nothing unless some enabled position of that page type has a Google Ad Manager unit, because only
/// then does <c>ads.js</c> load GPT (and Prebid.js, which it loads only beside GPT). First-party
/// creatives are served from the site's own origin and need nothing.
/// </summary>
public static class AdHosts
{
    /// <summary>
    /// What GPT itself loads or calls from the page: its script and the ad requests
    /// (securepubads), the ad-traffic-quality checks (tpc and adtrafficquality), SafeFrame containers
    /// (ads.js forces SafeFrame, so a creative's own resources load in a cross-origin frame that this
    /// page's policy does not govern), and measurement pings. Google supports only nonce-based CSP
    /// officially because these hosts change; a nonce would make every cached page different, so the
    /// list is kept here in one place and a host Google adds goes in the newsroom's partner hosts.
    /// </summary>
    internal static readonly string[] GptScript =
        ["https://securepubads.g.doubleclick.net", "https://tpc.googlesyndication.com", "https://*.adtrafficquality.google"];

    internal static readonly string[] GptFrame =
    [
        "https://*.safeframe.googlesyndication.com", "https://tpc.googlesyndication.com", "https://securepubads.g.doubleclick.net",
        "https://googleads.g.doubleclick.net", "https://*.adtrafficquality.google",
    ];

    internal static readonly string[] GptImage =
    [
        "https://securepubads.g.doubleclick.net", "https://pagead2.googlesyndication.com", "https://tpc.googlesyndication.com",
        "https://*.adtrafficquality.google",
    ];

    internal static readonly string[] GptConnect =
        ["https://securepubads.g.doubleclick.net", "https://pagead2.googlesyndication.com", "https://*.adtrafficquality.google"];

    /// <summary>Most partner hosts a newsroom may list.</summary>
    public const int MaxPartnerHosts = 40;

    /// <summary>The sources a page of <paramref name="pageType"/> needs for the ads it may load.</summary>
    public static AdCspSources For(AdSettings ads, string pageType)
    {
        ArgumentNullException.ThrowIfNull(ads);
        var units = ads.All().Where(p => p.Info.PageType == pageType && p.Config.Enabled && p.Config.GamUnit.Length > 0).ToList();
        if (!ads.GamOn || units.Count == 0)
        {
            return AdCspSources.None;
        }
        var script = new List<string>(GptScript);
        AddOrigin(script, ads.GamScriptUrl);
        var partners = PartnerHosts(ads.PartnerHosts);
        if (ads.PrebidOn && units.Any(p => p.Config.PrebidBids.Length > 0))
        {
            // A build the site hosts itself is already 'self'.
            AddOrigin(script, ads.PrebidScriptUrl);
        }
        return new AdCspSources(
            Distinct(script),
            Distinct([.. GptFrame, .. partners]),
            Distinct([.. GptImage, .. partners]),
            Distinct([.. GptConnect, .. partners]));
    }

    private static string[] Distinct(IEnumerable<string> sources) => [.. sources.Distinct(StringComparer.Ordinal)];

    private static void AddOrigin(List<string> sources, string url)
    {
        if (Origin(url) is { } origin)
        {
            sources.Add(origin);
        }
    }

    /// <summary>"https://host[:port]" of an absolute http(s) URL; null for a path on this site or anything else.</summary>
    public static string? Origin(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.Host.Length == 0)
        {
            return null;
        }
        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.Host}" : $"{uri.Scheme}://{uri.Host}:{uri.Port}";
    }

    /// <summary>What was typed, split into hosts: one a line, or separated by commas or spaces.</summary>
    public static IReadOnlyList<string> PartnerHostsTyped(string? text) =>
        (text ?? "").Split(['\n', '\r', ',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The stored partner hosts; each was checked when saved, and is checked again so a document edited by hand cannot widen the policy.</summary>
    public static IReadOnlyList<string> PartnerHosts(string? text) =>
        [.. PartnerHostsTyped(text).Where(h => PartnerHostProblem(h) is null).Take(MaxPartnerHosts)];

    /// <summary>
    /// A partner host a newsroom may add: "https://host" or "https://*.host" (port allowed), nothing
    /// else — no path, no keyword such as 'unsafe-inline', no bare "https:" or "*". Null when fine.
    /// </summary>
    public static string? PartnerHostProblem(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        const string Prefix = "https://";
        if (!host.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return $"\"{host}\": write each host as https://name.example (or https://*.name.example).";
        }
        var rest = host[Prefix.Length..];
        var name = rest.StartsWith("*.", StringComparison.Ordinal) ? rest[2..] : rest;
        var colon = name.LastIndexOf(':');
        if (colon >= 0)
        {
            var port = name[(colon + 1)..];
            if (port.Length is 0 or > 5 || !port.All(char.IsAsciiDigit))
            {
                return $"\"{host}\": the port must be a number.";
            }
            name = name[..colon];
        }
        var labels = name.Split('.');
        if (host.Length > 200 || labels.Length < 2 || labels.Any(l => l.Length is 0 or > 63 || l.StartsWith('-') || l.EndsWith('-')
            || !l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            return $"\"{host}\": give a host name only, like https://ib.bidder.example, without a path.";
        }
        return null;
    }
}

using System.Globalization;
using Byline.Content;
using Byline.Discovery;

namespace Byline.Ads;

/// <summary>
/// The reader-facing ad routes. None reads or sets a cookie; none queries the database (they read
/// <see cref="AdCatalog"/>'s snapshot); counting goes through a per-client guard into
/// <see cref="AdCounters"/>. Anything malformed answers a 4xx ProblemDetails with a code.
/// <list type="bullet">
/// <item><c>GET /ads/creatives.json?page=article&amp;section=news</c> — what the page's slots may show (short public cache).</item>
/// <item><c>GET /ads/slots.css?v={version}</c> — the reserved height of every position per breakpoint (kept a year at its current version).</item>
/// <item><c>POST /ads/i/{id}</c> — a viewable impression (what <c>navigator.sendBeacon</c> sends).</item>
/// <item><c>GET /ads/click/{id}</c> — counts a click and redirects to the creative's stored URL, nowhere else.</item>
/// </list>
/// </summary>
public static class AdEndpoints
{
    public const int MaxSectionLength = 100;

    public static IEndpointRouteBuilder MapAds(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ads/creatives.json", CreativesAsync).AllowAnonymous();
        app.MapGet("/ads/slots.css", (string? v, SiteSettingsStore settings, HttpContext http) =>
        {
            var ads = settings.Current.Ads;
            // The address a page links names the sizes it was rendered with (?v=hash): that exact stylesheet never
            // changes, so a browser keeps it; any other (an older page, no version) is current for a short while only.
            http.Response.Headers.CacheControl = v == ads.Version() ? "public, max-age=31536000, immutable" : "public, max-age=3600";
            return Results.Text(ads.ReservationCss(), "text/css; charset=utf-8");
        }).AllowAnonymous();
        app.MapPost("/ads/i/{id}", ImpressionAsync).AllowAnonymous().DisableAntiforgery();
        app.MapGet("/ads/click/{id}", ClickAsync).AllowAnonymous();
        return app;
    }

    private static IResult Problem(int status, string code, string title) =>
        Results.Problem(statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });

    private static bool IsSlug(string s) =>
        s.Length <= MaxSectionLength && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    private static async Task<IResult> CreativesAsync(string? page, string? section, AdCatalog catalog, HttpContext http)
    {
        page ??= "";
        section ??= "";
        if (!AdPageTypes.All.Contains(page))
        {
            return Problem(400, "ads.unknown-page", "page must be one of: " + string.Join(", ", AdPageTypes.All) + ".");
        }
        if (!IsSlug(section))
        {
            return Problem(400, "ads.invalid-section", "section must be a section's slug (lower-case letters, digits and hyphens).");
        }
        var json = await catalog.JsonAsync(page, section, http.RequestAborted);
        // As long as the catalogue's own snapshot: a browser or CDN may keep it that long, never per reader.
        http.Response.Headers.CacheControl = "public, max-age=" + ((int)AdCatalog.MaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return Results.Bytes(json, "application/json");
    }

    private static int? ParseId(string id) =>
        id.Length is > 0 and <= 10 && int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    private static async Task<IResult> ImpressionAsync(string id, AdCatalog catalog, AdCounters counters, AdGuard guard, HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        if (ParseId(id) is not int creativeId)
        {
            return Problem(400, "ads.invalid-beacon", "The impression beacon names a creative by its number.");
        }
        if (await catalog.FindAsync(creativeId, http.RequestAborted) is null)
        {
            return Problem(404, "ads.unknown-creative", "There is no running creative with this number.");
        }
        if (guard.Admit(http, creativeId, click: false))
        {
            counters.CountImpression(creativeId);
        }
        return Results.NoContent();
    }

    private static async Task<IResult> ClickAsync(string id, AdCatalog catalog, AdCounters counters, AdGuard guard, HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        if (ParseId(id) is not int creativeId)
        {
            return Problem(404, "ads.unknown-creative", "There is no creative with this number.");
        }
        var entry = await catalog.FindAsync(creativeId, http.RequestAborted);
        // The stored URL was checked when saved; checked again so a row edited by hand cannot make this an open redirect.
        if (entry is null || !AdRules.IsClickUrl(entry.Creative.ClickUrl))
        {
            return Problem(404, "ads.unknown-creative", "There is no running creative with this number.");
        }
        if (guard.Admit(http, creativeId, click: true))
        {
            counters.CountClick(creativeId);
        }
        return Results.Redirect(entry.Creative.ClickUrl);
    }
}

/// <summary>
/// Bounds what one client adds to the ad counts: bots are not counted, one impression and one click per
/// client and creative a minute, at most <see cref="PerClientPerMinute"/> events a minute in all
/// (the same fixed-size tables as the view guard, no allocation, no lock).
/// </summary>
public sealed class AdGuard(TimeProvider clock)
{
    public const int PerClientPerMinute = 120;

    private readonly ViewGuard _guard = new(clock, new DiscoveryOptions { ViewWindowMinutes = 1, ViewsPerClientPerMinute = PerClientPerMinute });

    public bool Admit(HttpContext http, int creativeId, bool click)
    {
        ArgumentNullException.ThrowIfNull(http);
        var headers = http.Request.Headers;
        if (BotFilter.IsBot(headers.UserAgent.ToString(), headers["Sec-Purpose"].ToString(), headers["Purpose"].ToString()))
        {
            return false;
        }
        // Clicks and impressions of one creative are separate keys: clicks are numbered below zero.
        return _guard.Admit(http.Connection.RemoteIpAddress, click ? -creativeId : creativeId);
    }
}

public static class AdsExtensions
{
    public static IServiceCollection AddAds(this IServiceCollection services)
    {
        services.AddSingleton<AdCatalog>();
        services.AddSingleton<AdCounters>();
        services.AddSingleton<AdGuard>();
        services.AddHostedService<AdCounterFlusher>();
        return services;
    }
}

using System.Globalization;
using Byline.Ads;
using Byline.Content;
using Microsoft.Extensions.Options;

namespace Byline.Hosting;

/// <summary>The security headers of every response (<c>Byline:SecurityHeaders</c>).</summary>
public sealed class SecurityHeaderOptions
{
    public const string Section = "Byline:SecurityHeaders";

    public bool Enabled { get; set; } = true;

#pragma warning disable CA1819 // bound from configuration, which needs a settable array
    /// <summary>
    /// Added to <c>script-src 'self'</c>. The pages carry no inline script; one added later needs its
    /// <c>'sha256-…'</c> here (a hash, not a nonce, so a cached page stays valid) — a test fails until it is.
    /// </summary>
    public string[] ScriptSources { get; set; } = [];

    /// <summary>Added to <c>style-src 'self'</c>.</summary>
    public string[] StyleSources { get; set; } = [];

    /// <summary>Added to <c>img-src 'self'</c> (a separate media host goes here).</summary>
    public string[] ImageSources { get; set; } = ["data:"];

    /// <summary>
    /// Added to <c>media-src 'self'</c>. Episodes and Live TV play HLS and MP4 files from any http(s)
    /// address the newsroom gives, so the default allows both schemes.
    /// </summary>
    public string[] MediaSources { get; set; } = ["https:", "http:"];

    /// <summary>The <c>frame-src</c>: the video players <c>Content/Embeds</c> generates.</summary>
    public string[] FrameSources { get; set; } = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"];

    /// <summary>Added to <c>connect-src 'self'</c> (beacons, live streams and the newsroom's calls are same-origin).</summary>
    public string[] ConnectSources { get; set; } = [];

    /// <summary>Who may frame reader pages. The newsroom is never framed, whatever this says.</summary>
    public string[] FrameAncestors { get; set; } = ["'self'"];
#pragma warning restore CA1819

    public string ReferrerPolicy { get; set; } = "strict-origin-when-cross-origin";

    /// <summary>Features no page uses are switched off; fullscreen and picture-in-picture stay for the players.</summary>
    public string PermissionsPolicy { get; set; } =
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), browsing-topics=()";

    /// <summary>Send <c>Strict-Transport-Security</c> on responses served over HTTPS (directly or, with forwarded headers, at the proxy).</summary>
    public bool Hsts { get; set; } = true;

    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    public bool HstsIncludeSubDomains { get; set; }

    public bool HstsPreload { get; set; }
}

/// <summary>
/// Adds Content-Security-Policy, nosniff, Referrer-Policy, Permissions-Policy, frame options and HSTS
/// to every response — pages, cache hits, 304s, static files, errors — just before it starts, so
/// nothing between here and Kestrel (the error page's re-execution clears headers) can lose them,
/// and the output cache never stores a copy that could go out of date. A reader page with ad slots
/// gets the hosts its ad servers need, from the ad settings of this moment (docs/ads.md).
/// </summary>
public sealed class SecurityHeaders
{
    private readonly RequestDelegate _next;
    private volatile Policy _policy;
    private readonly SiteSettingsStore _settings;
    private volatile AdPolicies? _adPolicies;

    public SecurityHeaders(RequestDelegate next, IOptionsMonitor<SecurityHeaderOptions> options, SiteSettingsStore settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        _next = next;
        _settings = settings;
        _policy = Policy.From(options.CurrentValue);
        options.OnChange(o => _policy = Policy.From(o));
    }

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.OnStarting(static state =>
        {
            var (http, self) = ((HttpContext, SecurityHeaders))state;
            self.Apply(http);
            return Task.CompletedTask;
        }, (context, this));
        return _next(context);
    }

    private void Apply(HttpContext http)
    {
        var headers = http.Response.Headers;
        // The page type of the page's ad slots (set by the slot partial, replayed by the cache): never sent on.
        var adPage = headers[AdSlot.PageHeader].ToString();
        if (adPage.Length > 0)
        {
            headers.Remove(AdSlot.PageHeader);
        }
        var policy = _policy;
        if (policy.Enabled)
        {
            policy.Apply(http, adPage.Length > 0 ? ReaderCspFor(policy, adPage) : null);
        }
    }

    /// <summary>The reader policy with the ad hosts of the page type, built once per settings and header options.</summary>
    private string ReaderCspFor(Policy policy, string pageType)
    {
        var ads = _settings.Current.Ads;
        var cached = _adPolicies;
        if (cached is null || !ReferenceEquals(cached.Ads, ads) || !ReferenceEquals(cached.Policy, policy))
        {
            cached = new AdPolicies(ads, policy, AdPageTypes.All.ToDictionary(t => t, t => policy.ReaderCspWith(AdHosts.For(ads, t)), StringComparer.Ordinal));
            _adPolicies = cached;
        }
        return cached.ByPageType.GetValueOrDefault(pageType) ?? policy.ReaderCsp;
    }

    private sealed record AdPolicies(AdSettings Ads, Policy Policy, IReadOnlyDictionary<string, string> ByPageType);

    /// <summary>The header values, built once per configuration.</summary>
    internal sealed record Policy(SecurityHeaderOptions Options, bool Enabled, string ReaderCsp, string NewsroomCsp, string NewsroomPreviewCsp, string? ReaderFrameOptions, string Referrer, string Permissions, string? Hsts)
    {
        public static Policy From(SecurityHeaderOptions o)
        {
            var common = Common(o, o.FrameSources, AdCspSources.None);
            // The story editor shows its own preview pages in frames (phone and desktop widths): the newsroom may
            // frame its own origin, and only a story preview may be framed, by the newsroom itself.
            var newsroomCommon = Common(o, ["'self'", .. o.FrameSources], AdCspSources.None);
            // X-Frame-Options for browsers without frame-ancestors, only where it can say the same thing.
            var ancestors = Ancestors(o);
            var frameOptions = ancestors is ["'none'"] ? "DENY" : ancestors is ["'self'"] ? "SAMEORIGIN" : null;
            string? hsts = null;
            if (o.Hsts)
            {
                hsts = "max-age=" + ((long)o.HstsMaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture)
                    + (o.HstsIncludeSubDomains ? "; includeSubDomains" : "") + (o.HstsPreload ? "; preload" : "");
            }
            return new Policy(o, o.Enabled, common + "; " + Directive("frame-ancestors", ancestors), newsroomCommon + "; frame-ancestors 'none'",
                newsroomCommon + "; frame-ancestors 'self'", frameOptions, o.ReferrerPolicy, o.PermissionsPolicy, hsts);
        }

        /// <summary>The reader policy with an ad stack's sources added (the same policy when there are none).</summary>
        public string ReaderCspWith(AdCspSources ads) =>
            ads.IsEmpty ? ReaderCsp : Common(Options, [.. Options.FrameSources, .. ads.Frame], ads) + "; " + Directive("frame-ancestors", Ancestors(Options));

        private static string[] Ancestors(SecurityHeaderOptions o) => o.FrameAncestors.Length == 0 ? ["'none'"] : o.FrameAncestors;

        private static string Common(SecurityHeaderOptions o, string[] frameSources, AdCspSources ads) => string.Join("; ",
            "default-src 'self'",
            Directive("script-src", ["'self'", .. o.ScriptSources, .. ads.Script]),
            Directive("style-src", ["'self'", .. o.StyleSources]),
            Directive("img-src", ["'self'", .. o.ImageSources, .. ads.Image]),
            Directive("media-src", ["'self'", .. o.MediaSources]),
            Directive("frame-src", frameSources.Length == 0 ? ["'none'"] : frameSources),
            Directive("connect-src", ["'self'", .. o.ConnectSources, .. ads.Connect]),
            "font-src 'self'",
            "manifest-src 'self'",
            "worker-src 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'");

        /// <summary><c>/newsroom/stories/{id}/preview</c> and the format previews under it.</summary>
        internal static bool IsStoryPreview(PathString path)
        {
            const string Prefix = "/newsroom/stories/";
            var value = path.Value ?? "";
            if (!value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
            var rest = value.AsSpan(Prefix.Length);
            var slash = rest.IndexOf('/');
            if (slash <= 0 || rest[..slash].ContainsAnyExceptInRange('0', '9'))
            {
                return false;
            }
            var tail = rest[(slash + 1)..];
            return tail.Equals("preview", StringComparison.OrdinalIgnoreCase) || tail.StartsWith("preview/", StringComparison.OrdinalIgnoreCase);
        }

        /// <summary><c>/newsroom/curation/top/preview</c>: the home page from an unsaved Top Stories order, framed by the curation page.</summary>
        internal static bool IsHomePreview(PathString path) =>
            string.Equals(path.Value?.TrimEnd('/'), "/newsroom/curation/top/preview", StringComparison.OrdinalIgnoreCase);

        private static string Directive(string name, IEnumerable<string> sources) =>
            name + " " + string.Join(' ', sources.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).Distinct(StringComparer.Ordinal));

        /// <param name="readerCsp">The reader policy for this page when it has ad slots; null for the plain one.</param>
        public void Apply(HttpContext http, string? readerCsp)
        {
            var headers = http.Response.Headers;
            var newsroom = http.Request.Path.StartsWithSegments("/newsroom", StringComparison.OrdinalIgnoreCase);
            var preview = newsroom && (IsStoryPreview(http.Request.Path) || IsHomePreview(http.Request.Path));
            // An endpoint that set its own, stricter policy keeps it (uploaded files: "default-src 'none'; sandbox").
            if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
            {
                headers.ContentSecurityPolicy = preview ? NewsroomPreviewCsp : newsroom ? NewsroomCsp : readerCsp ?? ReaderCsp;
            }
            headers.XContentTypeOptions = "nosniff";
            if ((preview ? "SAMEORIGIN" : newsroom ? "DENY" : ReaderFrameOptions) is { } frameOptions)
            {
                headers.XFrameOptions = frameOptions;
            }
            headers["Referrer-Policy"] = Referrer;
            headers["Permissions-Policy"] = Permissions;
            if (Hsts is not null && http.Request.IsHttps)
            {
                headers.StrictTransportSecurity = Hsts;
            }
        }
    }
}

public static class SecurityHeadersExtensions
{
    public static IServiceCollection AddSecurityHeaders(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.Configure<SecurityHeaderOptions>(config.GetSection(SecurityHeaderOptions.Section));
        return services;
    }

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.UseMiddleware<SecurityHeaders>();
}

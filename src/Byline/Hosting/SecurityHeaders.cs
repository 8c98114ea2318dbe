using System.Globalization;
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
/// and the output cache never stores a copy that could go out of date.
/// </summary>
public sealed class SecurityHeaders
{
    private readonly RequestDelegate _next;
    private readonly IOptionsMonitor<SecurityHeaderOptions> _options;
    private volatile Policy _policy;

    public SecurityHeaders(RequestDelegate next, IOptionsMonitor<SecurityHeaderOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _next = next;
        _options = options;
        _policy = Policy.From(options.CurrentValue);
        options.OnChange(o => _policy = Policy.From(o));
    }

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var policy = _policy;
        if (policy.Enabled)
        {
            context.Response.OnStarting(static state =>
            {
                var (http, p) = ((HttpContext, Policy))state;
                p.Apply(http);
                return Task.CompletedTask;
            }, (context, policy));
        }
        return _next(context);
    }

    /// <summary>The header values, built once per configuration.</summary>
    internal sealed record Policy(bool Enabled, string ReaderCsp, string NewsroomCsp, string NewsroomPreviewCsp, string? ReaderFrameOptions, string Referrer, string Permissions, string? Hsts)
    {
        public static Policy From(SecurityHeaderOptions o)
        {
            string Common(string[] frameSources) => string.Join("; ",
                "default-src 'self'",
                Directive("script-src", ["'self'", .. o.ScriptSources]),
                Directive("style-src", ["'self'", .. o.StyleSources]),
                Directive("img-src", ["'self'", .. o.ImageSources]),
                Directive("media-src", ["'self'", .. o.MediaSources]),
                Directive("frame-src", frameSources.Length == 0 ? ["'none'"] : frameSources),
                Directive("connect-src", ["'self'", .. o.ConnectSources]),
                "font-src 'self'",
                "manifest-src 'self'",
                "worker-src 'none'",
                "object-src 'none'",
                "base-uri 'none'",
                "form-action 'self'");
            var common = Common(o.FrameSources);
            // The story editor shows its own preview pages in frames (phone and desktop widths): the newsroom may
            // frame its own origin, and only a story preview may be framed, by the newsroom itself.
            var newsroomCommon = Common(["'self'", .. o.FrameSources]);
            var ancestors = o.FrameAncestors.Length == 0 ? ["'none'"] : o.FrameAncestors;
            // X-Frame-Options for browsers without frame-ancestors, only where it can say the same thing.
            var frameOptions = ancestors is ["'none'"] ? "DENY" : ancestors is ["'self'"] ? "SAMEORIGIN" : null;
            string? hsts = null;
            if (o.Hsts)
            {
                hsts = "max-age=" + ((long)o.HstsMaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture)
                    + (o.HstsIncludeSubDomains ? "; includeSubDomains" : "") + (o.HstsPreload ? "; preload" : "");
            }
            return new Policy(o.Enabled, common + "; " + Directive("frame-ancestors", ancestors), newsroomCommon + "; frame-ancestors 'none'",
                newsroomCommon + "; frame-ancestors 'self'", frameOptions, o.ReferrerPolicy, o.PermissionsPolicy, hsts);
        }

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

        public void Apply(HttpContext http)
        {
            var headers = http.Response.Headers;
            var newsroom = http.Request.Path.StartsWithSegments("/newsroom", StringComparison.OrdinalIgnoreCase);
            var preview = newsroom && (IsStoryPreview(http.Request.Path) || IsHomePreview(http.Request.Path));
            // An endpoint that set its own, stricter policy keeps it (uploaded files: "default-src 'none'; sandbox").
            if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
            {
                headers.ContentSecurityPolicy = preview ? NewsroomPreviewCsp : newsroom ? NewsroomCsp : ReaderCsp;
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

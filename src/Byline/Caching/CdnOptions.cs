namespace Byline.Caching;

/// <summary>Which CDN is told of content changes (<c>Byline:Cache:Cdn:Kind</c>).</summary>
public enum CdnKind
{
    /// <summary>POSTs <c>{"keys": [...]}</c> to <c>Byline:Cache:PurgeWebhook</c> (the default; off when that is empty).</summary>
    Webhook,
    /// <summary>Fastly's batch purge by surrogate key.</summary>
    Fastly,
    /// <summary>Cloudflare's purge by cache tag, or by URL on plans without tags.</summary>
    Cloudflare,
    /// <summary>A request per affected URL (or one <c>BAN</c> naming the keys) to a proxy cache: Varnish, nginx, Squid.</summary>
    Http,
}

/// <summary>How Cloudflare is asked to purge.</summary>
public enum CloudflarePurgeBy
{
    /// <summary><c>{"tags": [...]}</c>: every object whose <c>Cache-Tag</c> names one of the keys.</summary>
    Tags,
    /// <summary><c>{"files": [...]}</c>: the affected pages' URLs (plans without cache tags).</summary>
    Files,
}

/// <summary>The CDN adapter's settings (<c>Byline:Cache:Cdn</c>). Tokens come from the environment or a file, never logged.</summary>
public sealed class CdnOptions
{
    public CdnKind Kind { get; set; } = CdnKind.Webhook;

    /// <summary>
    /// The site's public address (<c>https://news.example</c>): the URLs Cloudflare's <c>files</c> purge
    /// names, and the <c>Host</c> the generic HTTP purge sends unless <see cref="HttpCdnOptions.Host"/> says otherwise.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    public FastlyOptions Fastly { get; set; } = new();

    public CloudflareOptions Cloudflare { get; set; } = new();

    public HttpCdnOptions Http { get; set; } = new();
}

public sealed class FastlyOptions
{
    /// <summary>The API's address; a test points it at a loopback receiver.</summary>
    public Uri BaseUrl { get; set; } = new("https://api.fastly.com");

    public string? ServiceId { get; set; }

    /// <summary>The API token (sent as <c>Fastly-Key</c>). Prefer <see cref="TokenFile"/> or the environment (<c>Byline__Cache__Cdn__Fastly__Token</c>).</summary>
    public string? Token { get; set; }

    /// <summary>A file holding the token (a systemd credential, a mounted secret); read at each purge.</summary>
    public string? TokenFile { get; set; }

    /// <summary>Mark objects stale instead of removing them (<c>Fastly-Soft-Purge: 1</c>), so the edge can serve stale while it revalidates.</summary>
    public bool SoftPurge { get; set; }

    /// <summary>Keys per request (Fastly takes up to 256).</summary>
    public int BatchSize { get; set; } = 256;
}

public sealed class CloudflareOptions
{
    public Uri BaseUrl { get; set; } = new("https://api.cloudflare.com/client/v4");

    public string? ZoneId { get; set; }

    /// <summary>An API token with the Cache Purge permission, sent as a bearer token.</summary>
    public string? Token { get; set; }

    public string? TokenFile { get; set; }

    public CloudflarePurgeBy PurgeBy { get; set; } = CloudflarePurgeBy.Tags;

    /// <summary>Tags or URLs per request (Cloudflare takes 30 in one call).</summary>
    public int BatchSize { get; set; } = 30;
}

public sealed class HttpCdnOptions
{
    /// <summary>Where the purge requests go: the proxy cache itself, usually on loopback (<c>http://127.0.0.1</c>).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The <c>Host</c> header of the purge requests (the proxy's cache key has it); default: the host of <see cref="CdnOptions.PublicBaseUrl"/>.</summary>
    public string? Host { get; set; }

    /// <summary>
    /// <c>PURGE</c> (Varnish, Squid, nginx with a purge module): one request per affected URL.
    /// <c>BAN</c>: one request naming the keys in <see cref="BanHeader"/> as a regular expression.
    /// <c>GET</c> with <see cref="Headers"/> <c>X-Byline-Purge: 1</c>: nginx without a purge module refreshes each URL (see docs/caching.md).
    /// </summary>
    public string Method { get; set; } = "PURGE";

    /// <summary>For <c>BAN</c>: the header carrying <c>(^| )(article:1|home)( |$)</c> for the proxy to match against <c>Surrogate-Key</c>.</summary>
    public string BanHeader { get; set; } = "X-Byline-Ban";

#pragma warning disable CA1819, CA2227 // bound from configuration
    /// <summary>Extra headers of every purge request, e.g. <c>X-Byline-Purge: 1</c>.</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// One request per URL per value here, as <c>Accept-Encoding</c> ("" sends none): a proxy that keeps
    /// a copy per coding (nginx keyed on the normalised coding) refreshes each. Purge-module and Varnish
    /// purges drop every variant at once and need only one.
    /// </summary>
    public string[] AcceptEncodings { get; set; } = [""];
#pragma warning restore CA1819, CA2227

    /// <summary>Upper bound of URLs per change (a change naming many tags and authors stays cheap); the rest age out with <c>s-maxage</c>.</summary>
    public int MaxUrls { get; set; } = 100;
}

namespace Byline.Caching;

/// <summary>Configuration of the output cache and the HTTP cache headers (<c>Byline:Cache</c>).</summary>
public sealed class CacheOptions
{
    public const string Section = "Byline:Cache";

    /// <summary>False switches the output cache off entirely: every request renders (uncached figures, debugging).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Upper bound of the bytes held (all three encodings of every entry); the least recently used go first.</summary>
    public long MaxBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>A response larger than this (identity bytes) is streamed through and not stored.</summary>
    public int MaxEntryBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// How long an entry counts as fresh without any event. Pages show times relative to now and a
    /// trending strip that ages, so after this an entry is served stale once while one request re-renders it.
    /// </summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the chrome (the trending strip ages on its own) is compared and every page marked stale when it changed.</summary>
    public TimeSpan ChromeCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The <c>Cache-Control</c> of every cacheable page, feed and sitemap.</summary>
    public string CacheControl { get; set; } = "public, max-age=60, s-maxage=600, stale-while-revalidate=30";

    /// <summary>Emit <c>X-Cache: HIT|MISS|STALE</c> on cacheable responses.</summary>
    public bool DebugHeader { get; set; } = true;

    /// <summary>Brotli quality for stored entries (0–11). 5 compresses a page in about a millisecond; 11 takes tens.</summary>
    public int BrotliQuality { get; set; } = 5;

    /// <summary>POSTed <c>{"keys": [...]}</c> on every eviction by content key, so a CDN can purge exactly. Empty: off.</summary>
    public string? PurgeWebhook { get; set; }

    public TimeSpan PurgeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Which CDN is told to purge, and how (<c>Byline:Cache:Cdn</c>): the webhook above by default, Fastly, Cloudflare or plain HTTP purges.</summary>
    public CdnOptions Cdn { get; set; } = new();

#pragma warning disable CA1819 // bound from configuration, which needs a settable array
    /// <summary>Paths under these prefixes are never cached (the newsroom, the API, health, media, error pages).</summary>
    public string[] BypassPrefixes { get; set; } = ["/newsroom", "/api", "/healthz", "/media", "/error", "/account", "/identity", "/newsletters"];

    /// <summary>
    /// Cookies (by name prefix) that may carry a session. Only a request whose session cookie of
    /// <see cref="SessionScheme"/> holds a valid, unexpired ticket bypasses the cache; any other value
    /// (a made-up <c>byline.auth=x</c>) is an anonymous reader and is served from the cache.
    /// </summary>
    public string[] AuthCookiePrefixes { get; set; } = [".AspNetCore.Identity", ".AspNetCore.Cookies", "byline.auth", "Byline.Auth"];

    /// <summary>The cookie authentication scheme whose tickets mark a signed-in request.</summary>
    public string SessionScheme { get; set; } = "Identity.Application";

    /// <summary>How long the verdict on one cookie value (valid session or not) is remembered, so a ticket is unprotected once, not per request.</summary>
    public TimeSpan SessionVerdictLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The query parameters reader pages read (each page's own: <c>page</c>, search's <c>q</c>,
    /// <c>section</c>, <c>from</c>, <c>to</c>, the live blog's <c>before</c> and <c>cursor</c>). Any other
    /// parameter is dropped from the request before it renders and from the cache key, so
    /// <c>?utm_source=…</c> or a random string is the same entry as the bare page.
    /// </summary>
    public string[] QueryParameters { get; set; } = ["page", "q", "section", "from", "to", "before", "cursor"];

    /// <summary>
    /// Share of <see cref="MaxBytes"/> for entries seen only once. A new entry lands there and moves to
    /// the main part on its first hit; one-off keys (a flood of distinct searches) only ever push out
    /// each other, never a page readers come back to.
    /// </summary>
    public double ProbationShare { get; set; } = 0.1;
#pragma warning restore CA1819
}

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

    /// <summary>The <c>Cache-Control</c> of every cacheable page, feed and sitemap.</summary>
    public string CacheControl { get; set; } = "public, max-age=60, s-maxage=600, stale-while-revalidate=30";

    /// <summary>Emit <c>X-Cache: HIT|MISS|STALE</c> on cacheable responses.</summary>
    public bool DebugHeader { get; set; } = true;

    /// <summary>Brotli quality for stored entries (0–11). 5 compresses a page in about a millisecond; 11 takes tens.</summary>
    public int BrotliQuality { get; set; } = 5;

    /// <summary>POSTed <c>{"keys": [...]}</c> on every eviction by content key, so a CDN can purge exactly. Empty: off.</summary>
    public string? PurgeWebhook { get; set; }

    public TimeSpan PurgeTimeout { get; set; } = TimeSpan.FromSeconds(5);

#pragma warning disable CA1819 // bound from configuration, which needs a settable array
    /// <summary>Paths under these prefixes are never cached (the newsroom, the API, health, media, error pages).</summary>
    public string[] BypassPrefixes { get; set; } = ["/newsroom", "/api", "/healthz", "/media", "/error", "/search", "/account", "/identity"];

    /// <summary>A request carrying one of these cookies (by name prefix) is signed in: never served from or stored in the cache.</summary>
    public string[] AuthCookiePrefixes { get; set; } = [".AspNetCore.Identity", ".AspNetCore.Cookies", "byline.auth", "Byline.Auth"];
#pragma warning restore CA1819
}

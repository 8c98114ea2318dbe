namespace Byline.Discovery;

/// <summary>
/// Views from software are not reads. A request is a bot when it has no User-Agent, when the agent
/// names a crawler or an automation tool, or when the browser says it is only prefetching. The list
/// is short and substring-based on purpose: it catches the crawlers that announce themselves (all the
/// big ones do); a bot that pretends to be a browser is indistinguishable without fingerprinting, which
/// Byline does not do.
/// </summary>
public static class BotFilter
{
    // One vectorised multi-substring search per request instead of a loop of Contains calls.
    private static readonly System.Buffers.SearchValues<string> Markers = System.Buffers.SearchValues.Create(
    [
        "bot", "crawl", "spider", "slurp", "headless", "lighthouse", "pagespeed", "curl", "wget", "python-", "httpclient",
        "java/", "go-http-client", "okhttp", "libwww", "scrapy", "axios", "node-fetch", "phantomjs", "puppeteer", "playwright",
        "selenium", "facebookexternalhit", "embedly", "pingdom", "uptime", "monitor", "feedfetcher", "wrk",
    ], StringComparison.OrdinalIgnoreCase);

    public static bool IsBot(string? userAgent, string? purpose) => IsBot(userAgent, purpose, null);

    /// <summary><paramref name="secPurpose"/> and <paramref name="purpose"/>: the two headers browsers use to flag a prefetch.</summary>
    public static bool IsBot(string? userAgent, string? secPurpose, string? purpose) =>
        string.IsNullOrWhiteSpace(userAgent)
        || IsPrefetch(secPurpose)
        || IsPrefetch(purpose)
        || userAgent.AsSpan().ContainsAny(Markers);

    private static bool IsPrefetch(string? purpose) =>
        !string.IsNullOrEmpty(purpose) && purpose.Contains("prefetch", StringComparison.OrdinalIgnoreCase);
}

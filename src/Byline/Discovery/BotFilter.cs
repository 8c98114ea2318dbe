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
    private static readonly string[] Markers =
    [
        "bot", "crawl", "spider", "slurp", "headless", "lighthouse", "pagespeed", "curl", "wget", "python-", "httpclient",
        "java/", "go-http-client", "okhttp", "libwww", "scrapy", "axios", "node-fetch", "phantomjs", "puppeteer", "playwright",
        "selenium", "facebookexternalhit", "embedly", "pingdom", "uptime", "monitor", "feedfetcher", "wrk",
    ];

    public static bool IsBot(string? userAgent, string? purpose)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return true;
        }
        if (!string.IsNullOrEmpty(purpose) && purpose.Contains("prefetch", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        foreach (var marker in Markers)
        {
            if (userAgent.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }
}

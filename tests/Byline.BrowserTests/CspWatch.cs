using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Byline.BrowserTests;

/// <summary>
/// Collects every Content-Security-Policy violation Chromium reports on the console ("Refused to load …
/// because it violates the following Content Security Policy directive") in the contexts it watches:
/// the reader and newsroom journeys run under the real policy, and one test asserts that none was seen.
/// </summary>
public static class CspWatch
{
    private static readonly ConcurrentQueue<string> Seen = new();

    public static IReadOnlyCollection<string> Violations => Seen;

    public static IBrowserContext Watch(IBrowserContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Page += (_, page) => Watch(page);
        foreach (var page in context.Pages)
        {
            Watch(page);
        }
        return context;
    }

    private static void Watch(IPage page) =>
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                Seen.Enqueue(page.Url + ": " + message.Text);
            }
        };
}

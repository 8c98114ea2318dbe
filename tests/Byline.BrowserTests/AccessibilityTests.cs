using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Byline.BrowserTests;

/// <summary>
/// axe-core (Deque.AxeCore.Playwright, pinned in Directory.Packages.props) over every kind of reader page and every page the
/// newsroom's navigation reaches, signed in as an admin: no violation axe rates critical or serious, on a desktop in
/// the light colour scheme and on a phone in the dark one.
/// </summary>
public sealed class AccessibilityTests(NewsroomSite site) : IClassFixture<NewsroomSite>
{
    /// <summary>What axe rates critical or serious on the page as it is now, one line per rule.</summary>
    private static async Task<IEnumerable<string>> SeriousAsync(IPage page)
    {
        var result = await page.RunAxe();
        return result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Impact} {v.Id}: {v.Help} at {string.Join(" | ", v.Nodes.Take(3).Select(n => string.Join(' ', n.Target)))}");
    }

    [Fact]
    public async Task Reader_pages_have_no_critical_or_serious_axe_violation_on_desktop_light_or_phone_dark()
    {
        var failures = new List<string>();
        // Desktop in the light scheme, the phone in the dark one: every reader page type in both layouts, each scheme once
        // (ArticleEndingJourneyTests runs the dark scheme at desktop width over an article and a section).
        foreach (var (width, height, scheme) in new[] { (1366, 900, ColorScheme.Light), (390, 844, ColorScheme.Dark) })
        {
            var context = CspWatch.Watch(await site.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = site.Server.Address.ToString(),
                ViewportSize = new ViewportSize { Width = width, Height = height },
                ColorScheme = scheme,
            }));
            var page = await context.NewPageAsync();
            var paths = new List<string> { "/", "/search?q=the", "/shorts", "/shows", "/web-stories", "/newsletters", "/no-such-page-here", "/newsroom/signin" };
            await page.GotoAsync("/");
            var links = await page.Locator("main a[href^='/']").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
            // A section, a story of each kind on the home page, a tag and an author: what the home page links to first.
            paths.AddRange(links.Where(h => !h.StartsWith("/media/", StringComparison.Ordinal) && !h.Contains('#', StringComparison.Ordinal)).Distinct().Take(6));
            var story = links.FirstOrDefault(h => h.Count(c => c == '/') >= 2 && !h.StartsWith("/tag/", StringComparison.Ordinal) && !h.StartsWith("/author/", StringComparison.Ordinal));
            if (story is not null)
            {
                await page.GotoAsync(story);
                var more = await page.Locator("a[href^='/tag/'], a[href^='/author/']").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
                paths.AddRange(more.Distinct().Take(2));
            }
            foreach (var path in paths.Distinct())
            {
                await page.GotoAsync(path);
                failures.AddRange((await SeriousAsync(page)).Select(f => $"{width}px {scheme} {path}: {f}"));
            }
            await context.CloseAsync();
        }
        Assert.True(failures.Count == 0, "axe found critical or serious violations:\n" + string.Join('\n', failures.Distinct()));
    }

    [Fact]
    public async Task Newsroom_pages_have_no_critical_or_serious_axe_violation()
    {
        var page = await site.SignedInAsync(site.AdminEmail);
        await page.GotoAsync("/newsroom");
        var paths = new List<string> { "/newsroom", "/newsroom/stories/new" };
        paths.AddRange(await page.Locator("header a[href^='/newsroom'], nav a[href^='/newsroom']").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"));
        await page.GotoAsync("/newsroom/stories");
        var story = await page.Locator("main a[href^='/newsroom/stories/']").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        paths.AddRange(story.Where(h => h.Split('/').Length == 4 && int.TryParse(h.Split('/')[3], out _)).Take(1));
        var failures = new List<string>();
        var visited = 0;
        foreach (var path in paths.Where(p => !p.Contains("signout", StringComparison.OrdinalIgnoreCase) && !p.Contains('#', StringComparison.Ordinal)).Distinct())
        {
            var response = await page.GotoAsync(path);
            if (response is null || !response.Ok)
            {
                failures.Add($"{path}: answered {response?.Status}");
                continue;
            }
            visited++;
            failures.AddRange((await SeriousAsync(page)).Select(f => $"{path}: {f}"));
        }
        Assert.True(visited >= 10, $"only {visited} newsroom pages were reached: {string.Join(", ", paths)}");
        Assert.True(failures.Count == 0, "axe found critical or serious violations:\n" + string.Join('\n', failures.Distinct()));
    }
}

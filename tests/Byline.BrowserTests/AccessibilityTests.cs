using Microsoft.Playwright;

namespace Byline.BrowserTests;

/// <summary>
/// axe-core (pinned in tests/axe, installed by scripts/test.sh) over every kind of reader page and every page the
/// newsroom's navigation reaches, signed in as an admin: no violation axe rates critical or serious, at desktop and
/// phone widths, in the light and the dark colour scheme. axe is added as an init script, which the pages'
/// Content-Security-Policy does not apply to, so the policy stays as strict as readers get it.
/// </summary>
public sealed class AccessibilityTests(NewsroomSite site) : IClassFixture<NewsroomSite>
{
    private const string Check = """
        async () => {
          const result = await axe.run(document, { resultTypes: ['violations'] });
          return result.violations
            .filter(v => v.impact === 'critical' || v.impact === 'serious')
            .map(v => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
        }
        """;

    private static string AxeSource()
    {
        var root = AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, "tests", "axe", "node_modules", "axe-core", "axe.min.js");
            if (File.Exists(file))
            {
                return File.ReadAllText(file);
            }
        }
        throw new InvalidOperationException("tests/axe/node_modules/axe-core/axe.min.js is missing: run `npm ci --prefix tests/axe` (scripts/test.sh does)");
    }

    [Fact]
    public async Task Reader_pages_have_no_critical_or_serious_axe_violation_at_either_width_or_colour_scheme()
    {
        var failures = new List<string>();
        foreach (var (width, height) in new[] { (1366, 900), (390, 844) })
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var context = CspWatch.Watch(await site.Browser.NewContextAsync(new BrowserNewContextOptions
                {
                    BaseURL = site.Server.Address.ToString(),
                    ViewportSize = new ViewportSize { Width = width, Height = height },
                    ColorScheme = scheme,
                }));
                await context.AddInitScriptAsync(AxeSource());
                var page = await context.NewPageAsync();
                var paths = new List<string> { "/", "/search?q=the", "/shorts", "/shows", "/web-stories", "/newsletters", "/no-such-page-here", "/newsroom/signin" };
                await page.GotoAsync("/");
                var links = await page.Locator("main a[href^='/']").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
                // A section, a story of each kind on the home page, a tag and an author: what the home page links to first.
                paths.AddRange(links.Where(h => !h.StartsWith("/media/", StringComparison.Ordinal) && !h.Contains('#', StringComparison.Ordinal)).Distinct().Take(10));
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
                    failures.AddRange((await page.EvaluateAsync<string[]>(Check)).Select(f => $"{width}px {scheme} {path}: {f}"));
                }
                await context.CloseAsync();
            }
        }
        Assert.True(failures.Count == 0, "axe found critical or serious violations:\n" + string.Join('\n', failures.Distinct()));
    }

    [Fact]
    public async Task Newsroom_pages_have_no_critical_or_serious_axe_violation()
    {
        var page = await site.SignedInAsync(site.AdminEmail);
        await page.Context.AddInitScriptAsync(AxeSource());
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
            failures.AddRange((await page.EvaluateAsync<string[]>(Check)).Select(f => $"{path}: {f}"));
        }
        Assert.True(visited >= 10, $"only {visited} newsroom pages were reached: {string.Join(", ", paths)}");
        Assert.True(failures.Count == 0, "axe found critical or serious violations:\n" + string.Join('\n', failures.Distinct()));
    }
}

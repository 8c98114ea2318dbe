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

    /// <summary>
    /// Issue 19 §10: signed in, a story written, given a section and a lead picture, and published with the keyboard
    /// alone — Tab, Enter, arrow keys and typing; no click, no filled field.
    /// </summary>
    [Fact]
    public async Task With_the_keyboard_alone_an_editor_writes_illustrates_and_publishes_a_story()
    {
        var context = CspWatch.Watch(await site.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = site.Server.Address.ToString() }));
        var page = await context.NewPageAsync();
        await page.GotoAsync("/newsroom/signin");
        await TabToAsync(page, "form[data-form=signin] input[name=Email]");
        await page.Keyboard.TypeAsync(site.EditorEmail);
        await TabToAsync(page, "form[data-form=signin] input[name=Password]");
        await page.Keyboard.TypeAsync(NewsroomSite.Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/newsroom/signin", StringComparison.Ordinal));

        // The header's persistent New story action.
        await TabToAsync(page, "a[data-new-story]");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/newsroom/stories/new");

        var headline = "Written without a mouse " + Guid.NewGuid().ToString("N")[..6];
        await TabToAsync(page, "input[name='Form.Headline']");
        await page.Keyboard.TypeAsync(headline);
        await TabToAsync(page, ".be-content");
        await page.Keyboard.TypeAsync("Every word of this story came from the keyboard.");

        await TabToAsync(page, "select[name='Form.SectionId']");
        await page.Keyboard.PressAsync("ArrowDown");
        Assert.NotEqual("", await page.Locator("select[name='Form.SectionId']").InputValueAsync());

        // The media library opens as a dialog; the first picture is chosen with Enter, and the dialog closes.
        await TabToAsync(page, "button.pick-lead");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#media-picker .media-choice").First).ToBeVisibleAsync();
        await TabToAsync(page, "#media-picker .media-choice");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#media-picker")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#lead-image-id")).Not.ToHaveValueAsync("");

        await TabToAsync(page, "button.act-publish");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(".story-status .status")).ToHaveTextAsync("published");
        var articlePath = await page.Locator("a.public-link").GetAttributeAsync("href");

        var reader = await site.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Server.Address.ToString() });
        await reader.GotoAsync(articlePath!);
        await Assertions.Expect(reader.Locator("h1.headline")).ToHaveTextAsync(headline);
        await Assertions.Expect(reader.Locator("main#main")).ToContainTextAsync("Every word of this story came from the keyboard.");
        await Assertions.Expect(reader.Locator("figure.lead-figure img")).ToBeVisibleAsync();
        await reader.CloseAsync();
        await context.CloseAsync();
    }

    /// <summary>Presses Tab until the focused element matches <paramref name="selector"/>; fails if it never does.</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        for (var presses = 0; presses < 400; presses++)
        {
            if (await page.EvaluateAsync<bool>("s => document.activeElement !== null && document.activeElement.matches(s)", selector))
            {
                return;
            }
            await page.Keyboard.PressAsync("Tab");
        }
        var focused = await page.EvaluateAsync<string>("() => document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : 'nothing'");
        Assert.Fail($"400 presses of Tab never reached {selector}; the focus is on {focused}");
    }
}

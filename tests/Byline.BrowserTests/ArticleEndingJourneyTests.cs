using System.Globalization;
using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>
/// Issue 20 §4 and §7 in real Chromium on the demo publication: the article's ending fills the main column at a
/// phone's and a laptop's width, and the pages follow the reader's dark colour scheme with axe still clean.
/// </summary>
[Collection(ReaderCollection.Name)]
public sealed partial class ArticleEndingJourneyTests(ReaderSite site)
{
    [GeneratedRegex(@"rgba?\((\d+), (\d+), (\d+)")]
    private static partial Regex Rgb();

    private static async Task OpenFirstStoryAsync(IPage page)
    {
        await ReaderJourneyTests.OpenFirstStoryAsync(page);
        await page.WaitForLoadStateAsync(LoadState.Load);
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1366, 900)]
    public async Task The_article_ending_fills_the_main_column(int width, int height)
    {
        var page = await site.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        await OpenFirstStoryAsync(page);

        await Expect(page.Locator("article.story hr.end-mark")).ToHaveCountAsync(1);
        var end = page.Locator(".story-column > .story-end");
        await Expect(end.Locator("section.next-story a.story-link")).ToHaveCountAsync(1);
        await Expect(end.Locator("section.more-from-section a.story-link").First).ToBeVisibleAsync();
        await Expect(end.Locator("section.short-news li.short-item").First).ToBeVisibleAsync();
        var story = (await page.Locator("article.story").BoundingBoxAsync())!;
        var ending = (await end.BoundingBoxAsync())!;
        // The ending is the story's column, as wide as the story, right below it.
        Assert.InRange(ending.X, story.X - 1, story.X + 1);
        Assert.InRange(ending.Width, story.Width - 2, story.Width + 2);
        Assert.True(ending.Y >= story.Y + story.Height, "the ending follows the story");
        var rail = (await page.Locator(".after-story").BoundingBoxAsync())!;
        if (width >= 1000)
        {
            // Beside the rail: the main column runs at least as far down as the rail, so no long empty column is left.
            Assert.True(rail.X > story.X + story.Width, "the rail is beside the story");
            Assert.True(ending.Y + ending.Height >= rail.Y + rail.Height - 1,
                $"main column ends at {ending.Y + ending.Height:0}px, the rail at {rail.Y + rail.Height:0}px");
        }
        else
        {
            Assert.True(rail.Y >= ending.Y + ending.Height, "on a phone the rail comes after the ending");
        }
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        Assert.True(widths[0] <= widths[1], $"page scrolls sideways: {widths[0]} > {widths[1]}");
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1366, 900)]
    public async Task Dark_mode_follows_the_system_setting_and_axe_finds_nothing_serious(int width, int height)
    {
        var page = await site.NewPageAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = ColorScheme.Dark,
        });
        await OpenFirstStoryAsync(page);

        var background = Luminance(await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));
        var text = Luminance(await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('article.story .story-body')).color"));
        Assert.True(background < 0.05, $"dark background expected, luminance {background:0.000}");
        Assert.True(text > 0.6, $"light text expected, luminance {text:0.000}");

        foreach (var path in new[] { new Uri(page.Url).AbsolutePath, await SectionOfAsync(page) })
        {
            await page.GotoAsync(path);
            await page.WaitForLoadStateAsync(LoadState.Load);
            var result = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
            var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
            Assert.True(serious.Count == 0, $"{path} at {width}px, dark: " + string.Join("; ", serious.Select(v =>
                $"{v.Id}: {string.Join(", ", v.Nodes.Take(3).Select(n => string.Join(' ', n.Target)))}")));
        }
    }

    private static async Task<string> SectionOfAsync(IPage page) =>
        new Uri(new Uri(page.Url), await page.Locator("nav.breadcrumb ol > li:nth-child(2) a").GetAttributeAsync("href")).AbsolutePath;

    /// <summary>Relative luminance (WCAG) of a computed CSS colour.</summary>
    private static double Luminance(string css)
    {
        var m = Rgb().Match(css);
        Assert.True(m.Success, $"not a colour: {css}");
        double Channel(int i)
        {
            var c = double.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture) / 255;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        return (0.2126 * Channel(1)) + (0.7152 * Channel(2)) + (0.0722 * Channel(3));
    }

    [Fact]
    public async Task Printing_an_article_keeps_the_story_in_black_on_white_and_leaves_out_the_site_around_it()
    {
        var page = await site.NewPageAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            ColorScheme = ColorScheme.Dark,
        });
        await OpenFirstStoryAsync(page);
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });

        await Expect(page.Locator("article.story h1.headline")).ToBeVisibleAsync();
        await Expect(page.Locator("article.story .story-body").First).ToBeVisibleAsync();
        foreach (var around in new[] { ".site-header", ".site-footer", ".story-end", ".after-story", "nav.breadcrumb" })
        {
            Assert.Equal(0, await page.Locator(around).Locator("visible=true").CountAsync());
        }
        Assert.Equal(0, await page.Locator(".ad-break, .ad-slot").Locator("visible=true").CountAsync());
        // Even a reader in dark mode prints black on white.
        var colours = await page.EvaluateAsync<string[]>(
            "() => [getComputedStyle(document.querySelector('article.story .story-body')).color, getComputedStyle(document.body).backgroundColor]");
        Assert.Equal("rgb(0, 0, 0)", colours[0]);
        Assert.Equal("rgb(255, 255, 255)", colours[1]);
    }
}

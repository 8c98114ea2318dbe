using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>A reader in real Chromium on the demo publication, through the hooks of docs/page-anatomy.md.</summary>
[Collection(ReaderCollection.Name)]
public sealed partial class ReaderJourneyTests(ReaderSite site)
{
    [GeneratedRegex(@"^/[a-z0-9-]+(/[a-z0-9-]+)?/[a-z0-9-]*-\d+$")]
    private static partial Regex ArticlePath();

    /// <summary>Opens the home page and follows its first story link by clicking it, as a reader would.</summary>
    internal static async Task OpenFirstStoryAsync(IPage page)
    {
        await page.GotoAsync("/");
        var link = page.Locator("main#main a.story-link").First;
        await Expect(link).ToBeVisibleAsync();
        await link.ClickAsync();
        await page.WaitForURLAsync(url => ArticlePath().IsMatch(new Uri(url).AbsolutePath));
    }

    [Fact]
    public async Task A_reader_follows_a_story_from_the_home_page_to_its_article()
    {
        var page = await site.NewPageAsync();

        await page.GotoAsync("/");
        var link = page.Locator("main#main a.story-link").First;
        await Expect(link).ToBeVisibleAsync();
        var headline = (await link.InnerTextAsync()).Trim();
        await link.ClickAsync();

        await page.WaitForURLAsync(url => ArticlePath().IsMatch(new Uri(url).AbsolutePath));
        await Expect(page.Locator("h1.headline")).ToHaveCountAsync(1);
        await Expect(page.Locator("h1.headline")).ToBeVisibleAsync();
        Assert.False(string.IsNullOrEmpty(headline), "the story link has text");
        await Expect(page.Locator("h1.headline")).ToContainTextAsync(headline);
    }

    [Fact]
    public async Task The_article_shows_every_part_of_its_anatomy()
    {
        var page = await site.NewPageAsync();
        await OpenFirstStoryAsync(page);

        await Expect(page.Locator("h1")).ToHaveCountAsync(1);
        await Expect(page.Locator("article.story h1.headline")).ToBeVisibleAsync();
        await Expect(page.Locator("nav.breadcrumb ol > li").First).ToBeVisibleAsync();
        await Expect(page.Locator(".byline")).ToBeVisibleAsync();
        var published = page.Locator(".dateline time.published");
        await Expect(published).ToBeVisibleAsync();
        await Expect(published).ToHaveAttributeAsync("datetime", new Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$"));
        foreach (var share in new[] { "a.share-whatsapp", "a.share-facebook", "a.share-x", "a.share-copy" })
        {
            await Expect(page.Locator($".share {share}")).ToBeVisibleAsync();
        }
        await Expect(page.Locator("p.standfirst")).ToBeVisibleAsync();

        var lead = page.Locator("figure.lead-figure img");
        await Expect(lead).ToBeVisibleAsync();
        await Expect(lead).ToHaveAttributeAsync("alt", new Regex(@"\S"));
        await lead.ScrollIntoViewIfNeededAsync();
        await page.WaitForFunctionAsync(
            "img => img.complete && img.naturalWidth > 0",
            await lead.ElementHandleAsync(),
            new PageWaitForFunctionOptions { Timeout = 15_000 });

        var ad = page.Locator("div.story-body aside.ad-break").First;
        await Expect(ad).ToBeVisibleAsync();
        await Expect(ad.Locator("p.ad-label")).Not.ToBeEmptyAsync();
        await Expect(page.Locator("div.story-body aside.more-from a[href]")).ToHaveCountAsync(2);
        await Expect(page.Locator("ul.story-tags a[href^='/tag/']").First).ToBeVisibleAsync();
        await Expect(page.Locator("footer.site-footer")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_copy_link_is_a_plain_link_to_the_article_that_works_without_javascript()
    {
        var page = await site.NewPageAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        await OpenFirstStoryAsync(page);
        var article = new Uri(page.Url).AbsolutePath;

        var copy = page.Locator(".share a.share-copy");
        await Expect(copy).ToBeVisibleAsync();
        var href = await copy.GetAttributeAsync("href");
        Assert.Equal(article, new Uri(new Uri(page.Url), href).AbsolutePath);

        await copy.ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.Load);
        Assert.Equal(article, new Uri(page.Url).AbsolutePath);
        await Expect(page.Locator("h1.headline")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Home_and_article_fit_a_320_pixel_screen_without_sideways_scrolling()
    {
        var page = await site.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 320, Height = 640 } });

        await page.GotoAsync("/");
        await AssertNoHorizontalScrollAsync(page);
        await OpenFirstStoryAsync(page);
        await page.WaitForLoadStateAsync(LoadState.Load);
        await AssertNoHorizontalScrollAsync(page);
    }

    private static async Task AssertNoHorizontalScrollAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        if (widths[0] <= widths[1])
        {
            return;
        }
        // Name the widest offenders so the failure says what to fix.
        var offenders = await page.EvaluateAsync<string[]>(@"() => {
            const w = document.documentElement.clientWidth;
            const clipped = e => {
                for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
                    if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true;
                }
                return false;
            };
            return [...document.querySelectorAll('body *')]
                .filter(e => !clipped(e))
                .map(e => [e, e.getBoundingClientRect().right])
                .filter(([e, right]) => right > w)
                .sort((a, b) => b[1] - a[1])
                .slice(0, 5)
                .map(([e, right]) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim().split(/\s+/).join('.') : '') + ' ends at ' + Math.round(right) + 'px');
        }");
        Assert.Fail($"{page.Url} is {widths[0]} px wide in a {widths[1]} px viewport; widest: {string.Join("; ", offenders)}");
    }
}

using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>
/// The reader site in real Chromium under its Content-Security-Policy: every kind of page, the photo
/// viewer, a web story and an episode's player work, and the console reports no violation.
/// </summary>
[Collection(ReaderCollection.Name)]
public sealed class ContentSecurityPolicyTests(ReaderSite site)
{
    [Fact]
    public async Task Reader_pages_players_and_the_photo_viewer_run_under_the_policy_without_a_violation()
    {
        var page = await site.NewPageAsync();
        var response = await page.GotoAsync("/");
        Assert.Contains("script-src 'self'", await response!.HeaderValueAsync("content-security-policy") ?? "", StringComparison.Ordinal);

        // One page of each kind the home page and the format lists link to.
        var paths = new List<string> { "/", "/shorts", "/web-stories", "/shows", "/live", "/search?q=the", "/newsroom/signin" };
        foreach (var list in new[] { "/", "/shows", "/web-stories" })
        {
            await page.GotoAsync(list);
            var hrefs = await page.Locator("main a[href^='/']").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
            // Not pictures, nor an ad's click route (a redirect off the site by design).
            paths.AddRange(hrefs.Where(h => !h.StartsWith("/media/", StringComparison.Ordinal) && !h.StartsWith("/ads/", StringComparison.Ordinal)).Distinct().Take(12));
        }
        foreach (var path in paths.Distinct())
        {
            await page.GotoAsync(path);
            // The stylesheet applied (a blocked one leaves the default white, serif page).
            var font = await page.EvaluateAsync<string>("getComputedStyle(document.body).fontFamily");
            Assert.False(string.Equals(font, "\"Times New Roman\"", StringComparison.Ordinal) || font.Length == 0, $"{path}: no stylesheet applied ({font})");
        }

        // The photo viewer builds its dialog in script.
        await page.GotoAsync("/travel");
        var photoStory = page.Locator("li.story-card:has(.format-label[data-format='photo-story']) a.story-link").First;
        await photoStory.ClickAsync();
        await page.Locator("li.photo a.photo-open").First.ClickAsync();
        await Expect(page.Locator("dialog.photo-viewer")).ToBeVisibleAsync();

        Assert.True(CspWatch.Violations.Count == 0, "Content-Security-Policy violations:\n" + string.Join('\n', CspWatch.Violations));
    }
}

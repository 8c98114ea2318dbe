using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>The demo's episodes carry real MP4 clips: Chromium decodes one and plays it to the end.</summary>
[Collection(ReaderCollection.Name)]
public sealed class EpisodePlaybackTests(ReaderSite site)
{
    [Fact]
    public async Task A_demo_episode_plays_its_clip_in_the_browser()
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync("/shows");
        await page.Locator("main a[href^='/shows/']").First.ClickAsync();
        await page.GotoAsync(await FirstEpisodeLinkAsync(page));
        var video = page.Locator("[data-player=mp4] video");
        await Expect(video).ToHaveCountAsync(1);
        // Muted, so the browser's autoplay policy lets a script start it.
        var outcome = await video.EvaluateAsync<string>(@"v => new Promise(resolve => {
            v.muted = true;
            v.addEventListener('error', () => resolve('error ' + (v.error ? v.error.code : '?')));
            v.addEventListener('ended', () => resolve('ended ' + v.videoWidth + 'x' + v.videoHeight + ' ' + Math.round(v.duration)));
            v.play().catch(e => resolve('play refused: ' + e.name));
        })");
        Assert.Equal("ended 256x144 4", outcome);
    }

    /// <summary>An episode page is a show page's link to /shows/{show}/{slug}-{id}.</summary>
    private static async Task<string> FirstEpisodeLinkAsync(IPage showPage)
    {
        foreach (var href in await showPage.Locator("main a[href^='/shows/']").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"))
        {
            if (System.Text.RegularExpressions.Regex.IsMatch(href, @"^/shows/[a-z0-9-]+/[a-z0-9-]+-\d+$"))
            {
                return href;
            }
        }
        throw new InvalidOperationException("the show page links no episode");
    }
}

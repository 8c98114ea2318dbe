using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>A live blog in real Chromium: an editor posts on the live desk, a reader sees it arrive without reloading.</summary>
public sealed partial class LiveBlogJourneyTests(NewsroomSite site) : IClassFixture<NewsroomSite>
{
    /// <summary>The issue's bound on how soon a posted update shows on a reader's open page.</summary>
    private const float ArrivalBound = 2000;

    [GeneratedRegex(@"^/newsroom/stories/(\d+)$")]
    private static partial Regex StoryPath();

    [Fact]
    public async Task A_reader_sees_an_update_posted_on_the_live_desk_appear_within_two_seconds_without_reloading()
    {
        var editor = await site.SignedInAsync(site.EditorEmail);
        await editor.GotoAsync("/newsroom/stories/new?format=live-blog");
        var headline = $"Live: river watch {Guid.NewGuid():N}";
        await editor.Locator("input[name='Form.Headline']").FillAsync(headline);
        await editor.Locator("[data-be-mode]").ClickAsync();
        await editor.Locator("#story-body").FillAsync("We follow the river through the night.");
        var section = editor.Locator("select[name='Form.SectionId'] option[value]:not([value=''])").First;
        await editor.Locator("select[name='Form.SectionId']").SelectOptionAsync(await section.GetAttributeAsync("value") ?? "");
        await editor.Locator("button.act-save").ClickAsync();
        // The document's arrival is enough: the next steps wait for their own elements. (Waiting for the
        // window's load event here once hung for 30 s on a slow machine with the network idle.)
        await editor.WaitForURLAsync(url => StoryPath().IsMatch(new Uri(url).AbsolutePath),
            new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        var id = int.Parse(StoryPath().Match(new Uri(editor.Url).AbsolutePath).Groups[1].Value, CultureInfo.InvariantCulture);
        await editor.Locator("button.act-publish").ClickAsync();
        await Expect(editor.Locator(".story-status .status")).ToHaveTextAsync("published");
        var articlePath = await editor.Locator("a.public-link").GetAttributeAsync("href");
        Assert.NotNull(articlePath);

        var readerContext = CspWatch.Watch(await site.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = site.Server.Address.ToString() }));
        var reader = await readerContext.NewPageAsync();
        await reader.GotoAsync(articlePath!);
        await Expect(reader.Locator("section.live-blog[data-live-stream] .live-state[data-live-state=live]")).ToBeVisibleAsync();
        var navigations = 0;
        reader.FrameNavigated += (_, frame) => navigations += frame == reader.MainFrame ? 1 : 0;

        await editor.Locator("a.live-desk-link").ClickAsync();
        await editor.WaitForURLAsync($"**/newsroom/stories/{id}/live", new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        var text = $"Water has reached the second step at the ghat ({Guid.NewGuid():N}).";
        await editor.Locator("#compose-headline").FillAsync("Level rising");
        await editor.Locator("#compose-body").FillAsync(text);
        await editor.Locator("form[data-live-compose] button[type=submit]").ClickAsync();

        var arrived = reader.Locator("section.live-blog .live-updates .live-update", new PageLocatorOptions { HasText = text });
        await Expect(arrived).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = ArrivalBound });
        await Expect(arrived.Locator("h3.live-headline")).ToHaveTextAsync("Level rising");
        Assert.Equal(0, navigations);
        // The desk posted without leaving its page either: the new entry is at the top of its list.
        await Expect(editor.Locator("[data-live-desk-list] li.live-desk-update").First).ToContainTextAsync(text);
        Assert.EndsWith($"/newsroom/stories/{id}/live", new Uri(editor.Url).AbsolutePath, StringComparison.Ordinal);

        await editor.Locator("form.live-end button").ClickAsync();
        await Expect(reader.Locator("section.live-blog .live-state[data-live-state=ended]")).ToBeVisibleAsync();
        await readerContext.CloseAsync();
    }
}

using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>A reader in real Chromium on the demo publication's web stories and photo stories.</summary>
[Collection(ReaderCollection.Name)]
public sealed class VisualStoryJourneyTests(ReaderSite site)
{
    /// <summary>Opens the newest web story from /web-stories by clicking its card.</summary>
    private async Task<IPage> OpenWebStoryAsync(BrowserNewContextOptions? options = null)
    {
        var page = await site.NewPageAsync(options ?? new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 412, Height = 860 } });
        await page.GotoAsync("/web-stories");
        var card = page.Locator("ol.web-story-list a.story-link").First;
        await Expect(card).ToBeVisibleAsync();
        await card.ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/web-stories/[a-z0-9-]+-\d+"));
        return page;
    }

    [Fact]
    public async Task A_web_story_advances_by_keyboard_and_goes_back_with_arrow_left()
    {
        var page = await OpenWebStoryAsync();
        var story = page.Locator("main.web-story");
        await Expect(story).ToHaveAttributeAsync("data-current", "1");
        await Expect(page.Locator("#page-1")).ToBeVisibleAsync();
        await Expect(page.Locator("#page-2")).ToBeHiddenAsync();

        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(story).ToHaveAttributeAsync("data-current", "2");
        await Expect(page.Locator("#page-2")).ToBeVisibleAsync();
        await Expect(page.Locator("#page-1")).ToBeHiddenAsync();
        await Expect(page.Locator(".ws-status")).ToContainTextAsync("Page 2 of");

        await page.Keyboard.PressAsync("Space");
        await Expect(story).ToHaveAttributeAsync("data-current", "3");
        await Expect(page.Locator("#page-3 h2.ws-heading")).ToBeVisibleAsync();

        await page.Keyboard.PressAsync("ArrowLeft");
        await Expect(story).ToHaveAttributeAsync("data-current", "2");
        await Expect(page.Locator(".ws-bar").Nth(0)).ToHaveClassAsync(new Regex(@"\bis-done\b"));
        await Expect(page.Locator(".ws-bar").Nth(1)).ToHaveClassAsync(new Regex(@"\bis-active\b"));
    }

    [Fact]
    public async Task A_web_story_advances_by_a_tap_on_the_right_half_and_goes_back_by_the_left()
    {
        var page = await OpenWebStoryAsync();
        var story = page.Locator("main.web-story");
        var area = page.Locator(".ws-pages");
        await Expect(story).ToHaveAttributeAsync("data-current", "1");
        var box = await area.BoundingBoxAsync() ?? throw new InvalidOperationException("the pages have no box");
        // Above the middle, where the previous/next buttons sit.
        var y = box.Height * 0.3f;

        await area.ClickAsync(new LocatorClickOptions { Position = new Position { X = box.Width * 0.8f, Y = y } });
        await Expect(story).ToHaveAttributeAsync("data-current", "2");
        await area.ClickAsync(new LocatorClickOptions { Position = new Position { X = box.Width * 0.8f, Y = y } });
        await Expect(story).ToHaveAttributeAsync("data-current", "3");

        await area.ClickAsync(new LocatorClickOptions { Position = new Position { X = box.Width * 0.2f, Y = y } });
        await Expect(story).ToHaveAttributeAsync("data-current", "2");
        await Expect(page.Locator("#page-2")).ToBeVisibleAsync();

        await page.Locator("button.ws-next").ClickAsync();
        await Expect(story).ToHaveAttributeAsync("data-current", "3");
    }

    [Fact]
    public async Task Without_javascript_every_page_of_a_web_story_is_shown_stacked()
    {
        var page = await OpenWebStoryAsync(new BrowserNewContextOptions { JavaScriptEnabled = false, ViewportSize = new ViewportSize { Width = 412, Height = 860 } });

        var count = int.Parse(await page.Locator("main.web-story").GetAttributeAsync("data-page-count") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(count >= 5, $"a demo web story has {count} pages");
        for (var i = 1; i <= count; i++)
        {
            var section = page.Locator($"#page-{i}");
            await section.ScrollIntoViewIfNeededAsync();
            await Expect(section.Locator("h2.ws-heading")).ToBeVisibleAsync();
        }
        await Expect(page.Locator(".ws-nav")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task The_photo_viewer_opens_a_picture_and_moves_with_the_arrow_keys()
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync("/travel");
        var card = page.Locator("li.story-card:has(.format-label[data-format='photo-story']) a.story-link").First;
        await Expect(card).ToBeVisibleAsync();
        await card.ClickAsync();
        var photos = page.Locator("section.photo-story li.photo");
        await Expect(photos.First).ToBeVisibleAsync();
        var total = await photos.CountAsync();
        Assert.True(total >= 2, $"the demo photo story has {total} pictures");

        await page.Locator("li.photo a.photo-open").First.ClickAsync();
        var viewer = page.Locator("dialog.photo-viewer");
        await Expect(viewer).ToBeVisibleAsync();
        await Expect(viewer.Locator(".pv-counter")).ToHaveTextAsync($"1 / {total}");
        await Expect(viewer.Locator(".pv-counter")).ToHaveAttributeAsync("aria-live", "polite");

        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(viewer.Locator(".pv-counter")).ToHaveTextAsync($"2 / {total}");
        await Expect(viewer).ToHaveAttributeAsync("data-index", "2");
        await page.Keyboard.PressAsync("ArrowLeft");
        await Expect(viewer.Locator(".pv-counter")).ToHaveTextAsync($"1 / {total}");

        await page.Keyboard.PressAsync("Escape");
        await Expect(viewer).ToBeHiddenAsync();
        // Focus is back on the picture the reader was looking at.
        await Expect(page.Locator("li.photo").First.Locator("a.photo-open")).ToBeFocusedAsync();
    }
}

using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>The slide list of the story editor in real Chromium: picker, add, reorder, remove, publish.</summary>
public sealed class SlideEditorJourneyTests(NewsroomSite site) : IClassFixture<NewsroomSite>
{
    private static async Task PickAsync(IPage page, ILocator row, int choice)
    {
        await row.Locator("button.slide-pick").ClickAsync();
        await page.Locator("#media-search").FillAsync("Gallery illustration");
        // The list is rebuilt when the search's answer arrives: choose from that list, not the one before it.
        await Expect(page.Locator("#media-results")).ToHaveAttributeAsync("data-query", "Gallery illustration");
        var option = page.Locator(".media-choice").Nth(choice);
        await Expect(option).ToBeVisibleAsync();
        await option.ClickAsync();
        await Expect(page.Locator("#media-picker")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task An_editor_builds_a_photo_story_with_the_picker_reorders_it_and_publishes_it()
    {
        var page = await site.SignedInAsync(site.EditorEmail);
        await page.GotoAsync("/newsroom/stories/new?format=photo-story");
        var rows = page.Locator("[data-slide-list] > li.slide-row");
        // With the script the empty rows the server sends shrink to one.
        await Expect(rows).ToHaveCountAsync(1);
        var headline = "Harbour at dawn, in pictures " + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("input[name='Form.Headline']").FillAsync(headline);
        var section = page.Locator("select[name='Form.SectionId'] option[value]:not([value=''])").First;
        await page.Locator("select[name='Form.SectionId']").SelectOptionAsync(await section.GetAttributeAsync("value") ?? "");

        await PickAsync(page, rows.Nth(0), 0);
        // Picking a picture for the last row opens a new empty one.
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0).Locator(".slide-thumb img")).ToBeVisibleAsync();
        await rows.Nth(0).Locator("textarea[name$='.Text']").FillAsync("First caption");
        await PickAsync(page, rows.Nth(1), 1);
        await Expect(rows).ToHaveCountAsync(3);
        await rows.Nth(1).Locator("textarea[name$='.Text']").FillAsync("Second caption");

        await rows.Nth(1).Locator("[data-slide-move='-1']").ClickAsync();
        await Expect(page.Locator("textarea[name='Form.Slides[0].Text']")).ToHaveValueAsync("Second caption");
        await Expect(page.Locator("textarea[name='Form.Slides[1].Text']")).ToHaveValueAsync("First caption");
        await page.Locator("[data-slide-add]").ClickAsync();
        await Expect(rows).ToHaveCountAsync(4);
        await rows.Nth(3).Locator("[data-slide-remove]").ClickAsync();
        await Expect(rows).ToHaveCountAsync(3);

        await page.Locator("button.act-publish").ClickAsync();
        await Expect(page.Locator(".story-status .status")).ToHaveTextAsync("published");
        var path = await page.Locator("a.public-link").GetAttributeAsync("href");

        var reader = await site.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Server.Address.ToString() });
        await reader.GotoAsync(path!);
        var captions = reader.Locator("section.photo-story li.photo .caption");
        await Expect(captions).ToHaveTextAsync(["Second caption", "First caption"]);
        await Expect(reader.Locator("section.photo-story .photo-counter").First).ToHaveTextAsync("1 / 2");
    }

    [Fact]
    public async Task When_the_library_cannot_answer_the_picker_says_so_and_the_next_search_shows_pictures()
    {
        var page = await site.SignedInAsync(site.EditorEmail);
        await page.GotoAsync("/newsroom/stories/new");
        // The library's answer is replaced by a server error, as when the node is restarting.
        await page.RouteAsync("**/newsroom/api/media**", route => route.FulfillAsync(new RouteFulfillOptions { Status = 503 }));
        await page.Locator("button.pick-lead").ClickAsync();
        await page.Locator("#media-search").FillAsync("Gallery illustration");
        var results = page.Locator("#media-results");
        await Expect(results).ToHaveAttributeAsync("data-query", "Gallery illustration");
        await Expect(results).ToContainTextAsync("could not be loaded (the library answered 503)");
        await Expect(results).Not.ToHaveAttributeAsync("aria-busy", "true");

        await page.UnrouteAllAsync();
        await page.Locator("#media-search").FillAsync("Gallery");
        await Expect(results).ToHaveAttributeAsync("data-query", "Gallery");
        await Expect(page.Locator(".media-choice").First).ToBeVisibleAsync();
    }
}

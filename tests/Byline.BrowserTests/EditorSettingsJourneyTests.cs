using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>
/// The story editor's settings panel and the planning page in real Chromium (issue 19 points 2, 6, 7):
/// the author search, the SEO counters and previews, the phone/desktop preview toggle, and moving a
/// scheduled story on the planning page by dragging it and with the keyboard's "Move to…" control.
/// </summary>
public sealed partial class EditorSettingsJourneyTests(NewsroomSite site) : IClassFixture<NewsroomSite>
{
    [GeneratedRegex(@"^/newsroom/stories/(\d+)$")]
    private static partial Regex StoryPath();

    private static string Unique() => Guid.NewGuid().ToString("N")[..6];

    private static async Task<string> PickSectionAsync(IPage page)
    {
        var value = await page.Locator("select[name='Form.SectionId'] option[value]:not([value=''])").First.GetAttributeAsync("value") ?? "";
        await page.Locator("select[name='Form.SectionId']").SelectOptionAsync(value);
        return value;
    }

    private static async Task<int> SavedStoryAsync(IPage page, string headline)
    {
        await page.GotoAsync("/newsroom/stories/new");
        await page.Locator("input[name='Form.Headline']").FillAsync(headline);
        await page.Locator("[data-be-mode]").ClickAsync();
        await page.Locator("#story-body").FillAsync("A paragraph for the plan.\n\nAnd another one.");
        await PickSectionAsync(page);
        await page.Locator("button.act-save").ClickAsync();
        await page.WaitForURLAsync(url => StoryPath().IsMatch(new Uri(url).AbsolutePath));
        return int.Parse(StoryPath().Match(new Uri(page.Url).AbsolutePath).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Authors_are_found_by_typing_and_picked_with_the_keyboard_and_the_form_posts_them()
    {
        var page = await site.SignedInAsync(site.EditorEmail);
        await page.GotoAsync("/newsroom/stories/new");
        var select = page.Locator("select[name='Form.AuthorIds']");
        await Expect(select).ToBeHiddenAsync();
        var search = page.Locator("input#author-search[role=combobox]");
        await Expect(page.Locator("label[for='author-search']")).ToHaveTextAsync("Authors or desk");
        var candidate = select.Locator("option:not(:checked)").First;
        var value = await candidate.GetAttributeAsync("value");
        var name = (await candidate.TextContentAsync())!.Trim();

        await search.FillAsync(name[..Math.Min(4, name.Length)]);
        await Expect(search).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(page.Locator($"#author-options [role=option][data-author-option='{value}']")).ToBeVisibleAsync();
        await search.FillAsync(name);
        // Arrow down to the wanted option, then Enter (which must not submit the story).
        for (var i = 0; i < 20; i++)
        {
            await search.PressAsync("ArrowDown");
            var activeId = await search.GetAttributeAsync("aria-activedescendant");
            if (activeId is not null && await page.Locator($"#{activeId}").GetAttributeAsync("data-author-option") == value)
            {
                break;
            }
        }
        await search.PressAsync("Enter");
        await Expect(page.Locator($"[data-author-chips] li[data-author-id='{value}']")).ToContainTextAsync(name);
        await Expect(search).ToHaveAttributeAsync("aria-expanded", "false");
        Assert.EndsWith("/newsroom/stories/new", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);

        await page.Locator("input[name='Form.Headline']").FillAsync("Authors picked " + Unique());
        await PickSectionAsync(page);
        await page.Locator("button.act-save").ClickAsync();
        await page.WaitForURLAsync(url => StoryPath().IsMatch(new Uri(url).AbsolutePath));
        await Expect(page.Locator($"[data-author-chips] li[data-author-id='{value}']")).ToBeVisibleAsync();
        Assert.True(await page.Locator($"select[name='Form.AuthorIds'] option[value='{value}']").EvaluateAsync<bool>("o => o.selected"));

        // Removing the chip unselects the author in the form.
        await page.Locator($"[data-author-chips] li[data-author-id='{value}'] button").ClickAsync();
        await Expect(page.Locator($"[data-author-chips] li[data-author-id='{value}']")).ToHaveCountAsync(0);
        Assert.False(await page.Locator($"select[name='Form.AuthorIds'] option[value='{value}']").EvaluateAsync<bool>("o => o.selected"));
    }

    [Fact]
    public async Task The_slug_follows_the_headline_of_a_new_story_but_never_the_edited_headline_of_a_saved_one()
    {
        var page = await site.SignedInAsync(site.EditorEmail);
        await page.GotoAsync("/newsroom/stories/new");
        var unique = Unique();
        await page.Locator("input[name='Form.Headline']").FillAsync("Ferry timetable changes " + unique);
        await Expect(page.Locator("input[name='Form.Slug']")).ToHaveValueAsync("ferry-timetable-changes-" + unique.ToLowerInvariant());
        await PickSectionAsync(page);
        await page.Locator("button.act-save").ClickAsync();
        await page.WaitForURLAsync(url => StoryPath().IsMatch(new Uri(url).AbsolutePath));

        // Saved: its address is settled, so a new headline leaves the slug as it was.
        await page.ReloadAsync();
        await page.Locator("input[name='Form.Headline']").FillAsync("Ferry timetable rewritten " + unique);
        await page.Locator("input[name='Form.Headline']").PressAsync("End");
        await Expect(page.Locator("input[name='Form.Headline']")).ToHaveValueAsync("Ferry timetable rewritten " + unique);
        await Expect(page.Locator("input[name='Form.Slug']")).ToHaveValueAsync("ferry-timetable-changes-" + unique.ToLowerInvariant());
    }

    [Fact]
    public async Task The_SEO_counters_the_address_and_the_search_and_social_previews_follow_what_is_typed()
    {
        var page = await site.SignedInAsync(site.EditorEmail);
        await page.GotoAsync("/newsroom/stories/new");
        var headline = "Council approves the harbour plan " + Unique();
        await page.Locator("input[name='Form.Headline']").FillAsync(headline);
        await page.Locator("textarea[name='Form.Standfirst']").FillAsync("The vote was close.");
        var section = await PickSectionAsync(page);
        var sectionSlug = await page.Locator($"select[name='Form.SectionId'] option[value='{section}']").GetAttributeAsync("data-slug");

        // Empty SEO fields: the previews use the headline and the standfirst.
        await Expect(page.Locator("[data-serp-title]")).ToHaveTextAsync(headline[..Math.Min(headline.Length, 59)] + (headline.Length > 60 ? "…" : ""));
        await Expect(page.Locator("[data-social-description]")).ToHaveTextAsync("The vote was close.");

        var longTitle = new string('x', 70);
        await page.Locator("input[name='Form.SeoTitle']").FillAsync(longTitle);
        await Expect(page.Locator("#seo-title-count")).ToContainTextAsync("70 of 60 characters recommended");
        await Expect(page.Locator("#seo-title-count")).ToHaveAttributeAsync("data-over", "true");
        await Expect(page.Locator("[data-serp-title]")).ToHaveTextAsync(new string('x', 59) + "…");
        await page.Locator("input[name='Form.SeoTitle']").FillAsync("Harbour plan approved");
        await Expect(page.Locator("#seo-title-count")).ToHaveTextAsync("21 of 60 characters recommended");
        await Expect(page.Locator("#seo-title-count")).ToHaveAttributeAsync("data-over", "false");
        await page.Locator("textarea[name='Form.SeoDescription']").FillAsync("Councillors voted 7 to 6 for the new quay.");
        await Expect(page.Locator("#seo-description-count")).ToHaveTextAsync("42 of 160 characters recommended");
        await Expect(page.Locator("[data-serp-title]")).ToHaveTextAsync("Harbour plan approved");
        await Expect(page.Locator("[data-social-title]")).ToHaveTextAsync("Harbour plan approved");
        await Expect(page.Locator("[data-serp-description]")).ToHaveTextAsync("Councillors voted 7 to 6 for the new quay.");

        await page.Locator("input[name='Form.Slug']").FillAsync("harbour-plan");
        await Expect(page.Locator("[data-url-preview]")).ToContainTextAsync($"/{sectionSlug}/harbour-plan-");
        await Expect(page.Locator("[data-serp-url]")).ToContainTextAsync($"› {sectionSlug} › harbour-plan-");

        // The slug is still checked by the server: a bad one comes back beside the field, as typed.
        await page.Locator("input[name='Form.Slug']").FillAsync("Harbour Plan!");
        await page.Locator("button.act-save").ClickAsync();
        await Expect(page.Locator(".field-error[data-for=slug]")).Not.ToBeEmptyAsync();
        await Expect(page.Locator("input[name='Form.Slug']")).ToHaveValueAsync("Harbour Plan!");
        await Expect(page.Locator("input[name='Form.SeoTitle']")).ToHaveValueAsync("Harbour plan approved");
    }

    [Fact]
    public async Task The_preview_toggle_shows_the_saved_page_at_phone_and_desktop_widths_beside_the_canvas()
    {
        var page = await site.SignedInAsync(site.EditorEmail);
        var headline = "Preview at two widths " + Unique();
        await SavedStoryAsync(page, headline);
        var toggle = page.Locator("button[data-preview-toggle]");
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(page.Locator("#device-preview")).ToBeHiddenAsync();

        await toggle.ClickAsync();

        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("#device-preview")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-settings-panel]")).ToBeHiddenAsync();
        await Expect(page.Locator("input[name='Form.Headline']")).ToBeVisibleAsync();
        foreach (var device in new[] { "phone", "desktop" })
        {
            await Expect(page.FrameLocator($"iframe[data-device={device}]").Locator("h1")).ToContainTextAsync(headline);
        }
        var phoneWidth = await page.FrameLocator("iframe[data-device=phone]").Locator("html").EvaluateAsync<int>("() => window.innerWidth");
        var desktopWidth = await page.FrameLocator("iframe[data-device=desktop]").Locator("html").EvaluateAsync<int>("() => window.innerWidth");
        Assert.Equal(390, phoneWidth);
        Assert.Equal(1366, desktopWidth);

        await toggle.ClickAsync();
        await Expect(page.Locator("#device-preview")).ToBeHiddenAsync();
        await Expect(page.Locator("[data-settings-panel]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_scheduled_story_is_moved_on_the_planning_page_by_dragging_and_with_the_keyboard()
    {
        var page = await site.SignedInAsync(site.EditorEmail);
        var headline = "Planned story " + Unique();
        var id = await SavedStoryAsync(page, headline);
        await page.Locator("input[name='Form.ScheduleAt']").FillAsync("2099-07-01T09:30");
        await page.Locator("button.act-schedule").ClickAsync();
        await Expect(page.Locator(".story-status .status")).ToHaveTextAsync("scheduled");

        await page.Locator("nav.nr-nav a[href='/newsroom/planning']").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Planning");
        await page.GotoAsync("/newsroom/planning?view=week&date=2099-07-01");
        var card = page.Locator($"li.plan-story[data-story-id='{id}']");
        await Expect(page.Locator($"li.plan-day[data-day='2099-07-01'] li.plan-story[data-story-id='{id}']")).ToBeVisibleAsync();

        // Drag to Friday: the same time of day, another date.
        await card.DragToAsync(page.Locator("li.plan-day[data-day='2099-07-03']"));
        await Expect(page.Locator("p.notice")).ToContainTextAsync("Moved");
        var moved = page.Locator($"li.plan-day[data-day='2099-07-03'] li.plan-story[data-story-id='{id}']");
        await Expect(moved).ToBeVisibleAsync();
        await Expect(moved.Locator("time")).ToHaveTextAsync("09:30");

        // The keyboard alternative: open "Move to…", type the new time, press Enter.
        await moved.Locator("summary").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var at = moved.Locator("input[name=at]");
        await Expect(at).ToBeVisibleAsync();
        await at.FillAsync("2099-07-02T11:15");
        await at.PressAsync("Enter");
        var again = page.Locator($"li.plan-day[data-day='2099-07-02'] li.plan-story[data-story-id='{id}']");
        await Expect(again).ToBeVisibleAsync();
        await Expect(again.Locator("time")).ToHaveTextAsync("11:15");

        await page.GotoAsync($"/newsroom/stories/{id}");
        await Expect(page.Locator("input[name='Form.ScheduleAt']")).ToHaveValueAsync("2099-07-02T11:15");
    }
}

using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>
/// The phone header, its menu drawer, the bottom bar and the lead above the fold, in real Chromium on the
/// demo publication at 390 × 844 (a phone) and 1366 × 768 (a laptop). docs/front-page.md.
/// </summary>
[Collection(ReaderCollection.Name)]
public sealed class FrontPageJourneyTests(ReaderSite site)
{
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };
    private static readonly ViewportSize Laptop = new() { Width = 1366, Height = 768 };

    private async Task<IPage> HomeAsync(ViewportSize size, bool script = true)
    {
        var page = await site.NewPageAsync(new BrowserNewContextOptions { ViewportSize = size, JavaScriptEnabled = script });
        await page.GotoAsync("/");
        return page;
    }

    private static async Task<LocatorBoundingBoxResult> BoxAsync(ILocator locator) =>
        await locator.BoundingBoxAsync() ?? throw new InvalidOperationException("not rendered");

    [Fact]
    public async Task On_a_phone_the_header_is_one_compact_row_and_the_lead_headline_is_on_the_first_screen()
    {
        var page = await HomeAsync(Phone);

        var logo = page.Locator("header a.logo");
        var menu = page.Locator("header summary.menu-button");
        var search = page.Locator("header form.site-search input[name=q]");
        foreach (var part in new[] { logo, menu, search })
        {
            await Expect(part).ToBeVisibleAsync();
        }
        await Expect(page.Locator("nav.primary-nav")).ToBeHiddenAsync();
        await Expect(page.Locator("header .tagline")).ToBeHiddenAsync();
        // Logo, search and menu button share one row.
        var logoBox = await BoxAsync(logo);
        var menuBox = await BoxAsync(menu);
        var searchBox = await BoxAsync(search);
        Assert.True(Math.Abs((logoBox.Y + logoBox.Height / 2) - (menuBox.Y + menuBox.Height / 2)) < 20, $"logo at y={logoBox.Y}, menu at y={menuBox.Y}");
        Assert.True(Math.Abs((searchBox.Y + searchBox.Height / 2) - (menuBox.Y + menuBox.Height / 2)) < 20, $"search at y={searchBox.Y}, menu at y={menuBox.Y}");
        Assert.True(menuBox.Y + menuBox.Height < 80, $"the header's first row ends at {menuBox.Y + menuBox.Height} px");

        // Topic chips and trending stories are one row that scrolls sideways, not rows of their own.
        var row = page.Locator("header .topic-row");
        var rowBox = await BoxAsync(row);
        Assert.True(rowBox.Height < 60, $"the topic row is {rowBox.Height} px tall");
        Assert.Equal("auto", await row.EvaluateAsync<string>("e => getComputedStyle(e).overflowX"));

        var headline = page.Locator("section.top-stories article.lead-story .lead-headline");
        await Expect(headline).ToBeVisibleAsync();
        var headlineBox = await BoxAsync(headline);
        Assert.True(headlineBox.Y + headlineBox.Height <= Phone.Height, $"the lead headline ends at {headlineBox.Y + headlineBox.Height} px on an {Phone.Height} px screen");
    }

    [Fact]
    public async Task On_a_phone_the_bottom_bar_leads_home_and_to_shorts_and_marks_where_the_reader_is()
    {
        var page = await HomeAsync(Phone);

        var bar = page.Locator("nav.bottom-bar[aria-label='Quick links']");
        await Expect(bar).ToBeVisibleAsync();
        var box = await BoxAsync(bar);
        Assert.True(Math.Abs(box.Y + box.Height - Phone.Height) < 2, $"the bottom bar ends at {box.Y + box.Height} px");
        await Expect(bar.Locator("a[href='/']")).ToHaveAttributeAsync("aria-current", "page");
        await bar.Locator("a[href='/shorts']").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/shorts");
        await Expect(page.Locator("nav.bottom-bar a[href='/shorts']")).ToHaveAttributeAsync("aria-current", "page");
    }

    [Fact]
    public async Task The_menu_opens_from_the_keyboard_moves_focus_in_and_escape_closes_it()
    {
        var page = await HomeAsync(Phone);
        var menu = page.Locator("details.menu-drawer");
        var button = menu.Locator("summary.menu-button");
        await Expect(button).ToHaveAttributeAsync("aria-controls", "menu-panel");
        await Expect(button).ToHaveAttributeAsync("aria-expanded", "false");

        await button.FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("#menu-panel")).ToBeVisibleAsync();
        await Expect(button).ToHaveAttributeAsync("aria-expanded", "true");
        await page.WaitForFunctionAsync("() => document.activeElement && document.activeElement.closest('#menu-panel') !== null");
        Assert.True(await page.Locator("#menu-panel a[href]").CountAsync() > 3, "the drawer holds the navigation");

        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Escape");

        await Expect(page.Locator("#menu-panel")).ToBeHiddenAsync();
        await Expect(button).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(button).ToBeFocusedAsync();
    }

    [Fact]
    public async Task Without_script_the_menu_is_still_a_disclosure_that_opens()
    {
        var page = await HomeAsync(Phone, script: false);

        await page.Locator("summary.menu-button").ClickAsync();

        var panel = page.Locator("#menu-panel");
        await Expect(panel).ToBeVisibleAsync();
        await Expect(panel.Locator("a[href='/']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task On_a_laptop_the_full_navigation_shows_without_the_menu_button_or_bottom_bar()
    {
        var page = await HomeAsync(Laptop);

        await Expect(page.Locator("nav.primary-nav")).ToBeVisibleAsync();
        await Expect(page.Locator("summary.menu-button")).ToBeHiddenAsync();
        await Expect(page.Locator("nav.bottom-bar")).ToBeHiddenAsync();
        var headline = page.Locator("section.top-stories article.lead-story .lead-headline");
        await Expect(headline).ToBeVisibleAsync();
        var box = await BoxAsync(headline);
        Assert.True(box.Y + box.Height <= Laptop.Height, $"the lead headline ends at {box.Y + box.Height} px on a {Laptop.Height} px screen");
    }
}

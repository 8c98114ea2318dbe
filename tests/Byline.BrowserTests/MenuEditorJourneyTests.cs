using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>
/// The navigation menu edited as rows in real Chromium (docs/newsroom-accounts.md): a top item dragged by its
/// handle, moved with the keyboard's Move down and Move up, a new item linked with the link picker, saved, and
/// the reader's home page showing the new order.
/// </summary>
public sealed class MenuEditorJourneyTests(NewsroomSite site) : IClassFixture<NewsroomSite>
{
    [Fact]
    public async Task An_editor_reorders_the_menu_by_drag_and_by_keyboard_links_a_page_with_the_picker_and_readers_see_it()
    {
        var editor = await site.SignedInAsync(site.EditorEmail);
        await editor.GotoAsync("/newsroom/curation/menus");
        var groups = editor.Locator("form[data-form=links] [data-groups] > [data-group]");
        var label = (int i) => groups.Nth(i).Locator("input[name$='].Label']").First;
        var status = editor.Locator("[data-links-status]");
        var first = await label(0).InputValueAsync();
        var third = await label(2).InputValueAsync();
        Assert.False(string.IsNullOrEmpty(third), "the demo menu has fewer than three top items");

        // Drag the third top item by its handle onto the top half of the first.
        // The page's drag events, as Chromium sends them for a drag (a synthetic mouse drag does not start HTML5 drag and
        // drop reliably in headless Chromium): start on the handle, pass over the first item's top half, drop, end.
        var handle = await groups.Nth(2).Locator(":scope > .nr-drag").ElementHandleAsync();
        var transfer = await editor.EvaluateHandleAsync("() => new DataTransfer()");
        var target = (await groups.Nth(0).BoundingBoxAsync())!;
        var over = new Dictionary<string, object> { ["dataTransfer"] = transfer, ["clientX"] = (int)target.X + 10, ["clientY"] = (int)target.Y + 2 };
        await handle.DispatchEventAsync("dragstart", new Dictionary<string, object> { ["dataTransfer"] = transfer });
        await groups.Nth(0).DispatchEventAsync("dragover", over);
        await groups.Nth(0).DispatchEventAsync("drop", over);
        await handle.DispatchEventAsync("dragend", new Dictionary<string, object> { ["dataTransfer"] = transfer });

        await Expect(label(0)).ToHaveValueAsync(third);
        await Expect(label(1)).ToHaveValueAsync(first);
        await Expect(status).ToContainTextAsync("moved to position 1");
        // The fields were renumbered: the dragged item now posts as the first group.
        await Expect(label(0)).ToHaveAttributeAsync("name", "Groups[0].Label");

        // The keyboard way: Move down from the keyboard, then Move up, each read out.
        var down = groups.Nth(0).Locator(".nr-link-head [data-op=down]");
        await down.FocusAsync();
        await editor.Keyboard.PressAsync("Enter");
        await Expect(label(1)).ToHaveValueAsync(third);
        await Expect(status).ToContainTextAsync("moved to position 2");
        await Expect(groups.Nth(1).Locator(".nr-link-head [data-op=down]")).ToBeFocusedAsync();
        await editor.Keyboard.PressAsync("Shift+Tab");
        await Expect(groups.Nth(1).Locator(".nr-link-head [data-op=up]")).ToBeFocusedAsync();
        await editor.Keyboard.PressAsync("Enter");
        await Expect(label(0)).ToHaveValueAsync(third);
        await Expect(status).ToContainTextAsync("moved to position 1");

        // A new top item, linked with the picker: a static page found by part of its name.
        var picked = "Picked " + Guid.NewGuid().ToString("N")[..6];
        await editor.Locator("[data-op=add-group]").ClickAsync();
        var added = groups.Last;
        await Expect(added.Locator("input[name$='].Label']").First).ToBeFocusedAsync();
        await editor.Keyboard.TypeAsync(picked);
        await added.Locator(".nr-link-head [data-pick]").ClickAsync();
        var dialog = editor.Locator("dialog[data-link-picker]");
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.Locator("input[type=search]").FillAsync("priva");
        await Expect(dialog.Locator("[data-picker-results]")).ToHaveAttributeAsync("data-query", "priva");
        await dialog.Locator("button[data-path='/privacy']").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        var link = added.Locator(".nr-link-head input[name$='].Url']");
        await Expect(link).ToHaveValueAsync("/privacy");
        await Expect(link).ToBeFocusedAsync();
        await Expect(added.Locator(".nr-link-head input[name$='].Label']")).ToHaveValueAsync(picked);

        await editor.Locator("button.act-save-links").ClickAsync();
        await Expect(editor.Locator("[data-flash]")).ToBeVisibleAsync();
        await Expect(label(0)).ToHaveValueAsync(third);

        var reader = await site.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Server.Address.ToString(), ViewportSize = new ViewportSize { Width = 1366, Height = 900 } });
        await reader.GotoAsync("/");
        var top = reader.Locator("nav.primary-nav > ul > li > a");
        await Expect(top.Nth(0)).ToHaveTextAsync(third);
        await Expect(top.Nth(1)).ToHaveTextAsync(first);
        await Expect(top.Last).ToHaveTextAsync(picked);
        await Expect(top.Last).ToHaveAttributeAsync("href", "/privacy");
    }
}

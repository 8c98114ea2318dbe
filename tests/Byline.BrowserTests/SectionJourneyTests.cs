using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>Issue 19 §11: an editor merges a section through the sections page, and a reader's old links still arrive.</summary>
public sealed class SectionJourneyTests(NewsroomSite site) : IClassFixture<NewsroomSite>
{
    [Fact]
    public async Task An_editor_merges_a_section_after_confirming_and_an_old_story_link_lands_on_its_new_address()
    {
        var editor = await site.SignedInAsync(site.EditorEmail);
        await editor.GotoAsync("/newsroom/sections");
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var intoName = "Merged desk " + suffix;
        var intoSlug = "merged-desk-" + suffix;
        await editor.Locator("#new-name").FillAsync(intoName);
        await editor.Locator("#new-slug").FillAsync(intoSlug);
        await editor.Locator("form[data-form=new-section] button[type=submit]").ClickAsync();
        await Expect(editor.Locator($"tr[data-section='{intoSlug}']")).ToBeVisibleAsync();

        // A demo section with stories and no sub-sections of its own (so nothing else moves with it).
        var rows = editor.Locator("table[data-sections] tbody tr");
        string? fromId = null, fromUrl = null;
        for (var i = 0; i < await rows.CountAsync(); i++)
        {
            var row = rows.Nth(i);
            var url = await row.GetAttributeAsync("data-url");
            var count = int.Parse((await row.Locator("[data-story-count]").TextContentAsync())!.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
            if (count > 0 && url!.Count(c => c == '/') == 2)
            {
                (fromId, fromUrl) = (await row.GetAttributeAsync("data-section-id"), url);
                break;
            }
        }
        Assert.True(fromId is not null, "the demo publication has no sub-section with stories");

        var reader = await site.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Server.Address.ToString() });
        await reader.GotoAsync(fromUrl!);
        var oldStory = await reader.Locator("main#main a.story-link").First.GetAttributeAsync("href");
        var oldStoryPath = new Uri(new Uri("http://x"), oldStory!).AbsolutePath;

        await editor.Locator("#merge-id").SelectOptionAsync(fromId!);
        await editor.Locator("#merge-into").SelectOptionAsync(await editor.Locator($"tr[data-section='{intoSlug}']").GetAttributeAsync("data-section-id") ?? "");
        await editor.Locator("form[data-form=merge-section] button[type=submit]").ClickAsync();
        var confirm = editor.Locator("[data-confirm=merge]");
        await Expect(confirm).ToBeVisibleAsync();
        await Expect(confirm).ToContainTextAsync(intoName);
        await confirm.Locator("button[type=submit]").ClickAsync();
        await Expect(editor.Locator("[data-flash]")).ToContainTextAsync(intoName);
        await Expect(editor.Locator($"tr[data-section-id='{fromId}']")).ToHaveCountAsync(0);

        // The old story link and the old section address both arrive at the new addresses (301s followed by the browser).
        var key = oldStoryPath.Split('/')[^1];
        await reader.GotoAsync(oldStoryPath);
        Assert.Equal($"/{intoSlug}/{key}", new Uri(reader.Url).AbsolutePath);
        await Expect(reader.Locator("h1.headline")).ToBeVisibleAsync();
        await reader.Locator("nav.breadcrumb a", new PageLocatorOptions { HasText = intoName }).First.ClickAsync();
        await Expect(reader.Locator("main#main a.story-link[href$='" + key + "']").First).ToBeVisibleAsync();
        // Another reader: this one's browser still holds the old section page it read before the merge (its cache
        // lifetime), as any browser would.
        var another = await site.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Server.Address.ToString() });
        await another.GotoAsync(fromUrl!);
        Assert.Equal("/" + intoSlug, new Uri(another.Url).AbsolutePath);
    }
}

using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>
/// Working together in two browsers (issue 19, point 8) and Top Stories by drag and drop with the live
/// home-page preview (point 9), in real Chromium. The accounts are named after their roles ("editor", "admin").
/// </summary>
public sealed class CollaborationJourneyTests(NewsroomSite site) : IClassFixture<NewsroomSite>
{
    /// <summary>A page learns what others do at its next heartbeat (every 5 s); generous on a loaded machine.</summary>
    private static readonly LocatorAssertionsToContainTextOptions Beats = new() { Timeout = 30_000 };

    [Fact]
    public async Task Two_editors_see_each_other_and_a_take_over_while_the_first_is_typing_turns_them_read_only_with_their_text_kept()
    {
        var ana = await site.SignedInAsync(site.EditorEmail);
        var ben = await site.SignedInAsync(site.AdminEmail);
        var id = await NewsroomJourneyTests.NewStoryAsync(ana, "Two at once " + Guid.NewGuid().ToString("N")[..6], "Together " + Guid.NewGuid().ToString("N")[..6]);
        await ana.GotoAsync($"/newsroom/stories/{id}");
        await ben.GotoAsync($"/newsroom/stories/{id}");

        // Presence, by name, both ways.
        await Expect(ana.Locator("[data-presence]")).ToContainTextAsync("admin", Beats);
        await Expect(ben.Locator("[data-presence]")).ToContainTextAsync("editor", Beats);

        // Ana types: she holds the story, and Ben's page turns read-only saying so.
        var words = "Ana's unsaved sentence " + Guid.NewGuid().ToString("N")[..6] + ".";
        await ana.Locator("[data-be-mode]").ClickAsync();
        await ana.Locator("#story-body").PressSequentiallyAsync(" " + words);
        await Expect(ben.Locator("[data-lock-banner]")).ToContainTextAsync("editor is editing", Beats);
        await ExpectReadOnlyAsync(ben);

        // Ben takes over while Ana is still typing.
        await ana.Locator("#story-body").PressSequentiallyAsync(" More words.");
        await ben.Locator("button.act-takeover").ClickAsync();
        await Expect(ben.Locator("p.notice")).ToContainTextAsync("You took the story over");
        await Expect(ben.Locator("input[name='Form.Headline']")).ToBeEnabledAsync();
        await Expect(ben.Locator("[data-block-editor] .be-content")).ToHaveAttributeAsync("contenteditable", "true");

        // Ana's page learns it at its next heartbeat: read-only, with a clear message naming Ben.
        await Expect(ana.Locator("[data-lock-banner]")).ToContainTextAsync("admin is editing", Beats);
        await ExpectReadOnlyAsync(ana);
        await Expect(ben.Locator("[data-presence]")).ToContainTextAsync("editor", Beats);

        // Her text is in the story's revisions (kept when the take-over refused it, or autosaved before).
        await ana.GotoAsync($"/newsroom/stories/{id}/revisions");
        var newest = await ana.Locator("tr.revision").First.GetAttributeAsync("data-number");
        var first = await ana.Locator("tr.revision").Last.GetAttributeAsync("data-number");
        await ana.GotoAsync($"/newsroom/stories/{id}/revisions?a={first}&b={newest}");
        await Expect(ana.Locator("table.diff")).ToContainTextAsync(words);
    }

    /// <summary>
    /// Read-only is the story form's fieldset switched off (every input, the Markdown textarea and the save
    /// buttons inside it) and the block editor's surface made non-editable; each is waited for, as the page
    /// switches at its heartbeat.
    /// </summary>
    private static async Task ExpectReadOnlyAsync(IPage page)
    {
        await Expect(page.Locator("fieldset.story-fields")).ToHaveAttributeAsync("data-locked", "true");
        await Expect(page.Locator("input[name='Form.Headline']")).ToBeDisabledAsync();
        await Expect(page.Locator("#story-body")).ToBeDisabledAsync();
        await Expect(page.Locator("button.act-save")).ToBeDisabledAsync();
        await Expect(page.Locator("[data-block-editor] .be-content")).ToHaveAttributeAsync("contenteditable", "false");
    }

    [Fact]
    public async Task Dragging_a_top_story_to_the_top_updates_the_home_page_preview_before_saving()
    {
        var editor = await site.SignedInAsync(site.AdminEmail);
        await editor.GotoAsync("/newsroom/stories?status=Published");
        var ids = new List<string>();
        foreach (var row in (await editor.Locator("tr.story-row").AllAsync()).Take(3))
        {
            ids.Add((await row.GetAttributeAsync("data-story-id"))!);
        }
        Assert.True(ids.Count >= 2, "the demo publication has fewer than two published stories");
        await editor.GotoAsync("/newsroom/curation/top");
        foreach (var storyId in ids)
        {
            if (await editor.Locator($"[data-curated=top] li[data-article='{storyId}']").CountAsync() == 0)
            {
                await editor.Locator("form[data-form=add] input[name=Add]").FillAsync(storyId);
                await editor.Locator("form[data-form=add] button[type=submit]").ClickAsync();
                await Expect(editor.Locator($"[data-curated=top] li[data-article='{storyId}']")).ToHaveCountAsync(1);
            }
        }

        var rows = editor.Locator("[data-curated=top] > li");
        var last = rows.Last;
        var moving = (await last.GetAttributeAsync("data-article"))!;
        await Expect(editor.Locator("form[data-form=order]")).ToBeHiddenAsync();
        // HTML5 drag and drop, event by event (the list reorders on dragover, as under a real pointer).
        var transfer = await editor.EvaluateHandleAsync("() => new DataTransfer()");
        await last.DispatchEventAsync("dragstart", new Dictionary<string, object> { ["dataTransfer"] = transfer });
        await rows.First.DispatchEventAsync("dragover", new Dictionary<string, object> { ["dataTransfer"] = transfer });
        await rows.First.DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = transfer });
        await editor.Locator($"[data-curated=top] > li[data-article='{moving}']").DispatchEventAsync("dragend", new Dictionary<string, object> { ["dataTransfer"] = transfer });

        await Expect(rows.First).ToHaveAttributeAsync("data-article", moving);
        await Expect(rows.First.Locator(".nr-tier")).ToHaveTextAsync("Lead");
        await Expect(editor.Locator("form[data-form=order]")).ToBeVisibleAsync();
        var lead = editor.FrameLocator("[data-curation-preview]").Locator("section.top-stories article.lead-story a[href]").First;
        await Expect(lead).ToHaveAttributeAsync("href", new Regex("-" + Regex.Escape(moving) + "$"));

        // The keyboard way: the lead moved down one place with its ↓ button, then back up, then saved.
        await rows.First.Locator("[data-move='1']").ClickAsync();
        await Expect(rows.Nth(1)).ToHaveAttributeAsync("data-article", moving);
        await rows.Nth(1).Locator("[data-move='-1']").ClickAsync();
        await Expect(rows.First).ToHaveAttributeAsync("data-article", moving);
        await editor.Locator("button.act-save-order").ClickAsync();
        await Expect(editor.Locator("form[data-form=order]")).ToBeHiddenAsync();
        await editor.ReloadAsync();
        await Expect(rows.First).ToHaveAttributeAsync("data-article", moving);
    }
}

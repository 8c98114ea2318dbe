using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>
/// The block editor (editor/, built into wwwroot/block-editor.js) in real Chromium: writing with
/// headings, a list and a link and publishing; a Markdown story opening and saving unchanged; pasted
/// HTML reduced to the allowed blocks; the local copy offered back after a crash; a picture dropped in
/// (uploaded, alt text asked inline) and refused files; pasted links previewed as the player or a link card.
/// </summary>
public sealed partial class BlockEditorJourneyTests(NewsroomSite site) : IClassFixture<NewsroomSite>
{
    [GeneratedRegex(@"^/newsroom/stories/(\d+)$")]
    private static partial Regex StoryPath();

    private static readonly LocatorAssertionsToHaveValueOptions Long = new() { Timeout = 30_000 };

    private static string Unique() => Guid.NewGuid().ToString("N")[..6];

    private static async Task PickSectionAsync(IPage page)
    {
        var section = page.Locator("select[name='Form.SectionId'] option[value]:not([value=''])").First;
        await page.Locator("select[name='Form.SectionId']").SelectOptionAsync(await section.GetAttributeAsync("value") ?? "");
    }

    private static async Task<int> SavedIdAsync(IPage page)
    {
        await page.WaitForURLAsync(url => StoryPath().IsMatch(new Uri(url).AbsolutePath));
        return int.Parse(StoryPath().Match(new Uri(page.Url).AbsolutePath).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>A story whose body is typed in the Markdown view (the textarea the form posts), saved.</summary>
    private static async Task<int> MarkdownStoryAsync(IPage page, string headline, string markdown)
    {
        await page.GotoAsync("/newsroom/stories/new");
        await page.Locator("input[name='Form.Headline']").FillAsync(headline);
        await page.Locator("[data-be-mode]").ClickAsync();
        await page.Locator("#story-body").FillAsync(markdown);
        await PickSectionAsync(page);
        await page.Locator("button.act-save").ClickAsync();
        return await SavedIdAsync(page);
    }

    private static async Task<string> BodyAsync(IPage page) =>
        (await page.Locator("#story-body").InputValueAsync()).Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>Drops files on an element as a browser would (a DataTransfer holding them); a picture is drawn on a canvas in the page.</summary>
    private static async Task DropAsync(ILocator target, string name, string type, string? text = null)
    {
        var transfer = await target.Page.EvaluateHandleAsync(@"async ([name, type, text]) => {
            let blob;
            if (text === null) {
                const canvas = document.createElement('canvas');
                canvas.width = 640; canvas.height = 400;
                const g = canvas.getContext('2d');
                g.fillStyle = '#1565c0'; g.fillRect(0, 0, 640, 400);
                g.fillStyle = '#ffb300'; g.fillRect(200, 120, 240, 160);
                blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
            } else {
                blob = new Blob([text], { type });
            }
            const dt = new DataTransfer();
            dt.items.add(new File([blob], name, { type }));
            return dt;
        }", new object?[] { name, type, text });
        await target.DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = transfer });
    }

    private static async Task PasteTextAsync(ILocator target, string text) =>
        await target.EvaluateAsync(@"(el, text) => {
            const dt = new DataTransfer();
            dt.setData('text/plain', text);
            el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
        }", text);

    [Fact]
    public async Task A_picture_dropped_into_the_body_is_uploaded_asks_for_its_alt_text_and_shows_on_the_page_and_other_files_are_refused_in_place()
    {
        var page = await site.SignedInAsync(site.EditorEmail);
        var headline = "Pier pictures " + Unique();
        await page.GotoAsync("/newsroom/stories/new");
        await page.Locator("input[name='Form.Headline']").FillAsync(headline);
        await PickSectionAsync(page);
        var body = page.Locator(".be-content");
        await body.ClickAsync();
        await page.Keyboard.TypeAsync("The pier at noon.");
        await Expect(page.Locator("#story-body")).ToHaveValueAsync("The pier at noon.");

        // Not a picture: said in the editor, the text kept.
        await DropAsync(body, "notes.txt", "text/plain", "just notes");
        await Expect(page.Locator("[data-be-upload=failed]").Last).ToContainTextAsync("not a picture");
        // Named a picture but not one: the server refuses it and the editor says so, the text kept.
        await DropAsync(body, "fake.png", "image/png", "these bytes are no picture");
        await Expect(page.Locator("[data-be-upload=failed]").Last).ToContainTextAsync("not a picture Byline accepts");
        await Expect(page.Locator("#story-body")).ToHaveValueAsync("The pier at noon.");

        await DropAsync(body, "pier.png", "image/png");
        var alt = body.Locator("[data-be-picture] [data-be-alt]");
        await Expect(alt).ToBeFocusedAsync(new() { Timeout = 30_000 });
        await alt.FillAsync("Blue pier with an amber boat");
        await body.Locator("[data-be-picture] [data-be-caption]").FillAsync("The pier at noon");
        await Expect(page.Locator("#story-body")).ToHaveValueAsync(
            new Regex(@"^The pier at noon\.\n\n!\[Blue pier with an amber boat\]\(/media/up-[0-9a-f]+/\d+\.jpg ""The pier at noon""\)$"), Long);

        await page.Locator("button.act-publish").ClickAsync();
        await Expect(page.Locator(".story-status .status")).ToHaveTextAsync("published");
        var articlePath = await page.Locator("a.public-link").GetAttributeAsync("href");
        var reader = await site.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Server.Address.ToString() });
        await reader.GotoAsync(articlePath!);
        await Expect(reader.Locator("div.story-body img[alt='Blue pier with an amber boat']")).ToHaveCountAsync(1);
        await reader.CloseAsync();
    }

    [Fact]
    public async Task A_pasted_video_link_previews_the_player_and_an_unknown_link_becomes_the_card_of_its_page()
    {
        var page = await site.SignedInAsync(site.EditorEmail);
        await page.GotoAsync("/newsroom/stories/new");
        await page.Locator("input[name='Form.Headline']").FillAsync("Links " + Unique());
        await PickSectionAsync(page);
        var body = page.Locator(".be-content");
        await body.ClickAsync();
        await page.Keyboard.TypeAsync("Watch and read.");
        await page.Keyboard.PressAsync("Enter");

        await PasteTextAsync(body, "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
        await Expect(body.Locator("[data-be-embed-preview=player] iframe[src='https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ']")).ToHaveCountAsync(1);

        // An unknown link: the card is read from the page (this site's own home page, on the loopback address the test allows).
        await body.Locator("p", new() { HasText = "Watch and read." }).ClickAsync();
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.PressAsync("Enter");
        var home = site.Server.Address.ToString();
        await PasteTextAsync(body, home);
        var card = body.Locator("[data-be-embed-preview=card] .embed-card-title");
        await Expect(card).Not.ToBeEmptyAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator("#story-body")).ToHaveValueAsync(
            "Watch and read.\n\n<" + home + ">\n\n<https://www.youtube.com/watch?v=dQw4w9WgXcQ>", Long);

        await page.Locator("button.act-publish").ClickAsync();
        await Expect(page.Locator(".story-status .status")).ToHaveTextAsync("published");
        var articlePath = await page.Locator("a.public-link").GetAttributeAsync("href");
        var reader = await site.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Server.Address.ToString() });
        await reader.GotoAsync(articlePath!);
        await Expect(reader.Locator("div.story-body .embed-card-title")).ToHaveTextAsync(await card.TextContentAsync() ?? "");
        await Expect(reader.Locator("div.story-body iframe[src='https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ']")).ToHaveCountAsync(1);
        await reader.CloseAsync();
    }

    [Fact]
    public async Task An_editor_writes_headings_a_list_and_a_link_in_the_block_editor_and_readers_see_them()
    {
        var page = await site.SignedInAsync(site.EditorEmail);
        var headline = "Ferries return " + Unique();
        await page.GotoAsync("/newsroom/stories/new");
        await Expect(page.Locator("#story-body")).ToBeHiddenAsync();
        await Expect(page.Locator(".be-content[role=textbox]")).ToHaveAttributeAsync("aria-labelledby", "story-body-label");
        await page.Locator("input[name='Form.Headline']").FillAsync(headline);
        await PickSectionAsync(page);

        var body = page.Locator(".be-content");
        await body.ClickAsync();
        await page.Keyboard.TypeAsync("The harbour reopened on Monday.");
        await page.Keyboard.PressAsync("Enter");
        // Markdown shortcuts as one types: "## " makes a heading, "- " a list.
        await page.Keyboard.TypeAsync("## What changes");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("- Two crossings an hour");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("Bikes ride **free**");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("Timetables: ");
        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync("https://example.org/timetable");
        await page.Locator("[data-be=link]").ClickAsync();

        await Expect(body.Locator("h2")).ToHaveTextAsync("What changes");
        await Expect(body.Locator("ul > li")).ToHaveCountAsync(2);
        await Expect(body.Locator("strong")).ToHaveTextAsync("free");
        await Expect(page.Locator("#story-body")).ToHaveValueAsync(
            "The harbour reopened on Monday.\n\n## What changes\n\n- Two crossings an hour\n- Bikes ride **free**\n\n" +
            "Timetables: [https://example.org/timetable](https://example.org/timetable)");
        // Word count and reading time follow the text as it is typed.
        await Expect(page.Locator("#word-count")).ToHaveTextAsync("23");
        await Expect(page.Locator("#reading-time")).ToHaveTextAsync("1");

        // Undo takes back the last change and redo brings it back.
        await page.Locator("[data-be=undo]").ClickAsync();
        await Expect(body.Locator("a[href='https://example.org/timetable']")).ToHaveCountAsync(0);
        await page.Locator("[data-be=redo]").ClickAsync();
        await Expect(body.Locator("a[href='https://example.org/timetable']")).ToHaveCountAsync(1);

        await page.Locator("button.act-publish").ClickAsync();
        await Expect(page.Locator(".story-status .status")).ToHaveTextAsync("published");
        var articlePath = await page.Locator("a.public-link").GetAttributeAsync("href");

        var reader = await site.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Server.Address.ToString() });
        await reader.GotoAsync(articlePath!);
        await Expect(reader.Locator("h1.headline")).ToHaveTextAsync(headline);
        await Expect(reader.Locator("div.story-body h2")).ToHaveTextAsync("What changes");
        await Expect(reader.Locator("div.story-body ul > li")).ToHaveTextAsync(["Two crossings an hour", "Bikes ride free"]);
        await Expect(reader.Locator("div.story-body a[href='https://example.org/timetable']")).ToHaveCountAsync(1);
    }

    // Markdown written elsewhere, with what the editor shows as blocks and what it keeps as source.
    private const string Existing =
        "Opening line with *emphasis*, __strong__ and a [link][ref] plus a footnote.[^1]\n\n" +
        "Heading in setext\n-----------------\n\n" +
        "* star item\n* second item\n\n" +
        "1) first\n2) second\n\n" +
        "> A quoted line\n> over two lines\n\n" +
        "| Town | Ferries |\n|:-----|------:|\n| Arlo | 12 |\n\n" +
        ":::pullquote\nThe sea decides.\n:::\n\n" +
        "<div class=\"note\">Raw <em>HTML</em> block</div>\n\n" +
        "```\ncode stays code\n```\n\n" +
        "<https://www.youtube.com/watch?v=dQw4w9WgXcQ>\n\n" +
        "***\n\n" +
        "Last paragraph.\n\n" +
        "[ref]: https://example.org/ref\n" +
        "[^1]: The footnote text.";

    [Fact]
    public async Task A_Markdown_story_opens_in_the_block_editor_and_saves_unchanged_and_an_edit_touches_only_its_block()
    {
        var page = await site.SignedInAsync(site.EditorEmail);
        var id = await MarkdownStoryAsync(page, "Markdown kept " + Unique(), Existing);
        var stored = await BodyAsync(page);
        Assert.Equal(Existing, stored);

        // It opens as blocks: heading, lists, quote, table, pull quote, embed, divider; the rest as source.
        var body = page.Locator(".be-content");
        await Expect(body.Locator("h2")).ToHaveTextAsync("Heading in setext");
        await Expect(body.Locator("ul > li")).ToHaveCountAsync(2);
        await Expect(body.Locator("ol > li")).ToHaveCountAsync(2);
        await Expect(body.Locator("blockquote")).ToHaveCountAsync(1);
        await Expect(body.Locator("table td")).ToHaveTextAsync(["Arlo", "12"]);
        await Expect(body.Locator("aside[data-box=pullquote]")).ToHaveTextAsync("The sea decides.");
        await Expect(body.Locator("figure[data-embed]")).ToHaveCountAsync(1);
        await Expect(body.Locator("hr")).ToHaveCountAsync(1);
        await Expect(body.Locator("[data-source]")).ToHaveCountAsync(5);

        // Saved without an edit: the stored body is the same, byte for byte.
        await page.Locator("button.act-save").ClickAsync();
        await Expect(page.Locator("p.notice")).ToBeVisibleAsync();
        Assert.Equal(Existing, await BodyAsync(page));

        // One word added to the last paragraph: every other block is written back as it was.
        await body.Locator("p", new LocatorLocatorOptions { HasText = "Last paragraph." }).ClickAsync();
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.TypeAsync(" Added");
        var expected = Existing.Replace("Last paragraph.", "Last paragraph. Added", StringComparison.Ordinal);
        await Expect(page.Locator("#story-body")).ToHaveValueAsync(expected);
        await page.Locator("button.act-save").ClickAsync();
        await Expect(page.Locator("p.notice")).ToBeVisibleAsync();
        Assert.Equal(expected, await BodyAsync(page));
        Assert.Equal($"/newsroom/stories/{id.ToString(CultureInfo.InvariantCulture)}", new Uri(page.Url).AbsolutePath);
    }

    [Fact]
    public async Task The_word_count_follows_an_edit_in_one_block_of_a_stored_story_as_the_server_counts_it()
    {
        // The editor counts each block once and adds the counts up (markdown.js write); the server counts the whole text.
        var page = await site.SignedInAsync(site.EditorEmail);
        const string Story = "## The river's mid-week rise\n\nFirst paragraph, with 12 words and a co-operative's hall.\n\n" +
            "- One item\n- Two items\n\n> A quote of six words here.\n\nLast paragraph.";
        await MarkdownStoryAsync(page, "Word count " + Unique(), Story);
        // The preview is the server's rendering, and it sets the server's count.
        await Expect(page.Locator("#story-preview")).ToContainTextAsync("Last paragraph.");
        await Expect(page.Locator("#word-count")).ToHaveTextAsync("25");

        await page.Locator(".be-content p", new PageLocatorOptions { HasText = "Last paragraph." }).ClickAsync();
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.TypeAsync(" Three well-kept words");
        await Expect(page.Locator("#story-body")).ToHaveValueAsync(Story.Replace("Last paragraph.", "Last paragraph. Three well-kept words", StringComparison.Ordinal));
        await Expect(page.Locator("#word-count")).ToHaveTextAsync("28");

        await page.Locator("button.act-save").ClickAsync();
        await Expect(page.Locator("p.notice")).ToBeVisibleAsync();
        await Expect(page.Locator("#story-preview")).ToContainTextAsync("Three well-kept words");
        await Expect(page.Locator("#word-count")).ToHaveTextAsync("28");
    }

    [Fact]
    public async Task Pasted_HTML_keeps_only_the_allowed_blocks()
    {
        var page = await site.SignedInAsync(site.EditorEmail);
        await page.GotoAsync("/newsroom/stories/new");
        var body = page.Locator(".be-content");
        await body.ClickAsync();
        const string Html =
            "<style>p { color: red }</style><h1 style=\"font-size:40px\">Pasted title</h1>" +
            "<p class=\"MsoNormal\" onclick=\"steal()\">Kept <b>bold</b> and <a href=\"javascript:alert(1)\">bad link</a> " +
            "and <a href=\"https://example.org/good\">good link</a></p>" +
            "<script>window.pwned = 1</script><iframe src=\"https://evil.example/frame\"></iframe>" +
            "<img src=\"javascript:alert(2)\" alt=\"x\"><ul><li>One</li><li>Two</li></ul>";
        await body.EvaluateAsync(@"(el, html) => {
            const data = new DataTransfer();
            data.setData('text/html', html);
            data.setData('text/plain', 'plain');
            el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
        }", Html);

        await Expect(page.Locator("#story-body")).ToHaveValueAsync(
            "## Pasted title\n\nKept **bold** and bad link and [good link](https://example.org/good)\n\n- One\n- Two", Long);
        Assert.Equal(0, await body.Locator("script, iframe, style, img, [onclick], [style]").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("() => window.pwned"));
    }

    [Fact]
    public async Task Text_typed_while_offline_is_offered_back_from_the_local_copy_after_a_crash()
    {
        var page = await site.SignedInAsync(site.EditorEmail);
        const string Start = "First paragraph, saved.";
        var id = await MarkdownStoryAsync(page, "Crash test " + Unique(), Start);

        await page.Context.SetOfflineAsync(true);
        var body = page.Locator(".be-content");
        await body.ClickAsync();
        await page.Keyboard.PressAsync("Control+End");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("Words written on the train.");
        await Expect(page.Locator("#autosave-status[data-save-state=offline]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var key = $"byline:story-copy:{id.ToString(CultureInfo.InvariantCulture)}";
        await Expect(page.Locator("#story-body")).ToHaveValueAsync(Start + "\n\nWords written on the train.");
        await page.WaitForFunctionAsync("k => (localStorage.getItem(k) || '').includes('on the train')", key, new() { Timeout = 30_000 });

        // The tab dies without saving; the writer comes back to the story.
        await page.CloseAsync(new PageCloseOptions { RunBeforeUnload = false });
        await page.Context.SetOfflineAsync(false);
        var again = await page.Context.NewPageAsync();
        await again.GotoAsync($"/newsroom/stories/{id.ToString(CultureInfo.InvariantCulture)}");
        Assert.Equal(Start, await BodyAsync(again));
        await again.Locator("[data-local-copy] [data-restore-copy]").ClickAsync();
        await Expect(again.Locator(".be-content")).ToContainTextAsync("Words written on the train.");
        await Expect(again.Locator("#story-body")).ToHaveValueAsync(Start + "\n\nWords written on the train.");
        await again.Locator("button.act-save").ClickAsync();
        await Expect(again.Locator("p.notice")).ToBeVisibleAsync();
        Assert.Equal(Start + "\n\nWords written on the train.", await BodyAsync(again));
        // Saved: the copy is dropped and not offered again.
        await again.ReloadAsync();
        await Expect(again.Locator("[data-local-copy]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_newsroom_header_has_a_New_story_action_on_every_page()
    {
        var page = await site.SignedInAsync(site.ContributorEmail);
        await page.GotoAsync("/newsroom/media");
        await page.Locator("header.nr-topbar a[data-new-story]").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/newsroom/stories/new");
        await Expect(page.Locator(".be-content")).ToBeVisibleAsync();
    }
}

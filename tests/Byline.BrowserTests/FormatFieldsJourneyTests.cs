using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>
/// The short-news and topic-hub fields of the story editor in real Chromium (newsroom-formats.js): the
/// live word count, the story finder, Suggest summary and the pinned-story list, each ending in a
/// published page a reader sees.
/// </summary>
public sealed partial class FormatFieldsJourneyTests(NewsroomSite site) : IClassFixture<NewsroomSite>
{
    [GeneratedRegex(@"-(\d+)$")]
    private static partial Regex TrailingId();

    private sealed record Listed(int Id, string Path, string Headline);

    /// <summary>Published full articles as the home page links them (photo stories and live blogs skipped).</summary>
    private async Task<List<Listed>> ArticlesFromHomeAsync(IPage page, int count)
    {
        var reader = await site.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Server.Address.ToString() });
        await reader.GotoAsync("/");
        var links = reader.Locator("a.story-link");
        var found = new List<Listed>();
        var seen = new HashSet<int>();
        for (var i = 0; i < await links.CountAsync() && found.Count < count; i++)
        {
            var href = await links.Nth(i).GetAttributeAsync("href") ?? "";
            var m = TrailingId().Match(href);
            if (!m.Success || !seen.Add(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)))
            {
                continue;
            }
            var response = await page.APIRequest.GetAsync(href);
            var html = response.Status == 200 ? await response.TextAsync() : "";
            if (html.Contains("<article class=\"story\"", StringComparison.Ordinal)
                && !html.Contains("class=\"photo-story\"", StringComparison.Ordinal)
                && !html.Contains("class=\"live-blog", StringComparison.Ordinal))
            {
                found.Add(new Listed(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), href, (await links.Nth(i).InnerTextAsync()).Trim()));
            }
        }
        await reader.CloseAsync();
        Assert.True(found.Count == count, $"the demo home page links {found.Count} articles, {count} wanted");
        return found;
    }

    private static async Task ChooseSectionAsync(IPage page)
    {
        var section = page.Locator("select[name='Form.SectionId'] option[value]:not([value=''])").First;
        await page.Locator("select[name='Form.SectionId']").SelectOptionAsync(await section.GetAttributeAsync("value") ?? "");
    }

    [Fact]
    public async Task A_short_counts_its_words_as_typed_finds_its_full_story_and_takes_a_suggested_summary()
    {
        var page = await site.SignedInAsync(site.EditorEmail);
        var full = (await ArticlesFromHomeAsync(page, 1))[0];
        await page.GotoAsync("/newsroom/stories/new?format=short");
        var headline = "Ferry timetable changes " + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("input[name='Form.Headline']").FillAsync(headline);
        await ChooseSectionAsync(page);

        var summary = page.Locator("#Form_Standfirst");
        var count = page.Locator("[data-short-words]");
        await summary.FillAsync(string.Join(' ', Enumerable.Repeat("word", 61)));
        await Expect(count).ToHaveTextAsync("61");
        await Expect(page.Locator("[data-short-editor] .word-limit")).ToHaveClassAsync(new Regex(@"\bover\b"));
        await Expect(summary).ToHaveAttributeAsync("aria-invalid", "true");
        await summary.FillAsync("Two ferries a day from Monday.");
        await Expect(count).ToHaveTextAsync("6");
        await Expect(summary).ToHaveAttributeAsync("aria-invalid", "false");

        // The finder the script puts beside the number field: type the story's number, pick the result.
        var finder = page.Locator("#linked-article-id + input[type=search]");
        await finder.FillAsync(full.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var result = page.Locator("[data-short-editor] .finder-results button").First;
        await Expect(result).ToContainTextAsync(full.Headline);
        await result.ClickAsync();
        await Expect(page.Locator("#linked-article-id")).ToHaveValueAsync(full.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await page.Locator("[data-suggest-summary]").ClickAsync();
        await Expect(summary).Not.ToHaveValueAsync("Two ferries a day from Monday.");
        var words = int.Parse(await count.InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(words, 1, 60);
        await Expect(page.Locator("[data-short-editor] .word-limit")).Not.ToHaveClassAsync(new Regex(@"\bover\b"));
        var suggested = await summary.InputValueAsync();

        await page.Locator("button.act-publish").ClickAsync();
        await Expect(page.Locator(".story-status .status")).ToHaveTextAsync("published");
        var path = await page.Locator("a.public-link").GetAttributeAsync("href");
        Assert.StartsWith("/shorts/", path, StringComparison.Ordinal);

        var reader = await site.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Server.Address.ToString() });
        await reader.GotoAsync(path!);
        await Expect(reader.Locator("h1.headline")).ToHaveTextAsync(headline);
        await Expect(reader.Locator("article.short-story > p.short-summary")).ToHaveTextAsync(suggested.Trim());
        await Expect(reader.Locator("article.short-story p.short-full a")).ToHaveAttributeAsync("href", full.Path);
    }

    [Fact]
    public async Task A_hub_pins_stories_found_by_headline_in_the_order_the_editor_sets()
    {
        var page = await site.SignedInAsync(site.EditorEmail);
        var stories = await ArticlesFromHomeAsync(page, 2);
        await page.GotoAsync("/newsroom/stories/new?format=hub");
        var headline = "Harbour festival " + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("input[name='Form.Headline']").FillAsync(headline);
        await ChooseSectionAsync(page);
        await page.Locator("#Form_Standfirst").FillAsync("Everything on the week of boats, music and food.");

        var find = page.Locator("[data-pinned-find]");
        var pinned = page.Locator("[data-pinned-list] > li");
        foreach (var story in stories)
        {
            await find.FillAsync(story.Headline);
            var hit = page.Locator("[data-pinned-results] button", new PageLocatorOptions { HasText = ", " + story.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")" }).First;
            await Expect(hit).ToBeVisibleAsync();
            await hit.ClickAsync();
        }
        await Expect(pinned).ToHaveCountAsync(2);
        await Expect(page.Locator("#pinned-ids")).ToHaveValueAsync($"{stories[0].Id}, {stories[1].Id}");
        // Move the second up: the field (what the server receives) follows the list.
        await pinned.Nth(1).Locator("button", new LocatorLocatorOptions { HasText = "↑" }).ClickAsync();
        await Expect(page.Locator("#pinned-ids")).ToHaveValueAsync($"{stories[1].Id}, {stories[0].Id}");
        await Expect(pinned.Nth(0)).ToContainTextAsync(stories[1].Headline);

        await page.Locator("button.act-publish").ClickAsync();
        await Expect(page.Locator(".story-status .status")).ToHaveTextAsync("published");
        var path = await page.Locator("a.public-link").GetAttributeAsync("href");
        Assert.StartsWith("/events/", path, StringComparison.Ordinal);

        var reader = await site.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Server.Address.ToString() });
        await reader.GotoAsync(path!);
        await Expect(reader.Locator("section.hub-pinned a.story-link")).ToHaveTextAsync([stories[1].Headline, stories[0].Headline]);
    }
}

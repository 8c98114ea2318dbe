using System.Net;
using Byline.Content;
using Byline.Tests.Discovery;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Search;

public abstract class SearchTests(BylineApp app)
{
    private async Task<List<string>> ResultsAsync(string query) =>
        (await app.PageAsync("/search?q=" + Uri.EscapeDataString(query))).StoryLinks();

    [DatabaseFact]
    public async Task A_headline_match_ranks_above_a_body_match()
    {
        var word = DiscoveryTestKit.Word();
        var section = await app.Content.SectionAsync();
        var now = TestContent.Now();
        var inHeadline = await app.PublishAsync(section, new StorySpec { Headline = $"Council debates {word} plan", PublishedAt = now.AddHours(-2) });
        var inBody = await app.PublishAsync(section, new StorySpec
        {
            Headline = "Council debates the harbour plan",
            BodyMarkdown = DiscoveryTestKit.Body("The council met today.", $"Members discussed {word} at length."),
            PublishedAt = now.AddHours(-1),
        });

        Assert.Equal([inHeadline.Path, inBody.Path], await ResultsAsync(word));
    }

    [DatabaseFact]
    public async Task A_newer_story_ranks_above_an_older_one_at_equal_relevance()
    {
        var word = DiscoveryTestKit.Word();
        var section = await app.Content.SectionAsync();
        var now = TestContent.Now();
        var newer = await app.PublishAsync(section, new StorySpec { Headline = $"Storm {word} reaches the coast", PublishedAt = now.AddDays(-1) });
        var older = await app.PublishAsync(section, new StorySpec { Headline = $"Storm {word} reaches the coast", PublishedAt = now.AddDays(-20) });

        Assert.Equal([newer.Path, older.Path], await ResultsAsync(word));
    }

    [DatabaseFact]
    public async Task Phrases_match_words_in_order_only()
    {
        var (a, b) = (DiscoveryTestKit.Word(), DiscoveryTestKit.Word());
        var section = await app.Content.SectionAsync();
        var inOrder = await app.PublishAsync(section, new StorySpec { Headline = $"Leaders open {a} {b} in the capital" });
        var apart = await app.PublishAsync(section, new StorySpec { Headline = $"{b} stalls while {a} waits" });

        Assert.Equal([inOrder.Path], await ResultsAsync($"\"{a} {b}\""));
        Assert.Equal(2, (await ResultsAsync($"{a} {b}")).Count);
        Assert.Contains(apart.Path, await ResultsAsync($"{a} {b}"));
    }

    [DatabaseFact]
    public async Task A_prefix_matches_longer_words_and_an_exclusion_removes_matches()
    {
        var stem = DiscoveryTestKit.Word();
        var other = DiscoveryTestKit.Word();
        var section = await app.Content.SectionAsync();
        var longer = await app.PublishAsync(section, new StorySpec { Headline = $"Talks on {stem}xyz resume" });
        var excluded = await app.PublishAsync(section, new StorySpec { Headline = $"Talks on {stem}xyz and {other} resume" });

        var prefixed = await ResultsAsync(stem + "*");
        Assert.Contains(longer.Path, prefixed);
        Assert.Contains(excluded.Path, prefixed);
        Assert.Empty(await ResultsAsync(stem));
        Assert.Equal([longer.Path], await ResultsAsync($"{stem}* -{other}"));
    }

    [DatabaseFact]
    public async Task Results_are_filtered_by_section_and_date()
    {
        var word = DiscoveryTestKit.Word();
        var news = await app.Content.SectionAsync();
        var sport = await app.Content.SectionAsync();
        var now = TestContent.Now();
        var recentNews = await app.PublishAsync(news, new StorySpec { Headline = $"{word} in the news", PublishedAt = now.AddDays(-1) });
        var oldNews = await app.PublishAsync(news, new StorySpec { Headline = $"{word} in old news", PublishedAt = now.AddDays(-40) });
        var sportStory = await app.PublishAsync(sport, new StorySpec { Headline = $"{word} in sport", PublishedAt = now.AddDays(-1) });

        var inNews = (await app.PageAsync($"/search?q={word}&section={news.Slug}")).StoryLinks();
        Assert.Equal([recentNews.Path, oldNews.Path], inNews);
        var from = now.AddDays(-5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var recent = (await app.PageAsync($"/search?q={word}&from={from}")).StoryLinks();
        Assert.Equal(new[] { recentNews.Path, sportStory.Path }.Order(), recent.Order());
    }

    [DatabaseFact]
    public async Task Rebuilding_the_index_from_scratch_finds_the_published_stories_and_keeps_in_step_after()
    {
        var word = DiscoveryTestKit.Word();
        var section = await app.Content.SectionAsync();
        var published = await app.PublishAsync(section, new StorySpec { Headline = $"{word} before the rebuild" });
        // Written without an event: only the rebuild can index it.
        var silent = await app.Content.StoryAsync(section, new StorySpec { Headline = $"{word} written in bulk" });
        var draft = await app.Content.StoryAsync(section, new StorySpec { Headline = $"{word} still a draft", Status = ArticleStatus.Draft });

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var count = await scope.ServiceProvider.GetRequiredService<Byline.Search.ISearchIndex>().RebuildAsync(CancellationToken.None);
            Assert.True(count >= 2);
        }

        Assert.Equal(new[] { published.Path, silent.Path }.Order(), (await ResultsAsync(word)).Order());
        Assert.DoesNotContain(draft.Path, await ResultsAsync(word));
        var after = await app.PublishAsync(section, new StorySpec { Headline = $"{word} after the rebuild" });
        Assert.Contains(after.Path, await ResultsAsync(word));
    }

    [DatabaseFact]
    public async Task Slide_text_and_live_blog_updates_are_searchable_when_published_and_after_a_rebuild()
    {
        var section = await app.Content.SectionAsync();
        var slideWord = DiscoveryTestKit.Word();
        var updateWord = DiscoveryTestKit.Word();
        var images = await VisualStories.VisualStoryKit.ImagesAsync(app, 2);
        var photos = await VisualStories.VisualStoryKit.PublishAsync(app,
            VisualStories.VisualStoryKit.Input(section, StoryFormat.PhotoStory, VisualStories.VisualStoryKit.Slides(images, slideWord)));
        var photosPath = await VisualStories.VisualStoryKit.PathAsync(app, photos);
        var live = await LiveBlogs.LiveBlogKit.CreateAsync(app, section);
        await LiveBlogs.LiveBlogKit.PostAsync(app, live.Id, $"Crowds gather as {updateWord} begins.");

        Assert.Equal([photosPath], await ResultsAsync(slideWord));
        Assert.Equal([live.Path], await ResultsAsync(updateWord));

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Byline.Search.ISearchIndex>().RebuildAsync(CancellationToken.None);
        }
        Assert.Equal([photosPath], await ResultsAsync(slideWord));
        Assert.Equal([live.Path], await ResultsAsync(updateWord));
    }

    [DatabaseFact]
    public async Task Date_filters_are_days_in_the_publications_time_zone()
    {
        if (app.Content.CurrentSettings.TimeZone != "Asia/Kolkata")
        {
            await app.Content.SettingsAsync(s => s with { TimeZone = "Asia/Kolkata" });
        }
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        var word = DiscoveryTestKit.Word();
        var section = await app.Content.SectionAsync();
        // A local day a month ago: its midnight in Kolkata (UTC+05:30) is 18:30 UTC the day before.
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, zone)).AddDays(-30);
        var midnightUtc = TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), zone);
        var afterLocalMidnight = await app.PublishAsync(section, new StorySpec { Headline = $"{word} just after midnight", PublishedAt = midnightUtc.AddMinutes(10) });
        var beforeLocalMidnight = await app.PublishAsync(section, new StorySpec { Headline = $"{word} just before midnight", PublishedAt = midnightUtc.AddMinutes(-10) });
        // Both are on the same UTC day, so UTC days could not tell them apart.
        Assert.Equal(afterLocalMidnight.PublishedAt!.Value.Date, beforeLocalMidnight.PublishedAt!.Value.Date);
        var iso = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var previous = day.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal([afterLocalMidnight.Path], (await app.PageAsync($"/search?q={word}&from={iso}")).StoryLinks());
        Assert.Equal([afterLocalMidnight.Path], (await app.PageAsync($"/search?q={word}&from={iso}&to={iso}")).StoryLinks());
        Assert.Equal([beforeLocalMidnight.Path], (await app.PageAsync($"/search?q={word}&to={previous}")).StoryLinks());
    }

    [DatabaseTheory]
    [InlineData("0001-01-01", "9999-12-31")]
    [InlineData("9999-12-31", "0001-01-01")]
    public async Task Dates_at_the_edge_of_the_calendar_are_a_results_page(string from, string to)
    {
        ArgumentNullException.ThrowIfNull(from);
        var word = DiscoveryTestKit.Word();
        var section = await app.Content.SectionAsync();
        var story = await app.PublishAsync(section, new StorySpec { Headline = $"{word} at the edge" });

        using var response = await app.GetAsync($"/search?q={word}&from={from}&to={to}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Equal(from.StartsWith("0001", StringComparison.Ordinal) ? [story.Path] : [], page.StoryLinks());
    }

    [DatabaseFact]
    public async Task Results_show_highlighted_snippets_with_the_text_escaped()
    {
        var word = DiscoveryTestKit.Word();
        var section = await app.Content.SectionAsync();
        await app.PublishAsync(section, new StorySpec
        {
            Headline = $"<b>Bold</b> claims about {word}",
            BodyMarkdown = DiscoveryTestKit.Body($"A paragraph that mentions {word} once."),
        });

        var page = await app.PageAsync($"/search?q={word}");

        var result = page.One("li.search-result");
        Assert.Equal(word, result.One("a.story-link mark").TextContent, ignoreCase: true);
        Assert.Empty(result.QuerySelectorAll("a.story-link b"));
        Assert.Contains(result.QuerySelectorAll(".snippet mark"), m => string.Equals(m.TextContent, word, StringComparison.OrdinalIgnoreCase));
        Assert.Equal("noindex", page.One("meta[name=robots]").GetAttribute("content"));
    }

    [DatabaseFact]
    public async Task A_published_story_is_found_and_an_unpublished_one_disappears()
    {
        var word = DiscoveryTestKit.Word();
        var section = await app.Content.SectionAsync();
        var story = await app.PublishAsync(section, new StorySpec { Headline = $"Breaking {word} story" });
        Assert.Equal([story.Path], await ResultsAsync(word));

        await app.WithDbAsync(db => db.Articles.Where(a => a.Id == story.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, ArticleStatus.Unpublished)));
        await app.RaiseChangedAsync(story.Id);

        Assert.Empty(await ResultsAsync(word));
        var page = await app.PageAsync($"/search?q={word}");
        page.One("p.empty");
    }

    [DatabaseFact]
    public async Task A_drafts_change_is_not_waited_for_but_still_reaches_the_index()
    {
        // A save that names only the story's own key (a draft's) does not wait for search; the index
        // still follows it in the background: here an entry left over from before (drift) goes.
        var section = await app.Content.SectionAsync();
        var story = await app.PublishAsync(section, new StorySpec { Headline = $"Leftover {DiscoveryTestKit.Word()} story" });
        Assert.True(await IndexedAsync(story.Id));

        await app.WithDbAsync(db => db.Articles.Where(a => a.Id == story.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, ArticleStatus.Draft)));
        await app.Services.GetRequiredService<Byline.Events.ContentEvents>()
            .RaiseAsync(new Byline.Events.ContentChanged([Byline.Events.ContentKeys.Article(story.Id)], "story.save", story.Id, "test"), CancellationToken.None);

        await Poll.UntilAsync(async () => !await IndexedAsync(story.Id), "the draft's entry to leave the search index");
    }

    private async Task<bool> IndexedAsync(int id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var entries = await scope.ServiceProvider.GetRequiredService<Byline.Search.ISearchIndex>().ReadEntriesAsync(id - 1, 1, CancellationToken.None);
        return entries.Any(e => e.ArticleId == id);
    }

    [DatabaseFact]
    public async Task Tags_and_authors_are_searchable()
    {
        var section = await app.Content.SectionAsync();
        // Letters only: a random hex name such as "Tag-1e5f…" is read by PostgreSQL's parser as a number.
        var tagWord = DiscoveryTestKit.Word();
        var authorWord = DiscoveryTestKit.Word();
        var tag = await app.Content.AddAsync(new Tag { Slug = tagWord, Name = "Tag " + tagWord });
        var author = await app.Content.AddAsync(new Author { Slug = authorWord, Name = "Reporter " + authorWord });
        var story = await app.PublishAsync(section, new StorySpec { Tags = [tag], Authors = [author] });

        Assert.Contains(story.Path, await ResultsAsync(tag.Name));
        Assert.Contains(story.Path, await ResultsAsync(author.Name));
    }

    [DatabaseFact]
    public async Task Results_are_paged()
    {
        var word = DiscoveryTestKit.Word();
        var section = await app.Content.SectionAsync();
        for (var i = 0; i < 22; i++)
        {
            await app.PublishAsync(section, new StorySpec { Headline = $"{word} part {i}", Paragraphs = 1 });
        }

        var first = await app.PageAsync($"/search?q={word}");
        var next = first.One("nav.pagination a[rel=next]").GetAttribute("href");
        var second = await app.PageAsync(Html.PathOf(next));

        Assert.Equal(20, first.StoryLinks().Count);
        Assert.Equal(2, second.StoryLinks().Count);
        Assert.Empty(first.StoryLinks().Intersect(second.StoryLinks()));
    }

    [DatabaseTheory]
    [InlineData("\"")]
    [InlineData("\"peace talks")]
    [InlineData("-")]
    [InlineData("*")]
    [InlineData("- * \" -\"")]
    [InlineData("NEAR(")]
    [InlineData("NEAR(a b, 2)")]
    [InlineData("a OR b")]
    [InlineData("OR")]
    [InlineData("AND NOT")]
    [InlineData("'; DROP TABLE \"Articles\"; --")]
    [InlineData("\\'\\\\")]
    [InlineData("a & b | !c <-> d:*")]
    [InlineData("headline:foo {body}:bar ^baz")]
    [InlineData("😀🔥")]
    [InlineData("שלום עולם")]
    [InlineData("مرحبا بالعالم")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("%00")]
    [InlineData("<script>alert(1)</script>")]
    public async Task Any_query_gives_a_results_page(string query)
    {
        using var response = await app.GetAsync("/search?q=" + Uri.EscapeDataString(query));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [DatabaseFact]
    public async Task A_query_of_ten_thousand_characters_gives_a_results_page()
    {
        var query = string.Concat(Enumerable.Repeat("peace talks ", 834))[..10_000];

        using var response = await app.GetAsync("/search?q=" + Uri.EscapeDataString(query));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [DatabaseFact]
    public async Task Malformed_filters_are_ignored()
    {
        using var response = await app.GetAsync("/search?q=peace&section=%00&from=yesterday&to=2026-13-45");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

public sealed class SearchOnSqlite(SqliteApp app) : SearchTests(app), IClassFixture<SqliteApp>;

public sealed class SearchOnPostgres(PostgresApp app) : SearchTests(app), IClassFixture<PostgresApp>;

using System.Net;
using Byline.Content;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Newsroom;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Site;

/// <summary>Short news (/shorts) and topic hubs (/events): rules, reader pages, lists, feeds, sitemaps, search and cache.</summary>
public abstract class ShortsAndHubsTests(BylineApp app)
{
    private static string Words(int n) => string.Join(' ', Enumerable.Range(0, n).Select(i => "word" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static StoryInput Short(Section section, string? summary = null, int? linked = null) => new()
    {
        Format = StoryFormat.ShortNews,
        Headline = "Short " + Guid.NewGuid().ToString("N")[..10] + " in brief",
        Standfirst = summary ?? "Ministers agreed a new plan for the city's buses on Monday, officials said.",
        SectionId = section.Id,
        LinkedArticleId = linked,
    };

    private static StoryInput Hub(Section section, string slug, IReadOnlyList<string> tags, IReadOnlyList<int> pinned) => new()
    {
        Format = StoryFormat.Hub,
        Headline = "Hub " + slug,
        Slug = slug,
        Standfirst = "Everything about the event.",
        BodyMarkdown = "An intro paragraph for the hub.",
        SectionId = section.Id,
        Tags = tags,
        Extras = new FormatData { KeyFacts = ["The first fact.", "The second fact."], PinnedIds = pinned },
    };

    private async Task<int> PublishAsync(StoryInput input)
    {
        var editor = await app.UserAsync(Roles.Editor);
        var (id, version) = await app.DraftAsync(editor, input);
        var published = await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, version), editor);
        Assert.True(published.Succeeded, $"publish failed: {published.Outcome} {string.Join("; ", published.Errors ?? new Dictionary<string, string>())}");
        return id;
    }

    private Task<string> ShortPathAsync(int id) =>
        app.WithDbAsync(async db => StoryFormats.Path(StoryFormat.ShortNews, "", await db.Articles.Where(a => a.Id == id).Select(a => a.Slug).SingleAsync(), id));

    [DatabaseFact]
    public async Task A_short_over_60_words_is_refused_on_publish_and_the_saved_summary_is_kept()
    {
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var input = Short(section, Words(60));
        var (id, version) = await app.DraftAsync(editor, input);

        var result = await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, version, input with { Standfirst = Words(61) }), editor);

        Assert.Equal(PublishOutcome.Invalid, result.Outcome);
        Assert.True(result.Errors!.ContainsKey("standfirst"));
        var article = await app.ArticleAsync(id);
        Assert.Equal(ArticleStatus.Draft, article.Status);
        Assert.Equal(Words(60), article.Standfirst);
    }

    [DatabaseFact]
    public async Task The_editor_refuses_a_61_word_summary_by_the_field_and_keeps_it_as_typed()
    {
        var section = await app.Content.SectionAsync();
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var editorPage = await editor.PageAsync("/newsroom/stories/new?format=short");
        Assert.Equal("60", editorPage.One("[data-short-editor]").GetAttribute("data-word-limit"));
        var typed = Words(61);

        using var response = await editor.SubmitAsync("/newsroom/stories/new?format=short", new Dictionary<string, string>
        {
            ["Form.Headline"] = "A short " + Guid.NewGuid().ToString("N")[..8],
            ["Form.Standfirst"] = typed,
            ["Form.SectionId"] = section.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["act"] = "publish",
        }, "#story-form");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await NewsroomClient.ParseAsync(response);
        Assert.False(string.IsNullOrWhiteSpace(page.One(".field-error[data-for=standfirst]").TextContent));
        Assert.Equal(typed, page.One("textarea[name='Form.Standfirst']").TextContent.Trim());
    }

    [DatabaseFact]
    public async Task A_short_with_no_summary_cannot_go_live_but_may_be_saved_as_a_draft()
    {
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var (id, version) = await app.DraftAsync(editor, Short(section, ""));

        var result = await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, version), editor);

        Assert.Equal(PublishOutcome.Invalid, result.Outcome);
        Assert.True(result.Errors!.ContainsKey("standfirst"));
    }

    [DatabaseFact]
    public async Task Shorts_stay_out_of_the_story_lists_and_section_feeds_but_lead_the_shorts_stream_newest_first()
    {
        var section = await app.Content.SectionAsync();
        var tag = await app.Content.TagAsync();
        var older = await PublishAsync(Short(section) with { Tags = [tag.Name] });
        var newer = await PublishAsync(Short(section) with { Tags = [tag.Name] });
        var olderPath = await ShortPathAsync(older);
        var newerPath = await ShortPathAsync(newer);

        foreach (var list in new[] { "/", $"/{section.Slug}", $"/tag/{tag.Slug}" })
        {
            var links = (await app.PageAsync(list)).StoryLinks();
            Assert.DoesNotContain(links, l => l.StartsWith("/shorts/", StringComparison.Ordinal) && (l == olderPath || l == newerPath));
        }
        var feed = await app.Client.GetStringAsync(new Uri($"/{section.Slug}/rss.xml", UriKind.Relative));
        Assert.DoesNotContain(newerPath, feed, StringComparison.Ordinal);

        var stream = (await app.PageAsync("/shorts")).LinkPaths("ol.short-list a.story-link");
        Assert.True(stream.IndexOf(newerPath) is >= 0 and var n && stream.IndexOf(olderPath) > n, string.Join(", ", stream));
        var shortsFeed = await app.Client.GetStringAsync(new Uri("/shorts/rss.xml", UriKind.Relative));
        Assert.Contains(newerPath, shortsFeed, StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task A_short_page_shows_its_summary_and_links_its_full_story_with_news_article_data()
    {
        var section = await app.Content.SectionAsync();
        var full = await app.Content.StoryAsync(section);
        var id = await PublishAsync(Short(section, linked: full.Id));
        var path = await ShortPathAsync(id);

        var page = await app.PageAsync(path);

        Assert.Equal(full.Path, Html.PathOf(page.One("article.short-story .short-full a").GetAttribute("href")));
        Assert.Equal(path, Html.PathOf(page.One("link[rel=canonical]").GetAttribute("href")));
        var ld = string.Join('\n', page.Some("script[type='application/ld+json']").Select(s => s.TextContent));
        Assert.Contains("\"NewsArticle\"", ld, StringComparison.Ordinal);
        Assert.Contains("\"BreadcrumbList\"", ld, StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task The_article_route_of_a_short_answers_301_to_its_shorts_address()
    {
        var section = await app.Content.SectionAsync();
        var id = await PublishAsync(Short(section));
        var path = await ShortPathAsync(id);

        using var response = await app.GetAsync($"/{section.Slug}/{path["/shorts/".Length..]}");

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(path, Html.PathOf(response.Headers.Location!.ToString()));
    }

    [DatabaseFact]
    public async Task Unknown_shorts_and_hubs_are_404_pages_and_bad_paging_is_400()
    {
        var section = await app.Content.SectionAsync();
        var article = await app.Content.StoryAsync(section);

        foreach (var path in new[] { "/shorts/nothing-999999999", $"/shorts/{article.Slug}-{article.Id}", "/events/no-such-hub-anywhere", "/events/Bad_Slug", "/shorts?page=999999" })
        {
            using var response = await app.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} answered {(int)response.StatusCode}");
        }
        using var bad = await app.GetAsync("/shorts?page=zero");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [DatabaseFact]
    public async Task A_hub_shows_its_pinned_stories_in_order_then_its_tagged_stories_newest_first_without_duplicates()
    {
        var section = await app.Content.SectionAsync();
        // The hub names its tags as editors type them; the service finds a tag by the slug of its name.
        var name = TestContent.Unique("Cup");
        var tag = await app.WithDbAsync(async db =>
        {
            var t = new Tag { Name = name, Slug = Slugs.From(name) };
            db.Tags.Add(t);
            await db.SaveChangesAsync();
            return t;
        });
        var now = TestContent.Now();
        var a = await app.Content.StoryAsync(section, new StorySpec { Tags = [tag], PublishedAt = now.AddMinutes(-30) });
        var b = await app.Content.StoryAsync(section, new StorySpec { Tags = [tag], PublishedAt = now.AddMinutes(-20) });
        var c = await app.Content.StoryAsync(section, new StorySpec { Tags = [tag], PublishedAt = now.AddMinutes(-10) });
        var untagged = await app.Content.StoryAsync(section);
        var slug = TestContent.Unique("hub");
        await PublishAsync(Hub(section, slug, [tag.Name], [untagged.Id, b.Id]));

        var page = await app.PageAsync("/events/" + slug);

        Assert.Equal(new[] { untagged.Path, b.Path }, page.LinkPaths("section.hub-pinned a.story-link"));
        Assert.Equal(new[] { c.Path, a.Path }, page.LinkPaths("section.hub-stories a.story-link"));
        Assert.Equal(2, page.Some(".key-facts li").Length);
        var ld = string.Join('\n', page.Some("script[type='application/ld+json']").Select(s => s.TextContent));
        Assert.Contains("\"CollectionPage\"", ld, StringComparison.Ordinal);
        Assert.Contains("\"BreadcrumbList\"", ld, StringComparison.Ordinal);
        Assert.Contains((await app.PageAsync("/events")).LinkPaths("ol.hub-list a.story-link"), p => p == "/events/" + slug);
        Assert.Contains("/events/" + slug, (await app.PageAsync("/")).LinkPaths("[data-drawer=events] a"));
    }

    [DatabaseFact]
    public async Task A_second_hub_with_the_same_slug_is_refused()
    {
        var section = await app.Content.SectionAsync();
        var slug = TestContent.Unique("hub");
        await PublishAsync(Hub(section, slug, [], []));
        var editor = await app.UserAsync(Roles.Editor);

        var second = await app.CreateAsync(Hub(section, slug, [], []), editor);

        Assert.Equal(PublishOutcome.Invalid, second.Outcome);
        Assert.True(second.Errors!.ContainsKey("slug"));
    }

    [DatabaseFact]
    public async Task Renaming_a_hub_keeps_its_old_address_answering_301_to_the_new_one()
    {
        var section = await app.Content.SectionAsync();
        var oldSlug = TestContent.Unique("hub");
        var newSlug = TestContent.Unique("hub");
        var id = await PublishAsync(Hub(section, oldSlug, [], []));
        var editor = await app.UserAsync(Roles.Editor);
        var version = await app.WithDbAsync(db => db.Articles.Where(a => a.Id == id).Select(a => a.Version).SingleAsync());

        var saved = await app.ApplyAsync(id, new StoryCommand(StoryAction.Save, version, Hub(section, newSlug, [], [])), editor);
        Assert.True(saved.Succeeded, $"save failed: {saved.Outcome}");

        using var moved = await app.GetAsync($"/events/{oldSlug}?page=1");
        Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
        Assert.Equal($"/events/{newSlug}?page=1", Html.PathOf(moved.Headers.Location!.ToString()));
        using var current = await app.GetAsync($"/events/{newSlug}");
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        using var unknown = await app.GetAsync($"/events/{TestContent.Unique("hub")}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [DatabaseFact]
    public async Task A_hubs_live_blog_must_be_a_live_blog()
    {
        var section = await app.Content.SectionAsync();
        var article = await app.Content.StoryAsync(section);
        var editor = await app.UserAsync(Roles.Editor);

        var result = await app.CreateAsync(Hub(section, TestContent.Unique("hub"), [], []) with { LinkedArticleId = article.Id }, editor);

        Assert.Equal(PublishOutcome.Invalid, result.Outcome);
        Assert.True(result.Errors!.ContainsKey("linkedArticleId"));
    }

    [DatabaseFact]
    public async Task Sitemaps_list_shorts_and_hubs_at_their_own_addresses_and_the_format_pages()
    {
        var section = await app.Content.SectionAsync();
        var shortId = await PublishAsync(Short(section));
        var slug = TestContent.Unique("hub");
        var hubId = await PublishAsync(Hub(section, slug, [], []));
        var shortPath = await ShortPathAsync(shortId);

        var stories = await app.Client.GetStringAsync(new Uri($"/sitemaps/articles-{shortId / 50_000}.xml", UriKind.Relative));
        var pages = await app.Client.GetStringAsync(new Uri("/sitemaps/pages.xml", UriKind.Relative));
        var news = await app.Client.GetStringAsync(new Uri("/news-sitemap.xml", UriKind.Relative));

        Assert.Contains(shortPath + "</loc>", stories, StringComparison.Ordinal);
        Assert.Contains("/events/" + slug + "</loc>", stories, StringComparison.Ordinal);
        Assert.DoesNotContain($"/{section.Slug}/{shortPath["/shorts/".Length..]}", stories, StringComparison.Ordinal);
        Assert.Contains(shortPath + "</loc>", news, StringComparison.Ordinal);
        foreach (var list in new[] { "/shorts", "/events", "/web-stories", "/shows", "/live" })
        {
            Assert.Contains(list + "</loc>", pages, StringComparison.Ordinal);
        }
        Assert.True(hubId > 0);
    }

    [DatabaseFact]
    public async Task Search_links_a_short_by_its_shorts_address_with_a_format_label()
    {
        var section = await app.Content.SectionAsync();
        var word = "zq" + Guid.NewGuid().ToString("N")[..8];
        var id = await PublishAsync(Short(section, $"The {word} committee met on Monday and agreed a plan."));
        var path = await ShortPathAsync(id);

        var page = await app.PageAsync("/search?q=" + word);

        Assert.Contains(path, page.StoryLinks());
        Assert.Equal("short", page.One("li.search-result .format-label").GetAttribute("data-format"));
    }

    [DatabaseFact]
    public async Task Publishing_a_short_refreshes_the_cached_shorts_stream_and_home_rail()
    {
        var section = await app.Content.SectionAsync();
        await PublishAsync(Short(section));
        await app.GetAsync("/shorts");
        await app.GetAsync("/shorts");
        await app.GetAsync("/");

        var id = await PublishAsync(Short(section));
        var path = await ShortPathAsync(id);

        Assert.Contains(path, (await app.PageAsync("/shorts")).LinkPaths("ol.short-list a.story-link"));
        Assert.Contains(path, (await app.PageAsync("/")).LinkPaths(".short-news-rail a.story-link"));
    }

    [DatabaseFact]
    public async Task An_article_shows_short_news_after_the_story_with_the_newest_expanded()
    {
        var section = await app.Content.SectionAsync();
        var id = await PublishAsync(Short(section));
        var path = await ShortPathAsync(id);
        var story = await app.Content.StoryAsync(section);

        var page = await app.PageAsync(story.Path);

        var first = page.Some("section.short-news li.short-item")[0];
        Assert.Contains("expanded", first.ClassList);
        Assert.Equal(path, Html.PathOf(first.One("a.story-link").GetAttribute("href")));
        Assert.Equal("/shorts", Html.PathOf(page.One("section.short-news .more-link a").GetAttribute("href")));
    }

    [DatabaseFact]
    public async Task Suggest_summary_answers_a_summary_within_the_limit_and_a_problem_code_for_an_unknown_story()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec { Paragraphs = 12 });
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var token = await editor.TokenAsync("/newsroom/stories/suggest-summary");

        using var ok = await PostJsonAsync(editor, token, story.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var unknown = await PostJsonAsync(editor, token, "999999999");
        using var missing = await PostJsonAsync(editor, token, "");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await ok.Content.ReadAsStringAsync());
        var summary = body.RootElement.GetProperty("summary").GetString()!;
        Assert.InRange(FormatRules.CountWords(summary), 1, FormatRules.ShortSummaryMaxWords);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("summary.story-not-found", await CodeAsync(unknown));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("summary.no-linked-story", await CodeAsync(missing));
    }

    private static async Task<HttpResponseMessage> PostJsonAsync(NewsroomClient client, string token, string storyNumber)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/newsroom/stories/suggest-summary", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new(NewsroomClient.TokenField, token), new("Form.LinkedArticleId", storyNumber)]),
        };
        request.Headers.Accept.ParseAdd("application/json");
        return await client.Http.SendAsync(request);
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage response)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
    }

    [DatabaseFact]
    public async Task The_newsroom_refuses_a_section_slug_that_a_format_page_uses()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);

        using var response = await editor.SubmitAsync("/newsroom/sections", new Dictionary<string, string> { ["Name"] = "Shorts", ["Slug"] = "shorts" }, "form[data-form=new-section]");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Sections.AnyAsync(s => s.Slug == "shorts")));
    }
}

public sealed class ShortsAndHubsOnSqlite(SqliteApp app) : ShortsAndHubsTests(app), IClassFixture<SqliteApp>;

public sealed class ShortsAndHubsOnPostgres(PostgresApp app) : ShortsAndHubsTests(app), IClassFixture<PostgresApp>;

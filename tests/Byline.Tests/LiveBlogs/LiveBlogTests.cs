using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AngleSharp.Dom;
using Byline.Content;
using Byline.LiveBlogs;
using Byline.Newsroom.LiveDesk;
using Byline.Newsroom;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.LiveBlogs;

/// <summary>The live blog's rules, its reader page, its stream and its newsroom desk, on both databases.</summary>
public abstract class LiveBlogTests(BylineApp app)
{
    private static readonly TimeSpan StreamDeadline = TimeSpan.FromSeconds(20);

    private async Task<Story> LiveBlogAsync(ArticleStatus status = ArticleStatus.Published) =>
        await LiveBlogKit.CreateAsync(app, await app.Content.SectionAsync(), status);

    private static long[] Ids(IParentNode scope, string selector) =>
        [.. scope.QuerySelectorAll(selector).Select(e => long.Parse(e.GetAttribute("data-update-id")!, System.Globalization.CultureInfo.InvariantCulture))];

    [DatabaseFact]
    public async Task The_page_shows_the_pinned_update_first_then_the_others_newest_first()
    {
        var blog = await LiveBlogAsync();
        var first = await LiveBlogKit.PostAsync(app, blog.Id, "The first update.", "Opening");
        var key = await LiveBlogKit.PostAsync(app, blog.Id, "The key facts.", "Key", pin: true);
        var third = await LiveBlogKit.PostAsync(app, blog.Id, "The newest update.");

        var page = await app.PageAsync(blog.Path);

        var live = page.One("article.story section.live-blog");
        Assert.Equal([key], Ids(live, ".live-pinned .live-update"));
        Assert.Equal([third, first], Ids(live, ".live-updates .live-update"));
        Assert.Equal("live", live.One(".live-state").GetAttribute("data-live-state"));
        var entry = live.One($"#update-{first}");
        Assert.Equal("Opening", entry.One("h3.live-headline").TextContent);
        Assert.NotNull(entry.One("time.live-time").GetAttribute("datetime"));
        Assert.Equal("/live-updates/" + blog.Id, live.GetAttribute("data-live-stream"));
        Assert.False(string.IsNullOrEmpty(live.GetAttribute("data-live-cursor")));
        page.One("script[src^='/live-blog.js']");
    }

    [DatabaseFact]
    public async Task Pinning_another_update_unpins_the_previous_one()
    {
        var blog = await LiveBlogAsync();
        var a = await LiveBlogKit.PostAsync(app, blog.Id, "A.", pin: true);
        var b = await LiveBlogKit.PostAsync(app, blog.Id, "B.");

        var pinned = await LiveBlogKit.WithServiceAsync(app, s => s.PinAsync(b, true, LiveBlogKit.Editor, CancellationToken.None));

        Assert.Equal(LiveOutcome.Ok, pinned.Outcome);
        var rows = await app.WithDbAsync(db => db.LiveBlogUpdates.Where(u => u.ArticleId == blog.Id).OrderBy(u => u.Id).Select(u => new { u.Id, u.IsPinned }).ToListAsync());
        Assert.Equal([b], rows.Where(r => r.IsPinned).Select(r => r.Id));
        var page = await app.PageAsync(blog.Path);
        Assert.Equal([b], Ids(page, ".live-pinned .live-update"));
        Assert.Equal([a], Ids(page, ".live-updates .live-update"));
    }

    [DatabaseFact]
    public async Task Two_editors_pinning_at_once_leave_exactly_one_key_update()
    {
        var blog = await LiveBlogAsync();
        var a = await LiveBlogKit.PostAsync(app, blog.Id, "A.");
        var b = await LiveBlogKit.PostAsync(app, blog.Id, "B.");

        await Task.WhenAll(
            LiveBlogKit.WithServiceAsync(app, s => s.PinAsync(a, true, LiveBlogKit.Editor, CancellationToken.None)),
            LiveBlogKit.WithServiceAsync(app, s => s.PinAsync(b, true, LiveBlogKit.Editor, CancellationToken.None)));

        Assert.Equal(1, await app.WithDbAsync(db => db.LiveBlogUpdates.CountAsync(u => u.ArticleId == blog.Id && u.IsPinned)));
    }

    [DatabaseFact]
    public async Task Two_concurrent_corrections_of_one_update_give_one_conflict()
    {
        var blog = await LiveBlogAsync();
        var id = await LiveBlogKit.PostAsync(app, blog.Id, "The mayor said 40 people.");

        var results = await Task.WhenAll(
            LiveBlogKit.WithServiceAsync(app, s => s.CorrectAsync(id, 1, "", "The mayor said 41 people.", LiveBlogKit.Editor, CancellationToken.None)),
            LiveBlogKit.WithServiceAsync(app, s => s.CorrectAsync(id, 1, "", "The mayor said 42 people.", LiveBlogKit.Editor, CancellationToken.None)));

        Assert.Equal(1, results.Count(r => r.Outcome == LiveOutcome.Ok));
        var conflict = Assert.Single(results, r => r.Outcome == LiveOutcome.Conflict);
        Assert.Equal(2, conflict.Current!.Version);
        var row = await app.WithDbAsync(db => db.LiveBlogUpdates.SingleAsync(u => u.Id == id));
        Assert.Equal(2, row.Version);
        Assert.NotNull(row.EditedAt);
    }

    [DatabaseFact]
    public async Task A_correction_from_an_old_version_is_a_conflict_and_changes_nothing()
    {
        var blog = await LiveBlogAsync();
        var id = await LiveBlogKit.PostAsync(app, blog.Id, "First text.");
        await LiveBlogKit.WithServiceAsync(app, s => s.CorrectAsync(id, 1, "", "Second text.", LiveBlogKit.Editor, CancellationToken.None));

        var stale = await LiveBlogKit.WithServiceAsync(app, s => s.CorrectAsync(id, 1, "", "Third text.", LiveBlogKit.Editor, CancellationToken.None));

        Assert.Equal(LiveOutcome.Conflict, stale.Outcome);
        Assert.Equal("Second text.", await app.WithDbAsync(db => db.LiveBlogUpdates.Where(u => u.Id == id).Select(u => u.BodyMarkdown).SingleAsync()));
    }

    [DatabaseFact]
    public async Task Several_editors_posting_at_once_never_conflict()
    {
        var blog = await LiveBlogAsync();

        var results = await Task.WhenAll(Enumerable.Range(1, 6).Select(i =>
            LiveBlogKit.WithServiceAsync(app, s => s.PostAsync(blog.Id, "", $"Update number {i}.", false, LiveBlogKit.Editor, CancellationToken.None))));

        Assert.All(results, r => Assert.Equal(LiveOutcome.Ok, r.Outcome));
        Assert.Equal(6, await app.WithDbAsync(db => db.LiveBlogUpdates.CountAsync(u => u.ArticleId == blog.Id)));
    }

    [DatabaseFact]
    public async Task Deleting_an_update_takes_it_off_the_page_and_keeps_the_row()
    {
        var blog = await LiveBlogAsync();
        var keep = await LiveBlogKit.PostAsync(app, blog.Id, "Stays.");
        var gone = await LiveBlogKit.PostAsync(app, blog.Id, "Posted by mistake.", pin: true);

        var deleted = await LiveBlogKit.WithServiceAsync(app, s => s.DeleteAsync(gone, LiveBlogKit.Editor, CancellationToken.None));

        Assert.Equal(LiveOutcome.Ok, deleted.Outcome);
        var page = await app.PageAsync(blog.Path);
        Assert.Equal([keep], Ids(page, ".live-update"));
        var row = await app.WithDbAsync(db => db.LiveBlogUpdates.SingleAsync(u => u.Id == gone));
        Assert.True(row.IsDeleted);
        Assert.False(row.IsPinned);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "liveblog.delete" && e.EntityId == blog.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [DatabaseFact]
    public async Task Bad_updates_are_refused_by_the_field()
    {
        var blog = await LiveBlogAsync();

        var empty = await LiveBlogKit.WithServiceAsync(app, s => s.PostAsync(blog.Id, "", "   ", false, LiveBlogKit.Editor, CancellationToken.None));
        var longHeadline = await LiveBlogKit.WithServiceAsync(app, s => s.PostAsync(blog.Id, new string('h', 301), "Body.", false, LiveBlogKit.Editor, CancellationToken.None));
        var article = await app.Content.StoryAsync(blog.Section);
        var notLive = await LiveBlogKit.WithServiceAsync(app, s => s.PostAsync(article.Id, "", "Body.", false, LiveBlogKit.Editor, CancellationToken.None));

        Assert.Equal(LiveOutcome.Invalid, empty.Outcome);
        Assert.True(empty.Errors!.ContainsKey("body"));
        Assert.Equal(LiveOutcome.Invalid, longHeadline.Outcome);
        Assert.True(longHeadline.Errors!.ContainsKey("headline"));
        Assert.Equal(LiveOutcome.NotFound, notLive.Outcome);
        Assert.Equal(0, await app.WithDbAsync(db => db.LiveBlogUpdates.CountAsync(u => u.ArticleId == blog.Id)));
    }

    [DatabaseFact]
    public async Task Ending_shows_the_ended_state_writes_a_revision_and_refuses_new_posts_until_reopened()
    {
        var blog = await LiveBlogAsync();
        await LiveBlogKit.PostAsync(app, blog.Id, "Before the end.");
        var revisionsBefore = await app.WithDbAsync(db => db.ArticleRevisions.CountAsync(r => r.ArticleId == blog.Id));

        var ended = await LiveBlogKit.WithServiceAsync(app, s => s.SetEndedAsync(blog.Id, true, LiveBlogKit.Editor, CancellationToken.None));

        Assert.Equal(LiveOutcome.Ok, ended.Outcome);
        Assert.Equal(revisionsBefore + 1, await app.WithDbAsync(db => db.ArticleRevisions.CountAsync(r => r.ArticleId == blog.Id)));
        var page = await app.PageAsync(blog.Path);
        var live = page.One("section.live-blog");
        Assert.Equal("ended", live.One(".live-state").GetAttribute("data-live-state"));
        Assert.NotNull(live.One(".live-state time").GetAttribute("datetime"));
        Assert.Null(live.GetAttribute("data-live-stream"));
        Assert.Empty(page.QuerySelectorAll("script[src^='/live-blog.js']"));
        var ld = LdOf(page);
        Assert.True(ld.TryGetProperty("coverageEndTime", out _));

        var refused = await LiveBlogKit.WithServiceAsync(app, s => s.PostAsync(blog.Id, "", "After the end.", false, LiveBlogKit.Editor, CancellationToken.None));
        Assert.Equal(LiveOutcome.Invalid, refused.Outcome);

        var reopened = await LiveBlogKit.WithServiceAsync(app, s => s.SetEndedAsync(blog.Id, false, LiveBlogKit.Editor, CancellationToken.None));
        Assert.Equal(LiveOutcome.Ok, reopened.Outcome);
        Assert.Equal("live", (await app.PageAsync(blog.Path)).One(".live-state").GetAttribute("data-live-state"));
        await LiveBlogKit.PostAsync(app, blog.Id, "Back again.");
    }

    [DatabaseFact]
    public async Task A_running_live_blogs_cards_carry_a_live_badge_until_it_ends()
    {
        var blog = await LiveBlogAsync();
        var sectionPath = "/" + blog.Section.Slug;

        static IElement Card(IParentNode page, Story story) =>
            page.QuerySelectorAll("li.story-card").Single(li => li.LinkPaths("a.story-link").Contains(story.Path));

        var running = await app.PageAsync(sectionPath);
        Assert.Equal("Live", Card(running, blog).One(".kicker .live-badge").TextContent.Trim());
        var search = await app.PageAsync("/search?q=" + Uri.EscapeDataString(blog.Headline));
        Assert.NotEmpty(search.QuerySelectorAll(".kicker .live-badge"));

        Assert.Equal(LiveOutcome.Ok, (await LiveBlogKit.WithServiceAsync(app, s => s.SetEndedAsync(blog.Id, true, LiveBlogKit.Editor, CancellationToken.None))).Outcome);

        var ended = await app.PageAsync(sectionPath);
        Assert.Null(Card(ended, blog).QuerySelector(".live-badge"));
    }

    [DatabaseFact]
    public async Task Structured_data_is_a_LiveBlogPosting_with_its_updates()
    {
        var blog = await LiveBlogAsync();
        await LiveBlogKit.PostAsync(app, blog.Id, "Rain has stopped in the **city centre**.", "Rain stops");
        await LiveBlogKit.PostAsync(app, blog.Id, "Trains are running again.");

        var ld = LdOf(await app.PageAsync(blog.Path));

        Assert.Equal("LiveBlogPosting", ld.GetProperty("@type").GetString());
        Assert.True(DateTimeOffset.TryParse(ld.GetProperty("coverageStartTime").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.False(ld.TryGetProperty("coverageEndTime", out _));
        var updates = ld.GetProperty("liveBlogUpdate").EnumerateArray().ToList();
        Assert.Equal(2, updates.Count);
        Assert.All(updates, u =>
        {
            Assert.Equal("BlogPosting", u.GetProperty("@type").GetString());
            Assert.False(string.IsNullOrEmpty(u.GetProperty("headline").GetString()));
            Assert.Matches(@"[+-]\d\d:\d\d$", u.GetProperty("datePublished").GetString());
            Assert.Equal("Person", u.GetProperty("author").GetProperty("@type").GetString());
        });
        Assert.Equal("Trains are running again.", updates[0].GetProperty("articleBody").GetString());
        Assert.Equal("Rain stops", updates[1].GetProperty("headline").GetString());
        Assert.Equal("Rain has stopped in the city centre.", updates[1].GetProperty("articleBody").GetString());
    }

    [DatabaseFact]
    public async Task Posting_an_update_evicts_the_cached_page()
    {
        var blog = await LiveBlogAsync();
        await app.PageAsync(blog.Path);
        using (var cached = await app.GetAsync(blog.Path))
        {
            Assert.Equal("HIT", cached.Headers.GetValues("X-Cache").Single());
        }

        var id = await LiveBlogKit.PostAsync(app, blog.Id, "Fresh news.");

        using var after = await app.GetAsync(blog.Path);
        Assert.Equal("MISS", after.Headers.GetValues("X-Cache").Single());
        Assert.Contains($"data-update-id=\"{id}\"", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Older_updates_are_a_link_away_and_a_bad_cursor_is_a_400_page()
    {
        var blog = await LiveBlogAsync();
        var ids = new List<long>();
        for (var i = 0; i < LiveBlogReader.PageSize + 3; i++)
        {
            ids.Add(await LiveBlogKit.PostAsync(app, blog.Id, $"Update {i}."));
        }

        var first = await app.PageAsync(blog.Path);
        Assert.Equal(LiveBlogReader.PageSize, first.QuerySelectorAll(".live-updates .live-update").Length);
        var more = first.One("nav.live-older a").GetAttribute("href")!;
        var older = await app.PageAsync(blog.Path + more);

        Assert.Equal(ids.Take(3).Reverse(), Ids(older, ".live-updates .live-update"));
        Assert.Null(older.One("section.live-blog").GetAttribute("data-live-stream"));
        using var bad = await app.GetAsync(blog.Path + "?before=abc");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [DatabaseFact]
    public async Task The_stream_delivers_an_update_posted_after_connecting()
    {
        var blog = await LiveBlogAsync();
        using var deadline = new CancellationTokenSource(StreamDeadline);
        using var stream = await OpenStreamAsync(blog.Id, null, deadline.Token);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", stream.Response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        // With no cursor the stream starts from the current state.
        Assert.Equal("reset", (await stream.NextAsync(deadline.Token)).Type);

        var id = await LiveBlogKit.PostAsync(app, blog.Id, "Arrives live.", "Breaking");

        var message = await stream.NextAsync(deadline.Token);
        Assert.Equal("update", message.Type);
        Assert.Equal(id, message.Id);
        Assert.Contains("Arrives live.", message.Html, StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task The_stream_replays_what_a_cached_page_or_a_reconnect_missed()
    {
        var blog = await LiveBlogAsync();
        var cursor = (await app.PageAsync(blog.Path)).One("section.live-blog").GetAttribute("data-live-cursor");
        var a = await LiveBlogKit.PostAsync(app, blog.Id, "Missed one.");
        var b = await LiveBlogKit.PostAsync(app, blog.Id, "Missed two.");
        await LiveBlogKit.WithServiceAsync(app, s => s.DeleteAsync(a, LiveBlogKit.Editor, CancellationToken.None));
        using var deadline = new CancellationTokenSource(StreamDeadline);

        // The page's cursor (as a cached copy would carry it)…
        using (var fromPage = await OpenStreamAsync(blog.Id, cursor, deadline.Token, asQuery: true))
        {
            var first = await fromPage.NextAsync(deadline.Token);
            Assert.Equal(("update", a), Key(first));
            Assert.Equal(("update", b), Key(await fromPage.NextAsync(deadline.Token)));
            Assert.Equal(("remove", a), Key(await fromPage.NextAsync(deadline.Token)));

            // …and a reconnect's Last-Event-ID after the first event: only what came later.
            using var resumed = await OpenStreamAsync(blog.Id, first.EventId, deadline.Token);
            Assert.Equal(("update", b), Key(await resumed.NextAsync(deadline.Token)));
            Assert.Equal(("remove", a), Key(await resumed.NextAsync(deadline.Token)));
        }

        // An id this process never issued (a restart, another node) gets the whole current state.
        using var foreign = await OpenStreamAsync(blog.Id, "feedface-3", deadline.Token);
        var reset = await foreign.NextAsync(deadline.Token);
        Assert.Equal("reset", reset.Type);
        Assert.Equal([b], reset.Items.Select(i => i.Id));
    }

    [DatabaseFact]
    public async Task Unknown_drafted_and_non_live_blog_ids_answer_404()
    {
        var section = await app.Content.SectionAsync();
        var article = await app.Content.StoryAsync(section);
        var draft = await LiveBlogKit.CreateAsync(app, section, ArticleStatus.Draft);

        foreach (var id in new[] { 987_654_321, article.Id, draft.Id })
        {
            using var response = await app.GetAsync($"/live-updates/{id}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("live-blog-not-found", json.RootElement.GetProperty("code").GetString());
        }
        using var badId = await app.GetAsync("/live-updates/abc");
        Assert.Equal(HttpStatusCode.NotFound, badId.StatusCode);
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        using var desk = await editor.GetAsync($"/newsroom/stories/{article.Id}/live");
        Assert.Equal(HttpStatusCode.NotFound, desk.StatusCode);
        using var unknownUpdate = await editor.PostWithTokenAsync($"/newsroom/stories/{draft.Id}/live?handler=Delete", [new("updateId", "999999999")]);
        Assert.Equal(HttpStatusCode.NotFound, unknownUpdate.StatusCode);
    }

    [DatabaseFact]
    public async Task An_editor_posts_corrects_pins_and_ends_from_the_desk()
    {
        var blog = await LiveBlogAsync();
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var desk = $"/newsroom/stories/{blog.Id}/live";

        using var posted = await editor.SubmitAsync(desk, new Dictionary<string, string> { ["ComposeHeadline"] = "From the desk", ["ComposeBody"] = "Posted through the form." }, "form[data-live-compose]");
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var row = await app.WithDbAsync(db => db.LiveBlogUpdates.SingleAsync(u => u.ArticleId == blog.Id));
        Assert.Equal("From the desk", row.Headline);
        Assert.False(string.IsNullOrEmpty(row.AuthorName));

        using var empty = await editor.SubmitAsync(desk, new Dictionary<string, string> { ["ComposeBody"] = " " }, "form[data-live-compose]");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        (await NewsroomClient.ParseAsync(empty)).One("form[data-live-compose] [data-error-for=body]");

        var page = await editor.PageAsync(desk);
        var item = page.One($"li[data-update-id='{row.Id}']");
        Assert.Equal("1", item.GetAttribute("data-version"));
        using var corrected = await editor.SubmitAsync(desk, new Dictionary<string, string> { ["body"] = "Corrected through the form." }, $"li[data-update-id='{row.Id}'] form[data-live-correct]");
        Assert.Equal(HttpStatusCode.Redirect, corrected.StatusCode);
        // The same (now old) form again: the correction that lost is told, its text kept.
        var token = await editor.TokenAsync(desk);
        using var stale = await editor.PostAsync(desk + "?handler=Correct", [new("updateId", row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("version", "1"), new("body", "My late text."), new(NewsroomClient.TokenField, token)]);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var conflict = await NewsroomClient.ParseAsync(stale);
        Assert.Equal("My late text.", conflict.One($"li[data-update-id='{row.Id}'] textarea[name=body]").TextContent.Trim());
        conflict.One($"li[data-update-id='{row.Id}'] [data-error-for=body]");
        Assert.Equal("Corrected through the form.", await app.WithDbAsync(db => db.LiveBlogUpdates.Where(u => u.Id == row.Id).Select(u => u.BodyMarkdown).SingleAsync()));

        using var pinned = await editor.SubmitAsync(desk, new Dictionary<string, string>(), $"li[data-update-id='{row.Id}'] form[action*='handler=Pin']");
        Assert.Equal(HttpStatusCode.Redirect, pinned.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.LiveBlogUpdates.Where(u => u.Id == row.Id).Select(u => u.IsPinned).SingleAsync()));

        using var ended = await editor.SubmitAsync(desk, new Dictionary<string, string>(), "form.live-end");
        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.Equal("ended", (await editor.PageAsync(desk)).One(".live-desk").GetAttribute("data-live-state"));
        Assert.Equal("ended", (await app.PageAsync(blog.Path)).One(".live-state").GetAttribute("data-live-state"));
    }

    [DatabaseFact]
    public async Task A_script_post_from_the_desk_gets_the_new_entry_or_the_errors_as_json()
    {
        var blog = await LiveBlogAsync();
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var desk = $"/newsroom/stories/{blog.Id}/live";
        var token = await editor.TokenAsync(desk);

        using var ok = await PostFetchAsync(editor, desk, [new("ComposeBody", "Sent by the script."), new(NewsroomClient.TokenField, token)]);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var fragment = await NewsroomClient.ParseAsync(ok);
        Assert.NotNull(fragment.QuerySelector("li.live-desk-update[data-update-id]"));

        using var bad = await PostFetchAsync(editor, desk, [new("ComposeBody", ""), new(NewsroomClient.TokenField, token)]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        using var json = JsonDocument.Parse(await bad.Content.ReadAsStringAsync());
        Assert.Equal("invalid", json.RootElement.GetProperty("code").GetString());
        Assert.True(json.RootElement.GetProperty("errors").TryGetProperty("body", out _));
    }

    [DatabaseFact]
    public async Task Contributors_write_only_to_their_own_unpublished_live_blog()
    {
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var section = await app.Content.SectionAsync();
        var own = await LiveBlogKit.CreateAsync(app, section, ArticleStatus.Draft, contributor.User!.Id);
        var published = await LiveBlogKit.CreateAsync(app, section, ArticleStatus.Published, contributor.User!.Id);

        using var toOwn = await contributor.SubmitAsync($"/newsroom/stories/{own.Id}/live", new Dictionary<string, string> { ["ComposeBody"] = "Prepared before publishing." }, "form[data-live-compose]");
        Assert.Equal(HttpStatusCode.Redirect, toOwn.StatusCode);

        var readOnly = await contributor.PageAsync($"/newsroom/stories/{published.Id}/live");
        Assert.Null(readOnly.QuerySelector("form[data-live-compose]"));
        using var refused = await contributor.PostWithTokenAsync($"/newsroom/stories/{published.Id}/live?handler=Post", [new("ComposeBody", "Not allowed.")]);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.LiveBlogUpdates.CountAsync(u => u.ArticleId == published.Id)));
        contributor.Dispose();
    }

    [DatabaseFact]
    public async Task A_live_blog_is_in_its_section_feed_the_news_sitemap_and_search_at_its_canonical_address()
    {
        var blog = await LiveBlogAsync();
        var word = blog.Headline.Split(' ')[1];

        var feed = await Byline.Tests.Distribution.XmlDocs.GetAsync(app, $"/{blog.Section.Slug}/rss.xml", "application/rss+xml");
        var news = await app.GetAsync("/news-sitemap.xml");
        var found = (await app.PageAsync("/search?q=" + Uri.EscapeDataString(word))).StoryLinks();

        Assert.Contains(blog.Path, feed.Root!.Element("channel")!.Elements("item").Select(i => Byline.Tests.Distribution.XmlDocs.PathOf(i.Element("link")!.Value)));
        Assert.Contains(blog.Path, await news.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(blog.Path, found);
    }

    private static async Task<HttpResponseMessage> PostFetchAsync(NewsroomClient client, string path, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var content = new FormUrlEncodedContent(fields);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path + "?handler=Post", UriKind.Relative)) { Content = content };
        request.Headers.Add("X-Live-Desk", "1");
        return await client.Http.SendAsync(request);
    }

    private static JsonElement LdOf(AngleSharp.Html.Dom.IHtmlDocument page) =>
        page.QuerySelectorAll("script[type='application/ld+json']")
            .Select(s => JsonDocument.Parse(s.TextContent).RootElement)
            .Single(e => e.TryGetProperty("@type", out var t) && t.GetString() == "LiveBlogPosting");

    private static (string, long) Key(StreamMessage m) => (m.Type, m.Id);

    private async Task<EventStream> OpenStreamAsync(int articleId, string? cursor, CancellationToken ct, bool asQuery = false)
    {
        var path = $"/live-updates/{articleId}" + (asQuery && cursor is not null ? "?cursor=" + Uri.EscapeDataString(cursor) : "");
#pragma warning disable CA2000 // the returned EventStream owns the request, response and reader and disposes them
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (!asQuery && cursor is not null)
        {
            request.Headers.Add("Last-Event-ID", cursor);
        }
        var response = await app.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new EventStream(request, response, new StreamReader(await response.Content.ReadAsStreamAsync(ct)));
#pragma warning restore CA2000
    }
}

public sealed class LiveBlogOnSqlite(SqliteApp app) : LiveBlogTests(app), IClassFixture<SqliteApp>;

public sealed class LiveBlogOnPostgres(PostgresApp app) : LiveBlogTests(app), IClassFixture<PostgresApp>;

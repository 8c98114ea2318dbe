using System.Globalization;
using System.Net;
using System.Text.Json;
using Byline.Content;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Newsroom;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Api;

/// <summary>The changes feed: the outbox in commit order, as a mirror of the site needs it.</summary>
public abstract class ChangesFeedTests(BylineApp app)
{
    private static string N(int id) => id.ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<(string Kind, string Action, int? Id, bool Removed)> Of(ApiAnswer answer, int storyId) =>
        answer.Data.Where(d => d.GetProperty("kind").GetString() == "story" && d.GetProperty("id").GetInt32() == storyId)
            .Select(d => (d.GetProperty("kind").GetString()!, d.GetProperty("action").GetString()!, (int?)d.GetProperty("id").GetInt32(), d.GetProperty("removed").GetBoolean()));

    private async Task<string> HeadAsync() => (await app.ApiAsync("/api/v1/changes/head")).Json.GetProperty("cursor").GetString()!;

    [DatabaseFact]
    public async Task A_story_created_published_edited_and_unpublished_appears_in_commit_order()
    {
        var editor = await app.UserAsync(Roles.Editor);
        var section = await app.Content.SectionAsync();
        var since = await HeadAsync();
        var created = await app.CreateAsync(NewsroomServices.Story(section), editor);
        var id = created.ArticleId;
        var v = (await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, created.Version), editor)).Version;
        v = (await app.ApplyAsync(id, new StoryCommand(StoryAction.Save, v, NewsroomServices.Story(section) with { Headline = "Edited headline of the day" }), editor)).Version;
        await app.ApplyAsync(id, new StoryCommand(StoryAction.Unpublish, v), editor);

        var feed = await app.ApiAsync($"/api/v1/changes?since={since}", await app.KeyAsync());

        Assert.Equal(HttpStatusCode.OK, feed.Status);
        // Unpublished now: the public feed shows what a mirror must do with it (drop it), not the draft's own history.
        Assert.Equal([("story", "unpublished", (int?)id, true)], Of(feed, id));
        var sequences = feed.Data.Select(d => d.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.Order(), sequences);
    }

    [DatabaseFact]
    public async Task A_deleted_story_is_announced_as_deleted_so_a_mirror_drops_it()
    {
        var editor = await app.UserAsync(Roles.Editor);
        var section = await app.Content.SectionAsync();
        var since = await HeadAsync();
        var created = await app.CreateAsync(NewsroomServices.Story(section), editor);
        var id = created.ArticleId;
        var v = (await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, created.Version), editor)).Version;
        v = (await app.ApplyAsync(id, new StoryCommand(StoryAction.Unpublish, v), editor)).Version;
        Assert.Equal(PublishOutcome.Ok, (await app.PublishingAsync(p => p.DeleteAsync(id, v, editor, CancellationToken.None))).Outcome);

        var feed = await app.ApiAsync($"/api/v1/changes?since={since}");

        var changes = Of(feed, id).ToList();
        Assert.NotEmpty(changes);
        Assert.All(changes, c => Assert.Equal(("story", "deleted", true), (c.Kind, c.Action, c.Removed)));
    }

    [DatabaseFact]
    public async Task A_published_story_shows_every_change_and_a_reporters_draft_is_not_announced()
    {
        var editor = await app.UserAsync(Roles.Editor);
        var section = await app.Content.SectionAsync();
        var since = await HeadAsync();
        var draft = (await app.CreateAsync(NewsroomServices.Story(section), editor)).ArticleId;
        var created = await app.CreateAsync(NewsroomServices.Story(section), editor);
        var live = created.ArticleId;
        var v = (await app.ApplyAsync(live, new StoryCommand(StoryAction.Publish, created.Version), editor)).Version;
        await app.ApplyAsync(live, new StoryCommand(StoryAction.Save, v, NewsroomServices.Story(section)), editor);

        var feed = await app.ApiAsync($"/api/v1/changes?since={since}");

        Assert.Empty(Of(feed, draft));
        Assert.Equal(["created", "published", "updated"], Of(feed, live).Select(c => c.Action));
        Assert.All(Of(feed, live), c => Assert.False(c.Removed));
    }

    [DatabaseFact]
    public async Task Following_next_pages_the_feed_and_picks_up_only_later_changes()
    {
        var key = await app.KeyAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var section = await app.Content.SectionAsync();
        var since = await HeadAsync();
        var ids = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var c = await app.CreateAsync(NewsroomServices.Story(section), editor);
            await app.ApplyAsync(c.ArticleId, new StoryCommand(StoryAction.Publish, c.Version), editor);
            ids.Add(c.ArticleId);
        }

        var seen = new List<(long, int)>();
        var cursor = since;
        for (var pages = 0; pages < 20; pages++)
        {
            var page = await app.ApiAsync($"/api/v1/changes?since={cursor}&limit=2", key);
            seen.AddRange(page.Data.Where(d => d.GetProperty("kind").GetString() == "story")
                .Select(d => (d.GetProperty("sequence").GetInt64(), d.GetProperty("id").GetInt32())));
            cursor = page.Json.GetProperty("next").GetString()!;
            if (!page.Json.GetProperty("hasMore").GetBoolean())
            {
                break;
            }
        }
        var later = await app.CreateAsync(NewsroomServices.Story(section), editor);
        await app.ApplyAsync(later.ArticleId, new StoryCommand(StoryAction.Publish, later.Version), editor);
        var after = await app.ApiAsync($"/api/v1/changes?since={cursor}", key);

        Assert.Equal(ids.SelectMany(i => new[] { i, i }), seen.Select(s => s.Item2));
        Assert.Equal(seen.Select(s => s.Item1).Order(), seen.Select(s => s.Item1));
        Assert.Equal([later.ArticleId, later.ArticleId], after.Data.Where(d => d.GetProperty("kind").GetString() == "story").Select(d => d.GetProperty("id").GetInt32()));
    }

    [DatabaseFact]
    public async Task A_deleted_section_and_a_changed_page_reach_the_feed()
    {
        var since = await HeadAsync();
        var section = await app.Content.SectionAsync();
        await app.WithDbAsync(db => db.Sections.Where(s => s.Id == section.Id).ExecuteDeleteAsync());
        await app.Content.RaiseAsync("section: deleted", $"section:{N(section.Id)}");
        var page = await app.Content.StaticPageAsync(TestContent.Unique("contact"));
        await app.Content.RaiseAsync("page: " + page.Slug, "page:" + page.Slug, "settings");

        var feed = await app.ApiAsync($"/api/v1/changes?since={since}");

        // Every entry describes the thing as it is now: each one for the section says it is gone.
        var sectionChanges = feed.Data.Where(d => d.GetProperty("kind").GetString() == "section" && d.GetProperty("id").GetInt32() == section.Id).ToList();
        Assert.NotEmpty(sectionChanges);
        Assert.All(sectionChanges, c => Assert.Equal(("deleted", true), (c.GetProperty("action").GetString(), c.GetProperty("removed").GetBoolean())));
        var pageChanges = feed.Data.Where(d => d.GetProperty("kind").GetString() == "page" && d.GetProperty("slug").GetString() == page.Slug).ToList();
        Assert.NotEmpty(pageChanges);
        Assert.All(pageChanges, c => Assert.False(c.GetProperty("removed").GetBoolean()));
        Assert.Contains(feed.Data, d => d.GetProperty("kind").GetString() == "site");
    }

    [DatabaseFact]
    public async Task A_cursor_past_pruned_changes_is_gone_and_a_forged_one_is_refused()
    {
        await app.Content.RaiseAsync("settings: test", "settings");
        var old = await HeadAsync();
        for (var i = 0; i < 3; i++)
        {
            await app.Content.RaiseAsync("settings: test", "settings");
        }
        var newest = await app.WithDbAsync(db => db.Set<ContentEvent>().MaxAsync(e => e.Id));
        // What pruning does: the oldest events go, the newest stays.
        await app.WithDbAsync(db => db.Set<ContentEvent>().Where(e => e.Id < newest).ExecuteDeleteAsync());

        var expired = await app.ApiAsync($"/api/v1/changes?since={old}");
        var ahead = await app.ApiAsync($"/api/v1/changes?since={Cursor(newest + 1000)}");
        var garbage = await app.ApiAsync("/api/v1/changes?since=%%%");
        var wrongKind = await app.ApiAsync($"/api/v1/changes?since={Uri.EscapeDataString(Convert.ToBase64String("p.0.1"u8.ToArray()))}");
        var fromStart = await app.ApiAsync("/api/v1/changes");

        Assert.Equal((HttpStatusCode.Gone, "cursor_expired"), (expired.Status, expired.Code));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_cursor"), (ahead.Status, ahead.Code));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_cursor"), (garbage.Status, garbage.Code));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_cursor"), (wrongKind.Status, wrongKind.Code));
        Assert.Equal(HttpStatusCode.OK, fromStart.Status);
        Assert.Equal(newest, fromStart.Data.Select(d => d.GetProperty("sequence").GetInt64()).Min());
    }

    [DatabaseFact]
    public async Task An_anonymous_client_reads_at_most_its_page_of_changes_and_a_key_reads_ten_thousand()
    {
        var key = await app.KeyAsync();

        Assert.Equal("invalid_limit", (await app.ApiAsync("/api/v1/changes?limit=1001")).Code);
        Assert.Equal(HttpStatusCode.OK, (await app.ApiAsync("/api/v1/changes?limit=10000", key)).Status);
        Assert.Equal("invalid_limit", (await app.ApiAsync("/api/v1/changes?limit=10001", key)).Code);
    }

    private static string Cursor(long id) =>
        Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"c.0.{id.ToString(CultureInfo.InvariantCulture)}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public sealed class ChangesFeedTestsOnSqlite(ApiSqliteApp app) : ChangesFeedTests(app), IClassFixture<ApiSqliteApp>;

public sealed class ChangesFeedTestsOnPostgres(ApiPostgresApp app) : ChangesFeedTests(app), IClassFixture<ApiPostgresApp>;

using System.Globalization;
using System.Net;
using System.Text.Json;
using Byline.Content;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Discovery;
using Byline.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Newsroom;

/// <summary>
/// Working together on a story (issue 19, point 8): presence and the soft lock with take-over, saves
/// by someone who does not hold the story refused (409) with their text kept as a revision, editorial
/// notes and the publish warning, assignments and the dashboard's My work.
/// </summary>
public abstract class CollaborationTests(BylineApp app)
{
    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    private async Task<NewsroomClient> EditorNamedAsync(string name, string role = Roles.Editor)
    {
        var client = await NewsroomClient.SignInAsync(app, role);
        var userId = client.User!.Id;
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisplayName, name)));
        return client;
    }

    private async Task<int> DraftAsync(NewsroomClient writer, string headline)
    {
        var section = await app.Content.SectionAsync();
        using var response = await writer.SubmitAsync("/newsroom/stories/new", new Dictionary<string, string>
        {
            ["Form.Headline"] = headline,
            ["Form.Slug"] = "",
            ["Form.Standfirst"] = "A standfirst.",
            ["Form.Body"] = "The saved paragraph.",
            ["Form.SectionId"] = Id(section.Id),
            ["Form.Tags"] = "",
            ["act"] = "save",
        }, "#story-form");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return int.Parse(NewsroomClient.LocationPath(response).Split('/')[^1], CultureInfo.InvariantCulture);
    }

    private static async Task<JsonElement> BeatAsync(NewsroomClient client, int id, bool editing)
    {
        var token = await client.TokenAsync($"/newsroom/stories/{id}");
        using var response = await client.PostAsync($"/newsroom/stories/{id}?handler=Heartbeat",
            [new(NewsroomClient.TokenField, token), new("editing", editing ? "true" : "false")]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<HttpResponseMessage> AutosaveAsync(NewsroomClient client, int id, string body)
    {
        var article = await app.ArticleAsync(id);
        var token = await client.TokenAsync($"/newsroom/stories/{id}");
        return await client.PostAsync($"/newsroom/stories/{id}?handler=Autosave", new Dictionary<string, string>
        {
            [NewsroomClient.TokenField] = token,
            ["Form.Headline"] = article.Headline,
            ["Form.Slug"] = article.Slug,
            ["Form.Standfirst"] = article.Standfirst ?? "",
            ["Form.Body"] = body,
            ["Form.SectionId"] = Id(article.SectionId),
            ["Form.Version"] = Id(article.Version),
        });
    }

    [DatabaseFact]
    public async Task The_first_writer_holds_the_story_others_see_them_by_name_and_a_save_by_anyone_else_is_refused_and_kept()
    {
        var anaName = "Ana Lock " + Guid.NewGuid().ToString("N")[..6];
        using var ana = await EditorNamedAsync(anaName);
        using var ben = await EditorNamedAsync("Ben Reader " + Guid.NewGuid().ToString("N")[..6]);
        var id = await DraftAsync(ana, "Held story " + Guid.NewGuid().ToString("N")[..6]);

        var anaState = await BeatAsync(ana, id, editing: true);
        var benState = await BeatAsync(ben, id, editing: true);

        Assert.True(anaState.GetProperty("mine").GetBoolean());
        Assert.False(benState.GetProperty("mine").GetBoolean());
        Assert.Equal(anaName, benState.GetProperty("holder").GetProperty("name").GetString());
        var present = benState.GetProperty("others").EnumerateArray().Select(o => (o.GetProperty("name").GetString(), o.GetProperty("editing").GetBoolean())).ToList();
        Assert.Contains((anaName, true), present);
        // The page Ben opens says who is editing, is read-only, and offers the take-over.
        var page = await ben.PageAsync($"/newsroom/stories/{id}");
        Assert.Contains("Ana Lock", page.One("[data-lock-banner] [data-lock-text]").TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.One("fieldset.story-fields").GetAttribute("disabled"));
        page.One("form[data-form=takeover]");

        using var refused = await AutosaveAsync(ben, id, "Ben's paragraph, typed anyway.");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("locked", problem.GetProperty("code").GetString());
        Assert.Contains("Ana Lock", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var kept = problem.GetProperty("keptRevision").GetInt32();
        Assert.Equal("The saved paragraph.", (await app.ArticleAsync(id)).BodyMarkdown);
        var revision = (await app.RevisionsAsync(id)).Single(r => r.Number == kept);
        Assert.Equal("Ben's paragraph, typed anyway.", StoryInput.FromJson(revision.Snapshot).BodyMarkdown);
        Assert.Equal(ben.User!.Id, revision.UserId);

        // The form's Save is refused the same way, with the typed text still in the form.
        using var formSave = await ben.PostWithTokenAsync($"/newsroom/stories/{id}", new Dictionary<string, string>
        {
            ["Form.Headline"] = "Ben's headline",
            ["Form.Body"] = "Ben's form text.",
            ["Form.Version"] = Id((await app.ArticleAsync(id)).Version),
            ["act"] = "save",
        }, $"/newsroom/stories/{id}");
        Assert.Equal(HttpStatusCode.Conflict, formSave.StatusCode);
        var shown = await NewsroomClient.ParseAsync(formSave);
        Assert.Contains("is editing this story", shown.One(".form-errors").TextContent, StringComparison.Ordinal);
        Assert.Contains("Ben's form text.", shown.One("#story-body").TextContent, StringComparison.Ordinal);

        // Ana's own autosave goes through.
        using var mine = await AutosaveAsync(ana, id, "Ana's new paragraph.");
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
    }

    [DatabaseFact]
    public async Task Taking_over_turns_the_first_writer_away_and_their_unsaved_text_becomes_a_revision()
    {
        using var ana = await EditorNamedAsync("Ana First " + Guid.NewGuid().ToString("N")[..6]);
        using var ben = await EditorNamedAsync("Ben Second " + Guid.NewGuid().ToString("N")[..6]);
        var id = await DraftAsync(ana, "Taken over " + Guid.NewGuid().ToString("N")[..6]);
        Assert.True((await BeatAsync(ana, id, editing: true)).GetProperty("mine").GetBoolean());

        using var takeover = await ben.SubmitAsync($"/newsroom/stories/{id}", new Dictionary<string, string>(), "form[data-form=takeover]");
        Assert.Equal(HttpStatusCode.Redirect, takeover.StatusCode);

        // Ana's next heartbeat learns it; her page sends what she had not saved, which is kept, not written over Ben's.
        var anaState = await BeatAsync(ana, id, editing: true);
        Assert.False(anaState.GetProperty("mine").GetBoolean());
        Assert.StartsWith("Ben Second", anaState.GetProperty("holder").GetProperty("name").GetString(), StringComparison.Ordinal);
        using var lost = await AutosaveAsync(ana, id, "Ana's unsaved sentence, typed while Ben took over.");
        Assert.Equal(HttpStatusCode.Conflict, lost.StatusCode);
        var kept = JsonDocument.Parse(await lost.Content.ReadAsStringAsync()).RootElement.GetProperty("keptRevision").GetInt32();
        Assert.Equal("Ana's unsaved sentence, typed while Ben took over.",
            StoryInput.FromJson((await app.RevisionsAsync(id)).Single(r => r.Number == kept).Snapshot).BodyMarkdown);
        using var bens = await AutosaveAsync(ben, id, "Ben's text.");
        Assert.Equal(HttpStatusCode.OK, bens.StatusCode);
        Assert.Equal("Ben's text.", (await app.ArticleAsync(id)).BodyMarkdown);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditActions.StoryTakenOver && e.EntityId == Id(id))));

        // Ben leaves (his tab closes): he is no longer shown as present.
        var token = await ben.TokenAsync($"/newsroom/stories/{id}");
        using var leave = await ben.PostAsync($"/newsroom/stories/{id}?handler=Leave", [new(NewsroomClient.TokenField, token)]);
        Assert.Equal(HttpStatusCode.NoContent, leave.StatusCode);
        Assert.Empty((await BeatAsync(ana, id, editing: false)).GetProperty("others").EnumerateArray());

        // A save through the form ends the holder's editing session: the next writer may take the story.
        using var saved = await ben.SubmitAsync($"/newsroom/stories/{id}", new Dictionary<string, string> { ["act"] = "save" }, "#story-form");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.True((await BeatAsync(ana, id, editing: true)).GetProperty("mine").GetBoolean());
    }

    private Task<StoryLock?> LockAsync(int id) => app.WithDbAsync(db => db.StoryLocks.AsNoTracking().FirstOrDefaultAsync(l => l.ArticleId == id));

    private async Task SetLockTimesAsync(int id, DateTime since, DateTime beatAt) =>
        Assert.Equal(1, await app.WithDbAsync(db => db.StoryLocks.Where(l => l.ArticleId == id).ExecuteUpdateAsync(s => s.SetProperty(l => l.Since, since).SetProperty(l => l.BeatAt, beatAt))));

    [DatabaseFact]
    public async Task An_autosave_takes_a_free_lock_and_refreshes_it_and_a_quiet_holders_lock_goes_to_the_next_writer()
    {
        using var ana = await EditorNamedAsync("Ana Autosave " + Guid.NewGuid().ToString("N")[..6]);
        using var ben = await EditorNamedAsync("Ben Autosave " + Guid.NewGuid().ToString("N")[..6]);
        var id = await DraftAsync(ana, "Autosaved and held " + Guid.NewGuid().ToString("N")[..6]);
        Assert.Null(await LockAsync(id));

        // No heartbeat yet: the autosave itself takes the free lock.
        using (var first = await AutosaveAsync(ana, id, "Ana's first words."))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        Assert.Equal(ana.User!.Id, (await LockAsync(id))?.UserId);

        // Quiet for a while but within the window: her next autosave refreshes the lock and keeps its start.
        var since = DateTime.UtcNow.AddSeconds(-25);
        await SetLockTimesAsync(id, since, since);
        using (var second = await AutosaveAsync(ana, id, "Ana's second words."))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }
        var refreshed = await LockAsync(id);
        Assert.Equal(ana.User.Id, refreshed?.UserId);
        Assert.True(refreshed!.BeatAt > since.AddSeconds(20), $"the lock was not refreshed (beat at {refreshed.BeatAt:O})");
        Assert.True(Math.Abs((refreshed.Since - since).TotalSeconds) < 1, $"the lock's start moved (since {refreshed.Since:O})");
        Assert.Equal("Ana's second words.", (await app.ArticleAsync(id)).BodyMarkdown);

        // Ana holds it: Ben's autosave is refused and kept, and nothing of his is written.
        using (var refused = await AutosaveAsync(ben, id, "Ben's words while Ana writes."))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("locked", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        }
        Assert.Equal("Ana's second words.", (await app.ArticleAsync(id)).BodyMarkdown);
        Assert.Equal(ana.User.Id, (await LockAsync(id))?.UserId);

        // Ana went quiet past the window: Ben's autosave goes through and takes the story.
        var gone = DateTime.UtcNow.AddMinutes(-2);
        await SetLockTimesAsync(id, gone, gone);
        using (var bens = await AutosaveAsync(ben, id, "Ben's words after Ana left."))
        {
            Assert.Equal(HttpStatusCode.OK, bens.StatusCode);
        }
        Assert.Equal("Ben's words after Ana left.", (await app.ArticleAsync(id)).BodyMarkdown);
        var taken = await LockAsync(id);
        Assert.Equal(ben.User!.Id, taken?.UserId);
        Assert.True(taken!.Since > gone.AddMinutes(1), "a lock taken from a quiet holder starts anew");
    }

    [DatabaseFact]
    public async Task A_save_made_for_an_editing_session_is_refused_whole_when_someone_else_holds_the_story()
    {
        // The page checks the lock before it saves; this is the save's own check, for a take-over that
        // lands between the two: nothing of the save is written, no revision and no event.
        using var ana = await EditorNamedAsync("Ana Holder " + Guid.NewGuid().ToString("N")[..6]);
        using var ben = await EditorNamedAsync("Ben Late " + Guid.NewGuid().ToString("N")[..6]);
        var id = await DraftAsync(ana, "Held against a late save " + Guid.NewGuid().ToString("N")[..6]);
        Assert.True((await BeatAsync(ana, id, editing: true)).GetProperty("mine").GetBoolean());
        var before = await app.ArticleAsync(id);
        var revisions = (await app.RevisionsAsync(id)).Count;
        var events = await app.WithDbAsync(db => db.Set<ContentEvent>().CountAsync(e => e.ArticleId == id));

        PublishResult result;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var publishing = scope.ServiceProvider.GetRequiredService<PublishingService>();
            var benActor = new Actor(ben.User!.Id, "Ben Late", IsEditor: true, new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity()));
            var input = StoryInput.FromJson((await app.RevisionsAsync(id)).OrderBy(r => r.Number).Last().Snapshot) with { BodyMarkdown = "Ben's late words." };
            result = await publishing.ApplyAsync(id, new StoryCommand(StoryAction.Autosave, before.Version, input, HoldLockFor: ben.User.Id), benActor, CancellationToken.None);
        }

        Assert.Equal(PublishOutcome.Locked, result.Outcome);
        var after = await app.ArticleAsync(id);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal("The saved paragraph.", after.BodyMarkdown);
        Assert.Equal(revisions, (await app.RevisionsAsync(id)).Count);
        Assert.Equal(events, await app.WithDbAsync(db => db.Set<ContentEvent>().CountAsync(e => e.ArticleId == id)));
        Assert.Equal(ana.User!.Id, (await LockAsync(id))?.UserId);
    }

    [DatabaseFact]
    public async Task A_drafts_autosaves_stay_out_of_search_publishing_brings_it_in_and_a_live_storys_autosave_changes_nothing_readers_find()
    {
        var word = DiscoveryTestKit.Word();
        using var ana = await EditorNamedAsync("Ana Search " + Guid.NewGuid().ToString("N")[..6]);
        var id = await DraftAsync(ana, "Draft about " + word);
        using (var draft = await AutosaveAsync(ana, id, $"A paragraph on {word}, still a draft."))
        {
            Assert.Equal(HttpStatusCode.OK, draft.StatusCode);
        }
        Assert.Empty(await SearchAsync(word));

        using (var published = await ana.SubmitAsync($"/newsroom/stories/{id}", new Dictionary<string, string> { ["act"] = "publish" }, "#story-form"))
        {
            Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        }
        // In step with the publish: found as soon as the publish answered.
        var path = Assert.Single(await SearchAsync(word));

        // The live story's autosave keeps the editor's words as a revision only: search still finds what readers see.
        var later = DiscoveryTestKit.Word();
        using (var live = await AutosaveAsync(ana, id, $"Unfinished {later} words on {word}."))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        Assert.Empty(await SearchAsync(later));
        Assert.Equal([path], await SearchAsync(word));
    }

    private async Task<List<string>> SearchAsync(string query) =>
        (await app.PageAsync("/search?q=" + Uri.EscapeDataString(query))).StoryLinks();

    [DatabaseFact]
    public async Task A_contributor_cannot_take_over_a_story_they_may_not_edit()
    {
        using var editor = await EditorNamedAsync("Edna " + Guid.NewGuid().ToString("N")[..6]);
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var id = await DraftAsync(editor, "Editor's draft " + Guid.NewGuid().ToString("N")[..6]);
        await app.WithDbAsync(db => { db.StoryShares.Add(new StoryShare { ArticleId = id, UserId = contributor.User!.Id, SharedAt = DateTime.UtcNow }); return db.SaveChangesAsync(); });

        var token = await contributor.TokenAsync($"/newsroom/stories/{id}");
        using var response = await contributor.PostAsync($"/newsroom/stories/{id}?handler=TakeOver", [new(NewsroomClient.TokenField, token)]);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False((await BeatAsync(contributor, id, editing: true)).GetProperty("mine").GetBoolean());
    }

    [DatabaseFact]
    public async Task Notes_are_threaded_resolved_and_reopened_and_open_ones_ask_before_publishing()
    {
        using var editor = await EditorNamedAsync("Nora Notes " + Guid.NewGuid().ToString("N")[..6]);
        var id = await DraftAsync(editor, "Noted story " + Guid.NewGuid().ToString("N")[..6]);

        using var empty = await editor.SubmitAsync($"/newsroom/stories/{id}", new Dictionary<string, string> { ["NoteText"] = "   " }, "form[data-form=note]");
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((await NewsroomClient.ParseAsync(empty)).One("[data-for=noteText]").TextContent));
        var tooLong = new string('x', StoryNote.MaxText + 1);
        using var longNote = await editor.SubmitAsync($"/newsroom/stories/{id}", new Dictionary<string, string> { ["NoteText"] = tooLong }, "form[data-form=note]");
        Assert.Equal(HttpStatusCode.BadRequest, longNote.StatusCode);
        Assert.Equal(tooLong, (await NewsroomClient.ParseAsync(longNote)).One("#note-text").TextContent);

        using var added = await editor.SubmitAsync($"/newsroom/stories/{id}", new Dictionary<string, string> { ["NoteText"] = "Check the minister's quote." }, "form[data-form=note]");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var page = await editor.PageAsync($"/newsroom/stories/{id}");
        var note = page.One("li[data-note]");
        Assert.Contains("Check the minister's quote.", note.TextContent, StringComparison.Ordinal);
        Assert.Equal("false", note.GetAttribute("data-resolved"));

        // Publish: a confirm step naming the open note; nothing is published until it is confirmed.
        using var warned = await editor.SubmitAsync($"/newsroom/stories/{id}", new Dictionary<string, string> { ["act"] = "publish" }, "#story-form");
        Assert.Equal(HttpStatusCode.Conflict, warned.StatusCode);
        var warning = (await NewsroomClient.ParseAsync(warned)).One("[data-publish-warning]");
        Assert.Contains("Check the minister's quote.", warning.TextContent, StringComparison.Ordinal);
        warning.One("button.act-confirm-notes");
        Assert.Equal(ArticleStatus.Draft, (await app.ArticleAsync(id)).Status);

        // Resolved, the note no longer stops a publish; reopened, it does again; confirmed, the story goes live.
        var noteId = note.GetAttribute("data-note")!;
        using var resolved = await editor.SubmitAsync($"/newsroom/stories/{id}", new Dictionary<string, string>(), $"li[data-note='{noteId}'] form");
        Assert.Equal(HttpStatusCode.Redirect, resolved.StatusCode);
        Assert.Equal("true", (await editor.PageAsync($"/newsroom/stories/{id}")).One($"li[data-note='{noteId}']").GetAttribute("data-resolved"));
        using var reopened = await editor.SubmitAsync($"/newsroom/stories/{id}", new Dictionary<string, string>(), $"li[data-note='{noteId}'] form");
        Assert.Equal("false", (await editor.PageAsync($"/newsroom/stories/{id}")).One($"li[data-note='{noteId}']").GetAttribute("data-resolved"));
        using var confirmed = await editor.SubmitAsync($"/newsroom/stories/{id}", new Dictionary<string, string> { ["act"] = "publish", ["confirmNotes"] = "yes" }, "#story-form");
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal(ArticleStatus.Published, (await app.ArticleAsync(id)).Status);
    }

    [DatabaseFact]
    public async Task A_story_assigned_with_a_due_time_shows_in_my_work_overdue_with_the_notes_awaiting_me()
    {
        using var editor = await EditorNamedAsync("Ed Assigner " + Guid.NewGuid().ToString("N")[..6]);
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var id = await DraftAsync(contributor, "Assigned story " + Guid.NewGuid().ToString("N")[..6]);
        var other = await DraftAsync(editor, "Not assigned " + Guid.NewGuid().ToString("N")[..6]);
        var token = await editor.TokenAsync($"/newsroom/stories/{id}");

        using var badDue = await editor.PostAsync($"/newsroom/stories/{id}?handler=Assign",
            [new(NewsroomClient.TokenField, token), new("assignee", Id(contributor.User!.Id)), new("AssignDue", "next tuesday")]);
        Assert.Equal(HttpStatusCode.BadRequest, badDue.StatusCode);
        var badPage = await NewsroomClient.ParseAsync(badDue);
        Assert.False(string.IsNullOrWhiteSpace(badPage.One("[data-for=assignDue]").TextContent));
        Assert.Equal("next tuesday", badPage.One("#assign-due").GetAttribute("value"));

        var yesterday = app.Content.CurrentSettings is { } s
            ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow.AddDays(-1), TimeZoneInfo.FindSystemTimeZoneById(s.TimeZone)).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture)
            : "";
        using var assigned = await editor.PostAsync($"/newsroom/stories/{id}?handler=Assign",
            [new(NewsroomClient.TokenField, token), new("assignee", Id(contributor.User!.Id)), new("AssignDue", yesterday)]);
        Assert.Equal(HttpStatusCode.Redirect, assigned.StatusCode);
        Assert.Equal(contributor.User!.Id, await app.WithDbAsync(db => db.StoryAssignments.Where(a => a.ArticleId == id).Select(a => a.UserId).FirstAsync()));
        using var note = await editor.SubmitAsync($"/newsroom/stories/{id}", new Dictionary<string, string> { ["NoteText"] = "Add a second source." }, "form[data-form=note]");
        using var ownNote = await contributor.SubmitAsync($"/newsroom/stories/{id}", new Dictionary<string, string> { ["NoteText"] = "My own reminder." }, "form[data-form=note]");

        // A contributor may not assign.
        var theirToken = await contributor.TokenAsync($"/newsroom/stories/{id}");
        using var refused = await contributor.PostAsync($"/newsroom/stories/{id}?handler=Assign", [new(NewsroomClient.TokenField, theirToken), new("assignee", "")]);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var dashboard = await contributor.PageAsync("/newsroom");
        var work = dashboard.One("[data-panel=my-work]");
        var row = work.One($"[data-assigned='{id}']");
        Assert.Equal("true", row.GetAttribute("data-overdue"));
        Assert.Contains("overdue", row.TextContent, StringComparison.Ordinal);
        Assert.Null(work.QuerySelector($"[data-assigned='{other}']"));
        var notes = work.QuerySelectorAll($"[data-note-for-me='{id}']");
        Assert.Contains(notes, n => n.TextContent.Contains("Add a second source.", StringComparison.Ordinal));
        Assert.DoesNotContain(notes, n => n.TextContent.Contains("My own reminder.", StringComparison.Ordinal));
        work.One($"[data-panel=my-drafts] a[href='/newsroom/stories/{id}']");
        Assert.Contains("Assigned to", (await contributor.PageAsync($"/newsroom/stories/{id}")).One("[data-assigned]").TextContent, StringComparison.Ordinal);
    }
}

public sealed class CollaborationOnSqlite(SqliteApp app) : CollaborationTests(app), IClassFixture<SqliteApp>;

public sealed class CollaborationOnPostgres(PostgresApp app) : CollaborationTests(app), IClassFixture<PostgresApp>;

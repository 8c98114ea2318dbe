using System.Globalization;
using System.Net;
using Byline.Content;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Newsroom;

/// <summary>
/// Deleting a story: editors only, never a story on the site or scheduled, only at the version the editor saw;
/// the story goes with its revisions and links, search forgets it, and the newsroom page asks before it acts.
/// </summary>
public abstract class StoryDeletionTests(BylineApp app)
{
    private static string N(int id) => id.ToString(CultureInfo.InvariantCulture);

    private Task<bool> ExistsAsync(int id) => app.WithDbAsync(db => db.Articles.AnyAsync(a => a.Id == id));

    [DatabaseFact]
    public async Task An_editor_deletes_a_draft_from_its_page_and_it_goes_with_its_revisions_and_links()
    {
        var section = await app.Content.SectionAsync();
        var writer = await app.UserAsync(Roles.Contributor);
        var (id, version) = await app.DraftAsync(writer, NewsroomServices.Story(section, "Deletion tag"));
        await app.ApplyAsync(id, new StoryCommand(StoryAction.Save, version, NewsroomServices.Story(section, "Deletion tag")), writer);
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);

        var page = await editor.PageAsync($"/newsroom/stories/{N(id)}");
        var panel = page.QuerySelector("details.story-delete");
        Assert.NotNull(panel);
        Assert.Contains("cannot be undone", panel!.TextContent, StringComparison.Ordinal);
        using var deleted = await editor.SubmitAsync($"/newsroom/stories/{N(id)}", new Dictionary<string, string>(), "form[data-form=delete]");

        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal("/newsroom/stories?done=deleted", deleted.Headers.Location?.OriginalString);
        Assert.Equal("The story was deleted.", (await editor.PageAsync("/newsroom/stories?done=deleted")).QuerySelector("p.notice")?.TextContent.Trim());
        Assert.False(await ExistsAsync(id));
        Assert.Empty(await app.RevisionsAsync(id));
        Assert.False(await app.WithDbAsync(db => db.ArticleTags.AnyAsync(t => t.ArticleId == id)));
        Assert.Equal(1, await app.AuditCountAsync(id, StoryAuditActions.Deleted));
        using var gone = await editor.GetAsync($"/newsroom/stories/{N(id)}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [DatabaseFact]
    public async Task A_story_on_the_site_or_scheduled_is_not_deleted_and_its_page_offers_no_delete()
    {
        var section = await app.Content.SectionAsync();
        var editorActor = await app.UserAsync(Roles.Editor);
        var (live, lv) = await app.DraftAsync(editorActor, NewsroomServices.Story(section));
        lv = (await app.ApplyAsync(live, new StoryCommand(StoryAction.Publish, lv), editorActor)).Version;
        var (later, sv) = await app.DraftAsync(editorActor, NewsroomServices.Story(section));
        sv = (await app.ApplyAsync(later, new StoryCommand(StoryAction.Schedule, sv, ScheduleAtUtc: DateTime.UtcNow.AddHours(3)), editorActor)).Version;
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);

        Assert.Null((await editor.PageAsync($"/newsroom/stories/{N(live)}")).QuerySelector("form[data-form=delete]"));
        Assert.Null((await editor.PageAsync($"/newsroom/stories/{N(later)}")).QuerySelector("form[data-form=delete]"));
        // A forged post is refused by the service, with the reason on the page.
        using var refused = await editor.PostWithTokenAsync($"/newsroom/stories/{N(live)}?handler=delete", [new("version", N(lv))], tokenFrom: $"/newsroom/stories/{N(live)}");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("unpublish it first", (await NewsroomClient.ParseAsync(refused)).QuerySelector("p.notice")!.TextContent, StringComparison.Ordinal);
        var scheduled = await app.PublishingAsync(p => p.DeleteAsync(later, sv, editorActor, CancellationToken.None));
        Assert.Equal(PublishOutcome.Invalid, scheduled.Outcome);
        Assert.True(await ExistsAsync(live));
        Assert.True(await ExistsAsync(later));

        // Unpublished, it can go; the reader's page then answers 404 and search no longer finds it.
        var unpublished = await app.ApplyAsync(live, new StoryCommand(StoryAction.Unpublish, lv), editorActor);
        var path = StoryFormats.Path(StoryFormat.Article, section.Slug, (await app.ArticleAsync(live)).Slug, live, null);
        Assert.Equal(PublishOutcome.Ok, (await app.PublishingAsync(p => p.DeleteAsync(live, unpublished.Version, editorActor, CancellationToken.None))).Outcome);
        Assert.False(await ExistsAsync(live));
        using var reader = await app.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, reader.StatusCode);
    }

    [DatabaseFact]
    public async Task A_contributor_may_not_delete_and_a_stale_version_is_a_conflict()
    {
        var section = await app.Content.SectionAsync();
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var mine = await app.UserAsync(Roles.Contributor);
        var (id, version) = await app.DraftAsync(mine, NewsroomServices.Story(section));

        var byContributor = await app.PublishingAsync(p => p.DeleteAsync(id, version, mine, CancellationToken.None));
        Assert.Equal(PublishOutcome.Forbidden, byContributor.Outcome);
        using var forged = await contributor.PostWithTokenAsync($"/newsroom/stories/{N(id)}?handler=delete", [new("version", N(version))]);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);

        var editorActor = await app.UserAsync(Roles.Editor);
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var pagePath = $"/newsroom/stories/{N(id)}";
        var page = await editor.PageAsync(pagePath);
        var token = page.QuerySelector($"form[data-form=delete] input[name={NewsroomClient.TokenField}]")!.GetAttribute("value")!;
        // Someone saves while the editor reads: the delete the editor sends names the version they saw.
        await app.ApplyAsync(id, new StoryCommand(StoryAction.Save, version, NewsroomServices.Story(section) with { Headline = "Changed while you looked" }), editorActor);
        using var stale = await editor.PostAsync(pagePath + "?handler=delete", [new("version", N(version)), new(NewsroomClient.TokenField, token)]);

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("saved the story since you opened it", (await NewsroomClient.ParseAsync(stale)).QuerySelector("p.notice")!.TextContent, StringComparison.Ordinal);
        Assert.True(await ExistsAsync(id));
        using var withoutToken = await editor.PostAsync(pagePath + "?handler=delete", [new("version", N(version + 1))]);
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.True(await ExistsAsync(id));
    }
}

public sealed class StoryDeletionOnSqlite(SqliteApp app) : StoryDeletionTests(app), IClassFixture<SqliteApp>;

public sealed class StoryDeletionOnPostgres(PostgresApp app) : StoryDeletionTests(app), IClassFixture<PostgresApp>;

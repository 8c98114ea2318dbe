using System.Net;
using Byline.Content;
using Byline.Events;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Newsroom;

public abstract class PublishingWorkflowTests(BylineApp app)
{
    [DatabaseFact]
    public async Task A_contributor_cannot_publish_schedule_or_unpublish_even_their_own_story()
    {
        var section = await app.Content.SectionAsync();
        var contributor = await app.UserAsync(Roles.Contributor);
        var (id, version) = await app.DraftAsync(contributor, NewsroomServices.Story(section));

        var publish = await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, version), contributor);
        var schedule = await app.ApplyAsync(id, new StoryCommand(StoryAction.Schedule, version, ScheduleAtUtc: DateTime.UtcNow.AddHours(1)), contributor);

        Assert.Equal(PublishOutcome.Forbidden, publish.Outcome);
        Assert.Equal(PublishOutcome.Forbidden, schedule.Outcome);
        var article = await app.ArticleAsync(id);
        Assert.Equal(ArticleStatus.Draft, article.Status);
        Assert.Null(article.PublishedAt);
        Assert.Single(await app.RevisionsAsync(id));
    }

    [DatabaseFact]
    public async Task A_contributor_edits_only_their_own_stories_and_only_before_an_editor_takes_them_on()
    {
        var section = await app.Content.SectionAsync();
        var writer = await app.UserAsync(Roles.Contributor);
        var other = await app.UserAsync(Roles.Contributor);
        var editor = await app.UserAsync(Roles.Editor);
        var (id, version) = await app.DraftAsync(writer, NewsroomServices.Story(section));

        var byOther = await app.ApplyAsync(id, new StoryCommand(StoryAction.Save, version, NewsroomServices.Story(section)), other);
        Assert.Equal(PublishOutcome.Forbidden, byOther.Outcome);

        var submitted = await app.ApplyAsync(id, new StoryCommand(StoryAction.Submit, version), writer);
        Assert.Equal(PublishOutcome.Ok, submitted.Outcome);
        var published = await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, submitted.Version), editor);
        Assert.Equal(PublishOutcome.Ok, published.Outcome);

        var afterPublish = await app.ApplyAsync(id, new StoryCommand(StoryAction.Save, published.Version, NewsroomServices.Story(section)), writer);
        Assert.Equal(PublishOutcome.Forbidden, afterPublish.Outcome);
    }

    [DatabaseFact]
    public async Task An_editor_publishes_and_the_story_is_listed_under_its_section_tags_and_authors()
    {
        var parent = await app.Content.SectionAsync();
        var sub = await app.Content.SectionAsync(parent);
        var author = await app.Content.AuthorAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var tagName = TestContent.Unique("Tag");
        var (id, version) = await app.DraftAsync(editor, NewsroomServices.Story(sub, tagName) with { AuthorIds = [author.Id] });

        var result = await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, version), editor);

        Assert.Equal(PublishOutcome.Ok, result.Outcome);
        var article = await app.ArticleAsync(id);
        Assert.Equal(ArticleStatus.Published, article.Status);
        Assert.Equal(parent.Id, article.TopSectionId);
        Assert.NotNull(article.PublishedAt);
        Assert.All(article.Tags, t => Assert.Equal(article.PublishedAt, t.ListedAt));
        Assert.All(article.Authors, a => Assert.Equal(article.PublishedAt, a.ListedAt));
        Assert.Equal(version + 1, article.Version);
        Assert.Equal(1, await app.AuditCountAsync(id, "story.publish"));

        var home = await app.PageAsync("/");
        Assert.Contains(home.StoryLinks(), p => p.EndsWith($"-{id}", StringComparison.Ordinal));
        var tag = await app.WithDbAsync(db => Task.FromResult(db.Tags.Single(t => t.Name == tagName)));
        Assert.Contains((await app.PageAsync("/tag/" + tag.Slug)).StoryLinks(), p => p.EndsWith($"-{id}", StringComparison.Ordinal));
        Assert.Contains((await app.PageAsync("/" + parent.Slug)).StoryLinks(), p => p.EndsWith($"-{id}", StringComparison.Ordinal));
    }

    [DatabaseFact]
    public async Task Editing_a_published_story_keeps_its_publication_time_and_marks_it_updated()
    {
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var (id, version) = await app.DraftAsync(editor, NewsroomServices.Story(section));
        var published = await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, version), editor);
        var first = (await app.ArticleAsync(id)).PublishedAt;

        var input = NewsroomServices.Story(section) with { Headline = "A corrected headline " + id };
        var saved = await app.ApplyAsync(id, new StoryCommand(StoryAction.Save, published.Version, input), editor);

        Assert.Equal(PublishOutcome.Ok, saved.Outcome);
        var article = await app.ArticleAsync(id);
        Assert.Equal(first, article.PublishedAt);
        Assert.NotNull(article.UpdatedAt);
        Assert.Equal(ArticleStatus.Published, article.Status);
    }

    [DatabaseFact]
    public async Task Every_save_appends_a_revision_with_who_when_and_a_snapshot()
    {
        var section = await app.Content.SectionAsync();
        var writer = await app.UserAsync(Roles.Contributor);
        var (id, version) = await app.DraftAsync(writer, NewsroomServices.Story(section));
        for (var i = 1; i <= 3; i++)
        {
            var result = await app.ApplyAsync(id, new StoryCommand(StoryAction.Save, version, NewsroomServices.Story(section) with { Headline = $"Take {i} of {id}" }), writer);
            Assert.Equal(PublishOutcome.Ok, result.Outcome);
            version = result.Version;
        }

        var revisions = await app.RevisionsAsync(id);
        Assert.Equal([1, 2, 3, 4], revisions.Select(r => r.Number));
        Assert.Equal(["create", "save", "save", "save"], revisions.Select(r => r.Action));
        Assert.All(revisions, r => Assert.Equal(writer.Name, r.UserName));
        Assert.Equal($"Take 3 of {id}", StoryInput.FromJson(revisions[^1].Snapshot).Headline);
        Assert.Equal($"Take 1 of {id}", StoryInput.FromJson(revisions[1].Snapshot).Headline);
    }

    [DatabaseFact]
    public async Task Restoring_an_old_revision_appends_a_new_one_and_loses_nothing()
    {
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var original = NewsroomServices.Story(section);
        var (id, version) = await app.DraftAsync(editor, original);
        var changed = await app.ApplyAsync(id, new StoryCommand(StoryAction.Save, version, original with { Headline = "Rewritten " + id, BodyMarkdown = "All new text." }), editor);

        var restored = await app.ApplyAsync(id, new StoryCommand(StoryAction.Restore, changed.Version, RestoreRevision: 1), editor);

        Assert.Equal(PublishOutcome.Ok, restored.Outcome);
        var article = await app.ArticleAsync(id);
        Assert.Equal(original.Headline, article.Headline);
        Assert.Equal(original.BodyMarkdown, article.BodyMarkdown);
        var revisions = await app.RevisionsAsync(id);
        Assert.Equal(3, revisions.Count);
        Assert.Equal("restore of 1", revisions[2].Action);
        Assert.Equal("Rewritten " + id, StoryInput.FromJson(revisions[1].Snapshot).Headline);
    }

    [DatabaseFact]
    public async Task A_save_on_a_stale_version_is_a_conflict_that_keeps_the_saved_story_and_reports_it()
    {
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var other = await app.UserAsync(Roles.Editor);
        var (id, version) = await app.DraftAsync(editor, NewsroomServices.Story(section));
        var theirs = NewsroomServices.Story(section) with { Headline = "Theirs " + id };
        var mine = NewsroomServices.Story(section) with { Headline = "Mine " + id };

        var first = await app.ApplyAsync(id, new StoryCommand(StoryAction.Save, version, theirs), other);
        var second = await app.ApplyAsync(id, new StoryCommand(StoryAction.Save, version, mine), editor);

        Assert.Equal(PublishOutcome.Ok, first.Outcome);
        Assert.Equal(PublishOutcome.Conflict, second.Outcome);
        Assert.Equal("Theirs " + id, second.Current!.Headline);
        Assert.Equal(first.Version, second.CurrentVersion);
        Assert.Equal(other.Name, second.CurrentBy);
        Assert.Equal("Theirs " + id, (await app.ArticleAsync(id)).Headline);

        var reconciled = await app.ApplyAsync(id, new StoryCommand(StoryAction.Save, second.CurrentVersion, mine), editor);
        Assert.Equal(PublishOutcome.Ok, reconciled.Outcome);
        Assert.Equal("Mine " + id, (await app.ArticleAsync(id)).Headline);
    }

    [DatabaseFact]
    public async Task Bad_input_is_refused_field_by_field_and_changes_nothing()
    {
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var (id, version) = await app.DraftAsync(editor, NewsroomServices.Story(section));
        var taken = (await app.ArticleAsync(id)).Slug;

        var empty = await app.CreateAsync(NewsroomServices.Story(section) with { Headline = "  " }, editor);
        var duplicate = await app.CreateAsync(NewsroomServices.Story(section) with { Slug = taken }, editor);
        var badSlug = await app.CreateAsync(NewsroomServices.Story(section) with { Slug = "Not A Slug" }, editor);
        var noSection = await app.CreateAsync(NewsroomServices.Story(section) with { SectionId = int.MaxValue }, editor);
        var past = await app.ApplyAsync(id, new StoryCommand(StoryAction.Schedule, version, ScheduleAtUtc: DateTime.UtcNow.AddMinutes(-5)), editor);

        Assert.Contains("headline", empty.Errors!.Keys);
        Assert.Contains("slug", duplicate.Errors!.Keys);
        Assert.Contains("slug", badSlug.Errors!.Keys);
        Assert.Contains("sectionId", noSection.Errors!.Keys);
        Assert.Contains("scheduleAt", past.Errors!.Keys);
        Assert.All(new[] { empty, duplicate, badSlug, noSection, past }, r => Assert.Equal(PublishOutcome.Invalid, r.Outcome));
        Assert.Equal(ArticleStatus.Draft, (await app.ArticleAsync(id)).Status);
        Assert.Single(await app.RevisionsAsync(id));
    }

    [DatabaseFact]
    public async Task Unpublishing_takes_a_story_off_home_section_and_tag_pages()
    {
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var tagName = TestContent.Unique("Tag");
        var (id, version) = await app.DraftAsync(editor, NewsroomServices.Story(section, tagName));
        var published = await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, version), editor);
        var tag = await app.WithDbAsync(db => Task.FromResult(db.Tags.Single(t => t.Name == tagName)));
        var path = Slugs.ArticlePath(section.Slug, (await app.ArticleAsync(id)).Slug, id);
        Assert.Contains(path, (await app.PageAsync("/" + section.Slug)).StoryLinks());

        var unpublished = await app.ApplyAsync(id, new StoryCommand(StoryAction.Unpublish, published.Version), editor);

        Assert.Equal(PublishOutcome.Ok, unpublished.Outcome);
        Assert.DoesNotContain(path, (await app.PageAsync("/")).StoryLinks());
        Assert.DoesNotContain(path, (await app.PageAsync("/" + section.Slug)).StoryLinks());
        Assert.DoesNotContain(path, (await app.PageAsync("/tag/" + tag.Slug)).StoryLinks());
        using var page = await app.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.All((await app.ArticleAsync(id)).Tags, t => Assert.Null(t.ListedAt));
    }

    [DatabaseFact]
    public async Task Each_write_raises_one_content_changed_with_the_keys_before_and_after()
    {
        var from = await app.Content.SectionAsync();
        var to = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var (id, version) = await app.DraftAsync(editor, NewsroomServices.Story(from));
        var published = await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, version), editor);
        var head = await app.OutboxHeadAsync();

        var moved = await app.ApplyAsync(id, new StoryCommand(StoryAction.Save, published.Version, NewsroomServices.Story(to)), editor);

        Assert.Equal(PublishOutcome.Ok, moved.Outcome);
        var change = Assert.Single(await app.EventsSinceAsync(head), c => c.ArticleId == id);
        Assert.Equal(editor.Name, change.Actor);
        Assert.Contains(ContentKeys.Section(from.Id), change.Keys);
        Assert.Contains(ContentKeys.Section(to.Id), change.Keys);
        Assert.Contains(ContentKeys.Article(id), change.Keys);
        Assert.Contains(ContentKeys.Home, change.Keys);
    }
}

public sealed class PublishingWorkflowOnSqlite(SqliteApp app) : PublishingWorkflowTests(app), IClassFixture<SqliteApp>;

public sealed class PublishingWorkflowOnPostgres(PostgresApp app) : PublishingWorkflowTests(app), IClassFixture<PostgresApp>;

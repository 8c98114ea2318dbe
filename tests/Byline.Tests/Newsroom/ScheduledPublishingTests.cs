using Byline.Content;
using Byline.Events;
using Byline.Hosting;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Byline.Tests.Newsroom;

public abstract class ScheduledPublishingTests(BylineApp app)
{
    private ScheduledPublisher Publisher(TimeProvider clock) => new(
        app.Services.GetRequiredService<IServiceScopeFactory>(),
        clock,
        new SchedulerOptions { CheckInterval = TimeSpan.FromSeconds(5) },
        app.Services.GetRequiredService<Readiness>(),
        NullLogger<ScheduledPublisher>.Instance);

    private async Task<int> ScheduledStoryAsync(Actor editor, DateTime at)
    {
        var section = await app.Content.SectionAsync();
        var (id, version) = await app.DraftAsync(editor, NewsroomServices.Story(section, TestContent.Unique("Tag")));
        var scheduled = await app.ApplyAsync(id, new StoryCommand(StoryAction.Schedule, version, ScheduleAtUtc: at), editor);
        Assert.Equal(PublishOutcome.Ok, scheduled.Outcome);
        return id;
    }

    [DatabaseFact]
    public async Task Racing_publishers_put_each_due_story_live_exactly_once()
    {
        var editor = await app.UserAsync(Roles.Editor);
        var at = DateTime.UtcNow.AddHours(1);
        var ids = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await ScheduledStoryAsync(editor, at.AddSeconds(i)));
        }
        var head = await app.OutboxHeadAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(at.AddMinutes(1)));

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Publisher(clock).PublishDueAsync(CancellationToken.None))));

        Assert.True(results.Sum() >= ids.Count, $"the publishers put {results.Sum()} live, expected at least {ids.Count}");
        foreach (var id in ids)
        {
            var article = await app.ArticleAsync(id);
            Assert.Equal(ArticleStatus.Published, article.Status);
            Assert.All(article.Tags, t => Assert.Equal(article.PublishedAt, t.ListedAt));
            var revisions = await app.RevisionsAsync(id);
            Assert.Single(revisions, r => r.Action == "publish (scheduled)");
            Assert.Equal(1, await app.AuditCountAsync(id, "story.publish"));
        }
        var events = (await app.EventsSinceAsync(head)).Where(e => e.ArticleId is { } id && ids.Contains(id)).ToList();
        Assert.Equal(ids.Count, events.Count(e => e.Reason == "story.publish"));
    }

    [DatabaseFact]
    public async Task A_story_not_yet_due_stays_scheduled()
    {
        var editor = await app.UserAsync(Roles.Editor);
        var at = DateTime.UtcNow.AddHours(3);
        var id = await ScheduledStoryAsync(editor, at);
        var clock = new FakeTimeProvider(new DateTimeOffset(at.AddSeconds(-1)));

        using var publisher = Publisher(clock);
        await publisher.PublishDueAsync(CancellationToken.None);

        Assert.Equal(ArticleStatus.Scheduled, (await app.ArticleAsync(id)).Status);
    }

    [DatabaseFact]
    public async Task On_start_it_publishes_what_fell_due_while_no_server_ran_then_wakes_for_the_next()
    {
        var editor = await app.UserAsync(Roles.Editor);
        var at = DateTime.UtcNow.AddHours(5);
        var missed = await ScheduledStoryAsync(editor, at);
        var next = await ScheduledStoryAsync(editor, at.AddMinutes(30));
        var clock = new FakeTimeProvider(new DateTimeOffset(at.AddMinutes(10)));
        using var publisher = Publisher(clock);

        await publisher.StartAsync(CancellationToken.None);
        try
        {
            await Poll.UntilAsync(async () => (await app.ArticleAsync(missed)).Status == ArticleStatus.Published, "the missed story going live");
            Assert.Equal(ArticleStatus.Scheduled, (await app.ArticleAsync(next)).Status);

            // Time passes: the publisher wakes on its own (at most every check interval) and finds the next one due.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await app.ArticleAsync(next)).Status != ArticleStatus.Published)
            {
                Assert.True(DateTime.UtcNow < deadline, "the scheduled story did not go live after its time");
                clock.Advance(TimeSpan.FromMinutes(5));
                await Task.Delay(50);
            }
        }
        finally
        {
            await publisher.StopAsync(CancellationToken.None);
        }
    }

    [DatabaseFact]
    public async Task Unscheduling_before_the_time_keeps_the_story_off_the_site()
    {
        var editor = await app.UserAsync(Roles.Editor);
        var at = DateTime.UtcNow.AddHours(2);
        var id = await ScheduledStoryAsync(editor, at);
        var version = (await app.ArticleAsync(id)).Version;
        var back = await app.ApplyAsync(id, new StoryCommand(StoryAction.ReturnToDraft, version), editor);
        Assert.Equal(PublishOutcome.Ok, back.Outcome);

        using var publisher = Publisher(new FakeTimeProvider(new DateTimeOffset(at.AddHours(1))));
        await publisher.PublishDueAsync(CancellationToken.None);

        var article = await app.ArticleAsync(id);
        Assert.Equal(ArticleStatus.Draft, article.Status);
        Assert.Null(article.PublishedAt);
    }
}

public sealed class ScheduledPublishingOnSqlite(SqliteApp app) : ScheduledPublishingTests(app), IClassFixture<SqliteApp>;

public sealed class ScheduledPublishingOnPostgres(PostgresApp app) : ScheduledPublishingTests(app), IClassFixture<PostgresApp>;

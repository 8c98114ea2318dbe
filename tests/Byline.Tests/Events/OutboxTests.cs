using System.Collections.Concurrent;
using System.Net;
using Byline.Events;
using Byline.Storage;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Search;
using Byline.Tests.Newsroom;
using Byline.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Byline.Tests.Events;

/// <summary>A durable consumer that writes down every event it is handed, in the order it gets them.</summary>
public sealed class RecordingConsumer : IContentConsumer
{
    public ConcurrentQueue<long> Seen { get; } = new();

    /// <summary>Every reason it was handed under each id.</summary>
    public ConcurrentDictionary<long, ConcurrentBag<string>> Reasons { get; } = new();

    public string Name => "test-recorder";

    public ConsumerStage Stage => ConsumerStage.Durable;

    public Task HandleAsync(ContentEventRecord change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        Seen.Enqueue(change.Id);
        Reasons.GetOrAdd(change.Id, _ => []).Add(change.Reason);
        return Task.CompletedTask;
    }
}

/// <summary>A durable consumer that throws on every publish event of the stories it is told to fail on.</summary>
public sealed class FailingConsumer : IContentConsumer
{
    public ConcurrentDictionary<int, int> FailFor { get; } = new();

    public ConcurrentDictionary<long, int> Handled { get; } = new();

    public string Name => "test-failing";

    public ConsumerStage Stage => ConsumerStage.Durable;

    public Task HandleAsync(ContentEventRecord change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.ArticleId is int id && change.Reason == "story.publish" && FailFor.TryGetValue(id, out _))
        {
            FailFor.AddOrUpdate(id, 1, (_, n) => n + 1);
            throw new InvalidOperationException($"test consumer refuses story {id}");
        }
        Handled.AddOrUpdate(change.Id, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}

/// <summary>The app with the two test consumers and short retry delays (three attempts, milliseconds apart).</summary>
internal static class OutboxSetup
{
    public static void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Byline:Events:RetryDelaySeconds", "0.01");
        builder.UseSetting("Byline:Events:MaxRetryDelaySeconds", "0.05");
        builder.UseSetting("Byline:Events:MaxAttempts", "3");
        builder.ConfigureServices(services =>
        {
            services.AddContentConsumer<RecordingConsumer>();
            services.AddContentConsumer<FailingConsumer>();
        });
    }
}

public sealed class OutboxSqliteApp : SqliteApp
{
    protected override void ConfigureHost(IWebHostBuilder builder) => OutboxSetup.Configure(builder);
}

public sealed class OutboxPostgresApp : PostgresApp
{
    protected override void ConfigureHost(IWebHostBuilder builder) => OutboxSetup.Configure(builder);
}

/// <summary>The outbox and its dispatcher: events written with the change, delivered in order, retried, set aside, pruned.</summary>
public abstract class OutboxTests(BylineApp app)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private RecordingConsumer Recorder => app.Services.GetRequiredService<RecordingConsumer>();

    private FailingConsumer Failing => app.Services.GetRequiredService<FailingConsumer>();

    private ContentEventDispatcher Dispatcher => app.Services.GetRequiredService<ContentEventDispatcher>();

    private static Task Until(Func<Task<bool>> condition, string what) => Poll.UntilAsync(condition, what, Deadline);

    private Task<ContentEventConsumer> StateAsync(string consumer) =>
        app.WithDbAsync(db => db.Set<ContentEventConsumer>().AsNoTracking().FirstAsync(c => c.Name == consumer));

    private Task<List<ContentEventFailure>> DeadLettersAsync(string consumer) =>
        app.WithDbAsync(db => db.Set<ContentEventFailure>().AsNoTracking().Where(f => f.Consumer == consumer).ToListAsync());

    private Task<bool> IndexedAsync(int id) => app.IndexedAsync(id);

    private async Task<(int Id, long Event)> PublishedAsync(Actor editor, Byline.Content.Section section, Action<int>? beforePublish = null)
    {
        var (id, version) = await app.DraftAsync(editor, NewsroomServices.Story(section));
        beforePublish?.Invoke(id);
        var head = await app.OutboxHeadAsync();
        var published = await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, version), editor);
        Assert.Equal(PublishOutcome.Ok, published.Outcome);
        var change = Assert.Single(await app.EventsSinceAsync(head), e => e.ArticleId == id);
        return (id, change.Id);
    }

    [DatabaseFact]
    public async Task A_saved_change_commits_its_event_with_keys_reason_and_actor_and_a_refused_save_commits_none()
    {
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var (id, version) = await app.DraftAsync(editor, NewsroomServices.Story(section));
        var head = await app.OutboxHeadAsync();

        var published = await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, version), editor);
        var stale = await app.ApplyAsync(id, new StoryCommand(StoryAction.Save, version, NewsroomServices.Story(section)), editor);

        Assert.Equal(PublishOutcome.Ok, published.Outcome);
        Assert.Equal(PublishOutcome.Conflict, stale.Outcome);
        var change = Assert.Single(await app.EventsSinceAsync(head));
        Assert.Equal(id, change.ArticleId);
        Assert.Equal("story.publish", change.Reason);
        Assert.Equal(editor.Name, change.Actor);
        Assert.Contains(ContentKeys.Article(id), change.Keys);
        Assert.Contains(ContentKeys.Section(section.Id), change.Keys);
        Assert.Contains(ContentKeys.Home, change.Keys);
        Assert.Contains(ContentKeys.Latest, change.Keys);
    }

    [DatabaseFact]
    public async Task A_durable_consumer_gets_every_event_in_commit_order_and_keeps_its_own_position()
    {
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var head = await app.OutboxHeadAsync();

        // Writers racing each other: the ids they commit must still reach the consumer in order.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => PublishedAsync(editor, section))));

        var committed = (await app.EventsSinceAsync(head)).Select(e => e.Id).ToList();
        Assert.Equal(16, committed.Count);
        await Until(async () => (await StateAsync(Recorder.Name)).Position >= committed[^1], "the recorder passed the last event");
        var seen = Recorder.Seen.Where(id => id > head).Distinct().ToList();
        Assert.Equal(committed, seen);
        Assert.Equal(committed[^1], (await StateAsync(Recorder.Name)).Position);
    }

    [DatabaseFact]
    public async Task An_event_whose_transaction_rolled_back_reaches_no_consumer_and_the_next_commit_of_the_same_context_reaches_them_all()
    {
        var events = app.Services.GetRequiredService<ContentEvents>();
        long kept;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            await using (var tx = await db.Database.BeginTransactionAsync())
            {
                await events.AppendAsync(db, new ContentChanged([ContentKeys.Article(990_001)], "probe: rolled back"), CancellationToken.None);
                await tx.RollbackAsync();
            }
            await using (var tx = await db.Database.BeginTransactionAsync())
            {
                kept = await events.AppendAsync(db, new ContentChanged([ContentKeys.Article(990_002)], "probe: committed"), CancellationToken.None);
                await tx.CommitAsync();
            }
            await events.CommittedAsync(db, CancellationToken.None);
        }

        await Until(async () => (await StateAsync(Recorder.Name)).Position >= kept, "the recorder passed the committed event");
        Assert.Equal(["probe: committed"], Recorder.Reasons[kept].Distinct());
        Assert.DoesNotContain(Recorder.Reasons.Values, reasons => reasons.Contains("probe: rolled back"));
        Assert.False(await app.WithDbAsync(db => db.Set<ContentEvent>().AnyAsync(e => e.Reason == "probe: rolled back")));
    }

    [DatabaseFact]
    public async Task A_consumer_that_keeps_failing_sets_the_event_aside_after_its_retries_and_never_holds_up_the_others()
    {
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);

        var (bad, badEvent) = await PublishedAsync(editor, section, id => Failing.FailFor[id] = 0);
        var (good, goodEvent) = await PublishedAsync(editor, section);

        await Until(async () => (await DeadLettersAsync(Failing.Name)).Any(f => f.EventId == badEvent), "the failing event became a dead letter");
        var letter = Assert.Single(await DeadLettersAsync(Failing.Name), f => f.EventId == badEvent);
        Assert.Equal(3, letter.Attempts);
        Assert.Equal(3, Failing.FailFor[bad]);
        await Until(async () => (await StateAsync(Failing.Name)).Position >= goodEvent, "the failing consumer moved on to later events");
        Assert.True(Failing.Handled.ContainsKey(goodEvent));
        // The other consumers were never held up: search has both stories, the recorder both events.
        Assert.True(await IndexedAsync(bad));
        Assert.True(await IndexedAsync(good));
        await Until(() => Task.FromResult(Recorder.Seen.Contains(badEvent) && Recorder.Seen.Contains(goodEvent)), "the recorder got both events");
    }

    [DatabaseFact]
    public async Task An_admin_retries_one_dead_letter_and_skips_another_on_the_events_page()
    {
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var (first, firstEvent) = await PublishedAsync(editor, section, id => Failing.FailFor[id] = 0);
        var (second, secondEvent) = await PublishedAsync(editor, section, id => Failing.FailFor[id] = 0);
        await Until(async () => (await DeadLettersAsync(Failing.Name)).Count(f => f.EventId == firstEvent || f.EventId == secondEvent) == 2, "both events are dead letters");
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var page = await admin.PageAsync("/newsroom/events");
        Assert.NotNull(page.QuerySelector($"[data-consumer='{Failing.Name}']"));
        Assert.NotNull(page.QuerySelector($"[data-dead-letters] tr[data-event='{firstEvent}']"));

        Failing.FailFor.TryRemove(first, out _);
        var attemptsOnSecond = Failing.FailFor[second];
        using var retried = await admin.SubmitAsync("/newsroom/events", new Dictionary<string, string>(), $"tr[data-event='{firstEvent}'] form[data-form=retry]");
        using var skipped = await admin.SubmitAsync("/newsroom/events", new Dictionary<string, string>(), $"tr[data-event='{secondEvent}'] form[data-form=skip]");

        Assert.Equal(HttpStatusCode.Redirect, retried.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, skipped.StatusCode);
        Assert.DoesNotContain(await DeadLettersAsync(Failing.Name), f => f.EventId == firstEvent || f.EventId == secondEvent);
        Assert.Equal(1, Failing.Handled[firstEvent]);
        Assert.False(Failing.Handled.ContainsKey(secondEvent));
        Assert.Equal(attemptsOnSecond, Failing.FailFor[second]);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == AuditActions.EventRetried)));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == AuditActions.EventSkipped)));
    }

    [DatabaseFact]
    public async Task Events_past_the_retention_that_every_consumer_passed_are_pruned_but_not_the_newest_nor_a_dead_letters()
    {
        var old = DateTime.UtcNow.AddDays(-30);
        var rows = await app.WithDbAsync(async db =>
        {
            var list = Enumerable.Range(0, 3).Select(i => new ContentEvent { CreatedAt = old, Keys = ContentKeys.Article(900_000 + i), Reason = "old", Actor = "test" }).ToList();
            db.Set<ContentEvent>().AddRange(list);
            await db.SaveChangesAsync();
            db.Set<ContentEventFailure>().Add(new ContentEventFailure { Consumer = "test-failing", EventId = list[1].Id, Attempts = 3, Error = "kept for a retry", FailedAt = old });
            await db.SaveChangesAsync();
            return list;
        });
        await app.Content.RaiseAsync("fresh", ContentKeys.Latest);
        var head = await app.OutboxHeadAsync();
        Assert.True(await Dispatcher.WaitForDurableAsync(head, Deadline, CancellationToken.None));
        await Dispatcher.DeliverLocalAsync(CancellationToken.None);

        var pruned = await Dispatcher.PruneAsync(CancellationToken.None);

        Assert.True(pruned >= 2, $"pruned {pruned}");
        var left = await app.WithDbAsync(db => db.Set<ContentEvent>().Select(e => e.Id).ToListAsync());
        Assert.DoesNotContain(rows[0].Id, left);
        Assert.Contains(rows[1].Id, left);
        Assert.DoesNotContain(rows[2].Id, left);
        Assert.Contains(head, left);
    }

    [DatabaseFact]
    public void Consumers_run_data_caches_then_pages_then_durable_ones_whatever_order_they_were_registered_in()
    {
        var registered = app.Services.GetServices<IContentConsumer>().ToList();
        var reversed = new ContentEventDispatcher(Enumerable.Reverse(registered), app.Services.GetRequiredService<IServiceScopeFactory>(),
            app.Services.GetRequiredService<IOptionsMonitor<EventsOptions>>(), TimeProvider.System, NullLogger<ContentEventDispatcher>.Instance);

        var order = Dispatcher.Consumers.Select(c => c.Name).ToList();

        Assert.Equal(order, reversed.Consumers.Select(c => c.Name).ToList());
        Assert.True(order.IndexOf("story-lists") < order.IndexOf("output-cache"));
        Assert.True(order.IndexOf("shows") < order.IndexOf("output-cache"));
        Assert.True(order.IndexOf("site-settings") < order.IndexOf("output-cache"));
        Assert.True(order.IndexOf("output-cache") < order.IndexOf("search-index"));
        Assert.Equal(Dispatcher.Consumers.Select(c => c.Stage).Order().ToList(), Dispatcher.Consumers.Select(c => c.Stage).ToList());
        reversed.Dispose();
    }

    [DatabaseFact]
    public async Task A_batch_naming_stories_reindexes_just_them_and_a_change_to_their_tag_reindexes_every_story_under_it()
    {
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var tag = await app.Content.TagAsync();
        var (older, _) = await PublishedAsync(editor, section);
        var (named, _) = await PublishedAsync(editor, section);
        await app.WithDbAsync(async db =>
        {
            db.ArticleTags.AddRange(new Byline.Content.ArticleTag { ArticleId = older, TagId = tag.Id }, new Byline.Content.ArticleTag { ArticleId = named, TagId = tag.Id });
            await db.SaveChangesAsync();
            return await db.Articles.Where(a => a.Id == older || a.Id == named).ExecuteUpdateAsync(u => u.SetProperty(a => a.Headline, "Retitled behind the index's back"));
        });

        // An import batch names its stories and, for their pages, their tags: only the stories are re-indexed.
        await ChangedAsync(new ContentChanged([ContentKeys.Article(named), ContentKeys.Tag(tag.Id), ContentKeys.Home], "import: test"));
        var drift = await VerifyAsync(repair: false);
        Assert.DoesNotContain(named, drift.Stale);
        Assert.Contains(older, drift.Stale);

        // The tag itself changed (renamed): every story carrying it is indexed by the new name.
        await ChangedAsync(new ContentChanged([ContentKeys.Tag(tag.Id), ContentKeys.Sitemaps], "tag saved"));
        Assert.DoesNotContain(older, (await VerifyAsync(repair: false)).Stale);
    }

    private async Task ChangedAsync(ContentChanged change)
    {
        var head = await app.OutboxHeadAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ContentEvents>().SaveAsync(scope.ServiceProvider.GetRequiredService<BylineDb>(), change, CancellationToken.None);
        }
        var appended = Assert.Single(await app.EventsSinceAsync(head));
        await Until(async () => (await StateAsync("search-index")).Position >= appended.Id, "the search index passes the event");
    }

    [DatabaseFact]
    public async Task Search_verify_finds_missing_extra_and_stale_entries_and_repairs_them()
    {
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var (missing, _) = await PublishedAsync(editor, section);
        var (stale, _) = await PublishedAsync(editor, section);
        var (draft, _) = await app.DraftAsync(editor, NewsroomServices.Story(section));
        // A draft's save does not wait for search: let the index pass it before planting the drift.
        var head = await app.OutboxHeadAsync();
        await Until(async () => (await StateAsync("search-index")).Position >= head, "the search index passes the draft's event");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var index = scope.ServiceProvider.GetRequiredService<ISearchIndex>();
            await index.DeleteAsync(missing, CancellationToken.None);
            await index.UpsertAsync(new SearchDocument(draft, "A draft nobody published", "", "", "", "", DateTime.UtcNow, section.Id, section.Id), CancellationToken.None);
        }
        await app.WithDbAsync(db => db.Articles.Where(a => a.Id == stale).ExecuteUpdateAsync(u => u.SetProperty(a => a.Headline, "Retitled behind the index's back")));

        var found = await VerifyAsync(repair: false);
        Assert.Contains(missing, found.Missing);
        Assert.Contains(draft, found.Extra);
        Assert.Contains(stale, found.Stale);
        var repaired = await VerifyAsync(repair: true);
        var after = await VerifyAsync(repair: false);

        Assert.Equal(found.Total, repaired.Total);
        Assert.Equal(0, after.Total);
        Assert.True(await IndexedAsync(missing));
        Assert.False(await IndexedAsync(draft));
    }

    [DatabaseFact]
    public async Task The_search_verify_verb_exits_2_on_drift_with_dry_run_and_repairs_without_it()
    {
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var (missing, _) = await PublishedAsync(editor, section);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ISearchIndex>().DeleteAsync(missing, CancellationToken.None);
        }
        string[] config = [$"--ConnectionStrings:Byline={app.ConnectionString}", $"--Byline:Database:Provider={app.Database}"];

        var dry = await Byline.Cli.BylineCli.RunAsync(["search", "verify", "--dry-run", .. config]);
        Assert.False(await IndexedAsync(missing));
        var fix = await Byline.Cli.BylineCli.RunAsync(["search", "verify", .. config]);
        var again = await Byline.Cli.BylineCli.RunAsync(["search", "verify", "--dry-run", .. config]);

        Assert.Equal(2, dry);
        Assert.Equal(0, fix);
        Assert.Equal(0, again);
        Assert.True(await IndexedAsync(missing));
    }

    private async Task<SearchDrift> VerifyAsync(bool repair)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SearchVerifier>().VerifyAsync(repair, null, CancellationToken.None);
    }
}

public sealed class OutboxOnSqlite(OutboxSqliteApp app) : OutboxTests(app), IClassFixture<OutboxSqliteApp>;

public sealed class OutboxOnPostgres(OutboxPostgresApp app) : OutboxTests(app), IClassFixture<OutboxPostgresApp>;

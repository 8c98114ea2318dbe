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

namespace Byline.Tests.Events;

/// <summary>Starts with durable delivery down, as a process killed right after its commits leaves things.</summary>
public sealed class DeliveryDownSqliteApp : SqliteApp
{
    protected override void ConfigureHost(IWebHostBuilder builder) => builder.UseSetting("Byline:Events:PauseDurable", "true");
}

public sealed class DeliveryDownPostgresApp : PostgresApp
{
    protected override void ConfigureHost(IWebHostBuilder builder) => builder.UseSetting("Byline:Events:PauseDurable", "true");
}

/// <summary>
/// Crash safety: changes committed while nothing delivered them to search (the process died between
/// its commits and its consumers) reach search when the site starts again, and the pages are right.
/// One test per class: it restarts the app.
/// </summary>
public abstract class OutboxCrashTests(BylineApp app)
{
    [DatabaseFact]
    public async Task Changes_committed_before_a_crash_reach_search_when_the_site_starts_again()
    {
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        // A story that was live and searchable before the crash…
        var (gone, goneVersion) = await app.DraftAsync(editor, NewsroomServices.Story(section));
        var live = await app.ApplyAsync(gone, new StoryCommand(StoryAction.Publish, goneVersion), editor);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<SearchIndexSync>().SyncAsync(gone, CancellationToken.None);
        }
        Assert.True(await app.IndexedAsync(gone));
        // …is unpublished, and another is published, and then the process dies before search hears of either.
        var unpublished = await app.ApplyAsync(gone, new StoryCommand(StoryAction.Unpublish, live.Version), editor);
        var (fresh, freshVersion) = await app.DraftAsync(editor, NewsroomServices.Story(section));
        var published = await app.ApplyAsync(fresh, new StoryCommand(StoryAction.Publish, freshVersion), editor);
        Assert.Equal(PublishOutcome.Ok, unpublished.Outcome);
        Assert.Equal(PublishOutcome.Ok, published.Outcome);
        Assert.True(await app.IndexedAsync(gone));
        Assert.False(await app.IndexedAsync(fresh));
        var head = await app.OutboxHeadAsync();

        await app.RestartAsync(new Dictionary<string, string?> { ["Byline:Events:PauseDurable"] = "false" });

        var dispatcher = app.Services.GetRequiredService<ContentEventDispatcher>();
        Assert.True(await dispatcher.WaitForDurableAsync(head, TimeSpan.FromSeconds(60), CancellationToken.None), "the durable consumers did not catch up after the restart");
        Assert.False(await app.IndexedAsync(gone));
        Assert.True(await app.IndexedAsync(fresh));
        // The node writes its position back shortly after it moved (Byline:Events:PositionSaveSeconds), not on every event.
        await Poll.UntilAsync(() => app.WithDbAsync(db => db.Set<ContentEventConsumer>().Where(c => c.Name == "search-index").Select(c => c.Position).FirstAsync()),
            position => position == head, "search's stored position reaches the newest event");
        var story = await app.WithDbAsync(db => db.Articles.Where(a => a.Id == fresh).Select(a => new { a.Slug, a.Headline }).FirstAsync());
        var goneSlug = await app.WithDbAsync(db => db.Articles.Where(a => a.Id == gone).Select(a => a.Slug).FirstAsync());
        var word = story.Headline.Split(' ')[1];
        Assert.Equal([$"/{section.Slug}/{story.Slug}-{fresh}"], (await app.PageAsync("/search?q=" + word)).StoryLinks());
        using var freshPage = await app.GetAsync($"/{section.Slug}/{story.Slug}-{fresh}");
        using var gonePage = await app.GetAsync($"/{section.Slug}/{goneSlug}-{gone}");
        Assert.Equal(HttpStatusCode.OK, freshPage.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gonePage.StatusCode);
    }
}

public sealed class OutboxCrashOnSqlite(DeliveryDownSqliteApp app) : OutboxCrashTests(app), IClassFixture<DeliveryDownSqliteApp>;

public sealed class OutboxCrashOnPostgres(DeliveryDownPostgresApp app) : OutboxCrashTests(app), IClassFixture<DeliveryDownPostgresApp>;

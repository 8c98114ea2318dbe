using System.Net;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Newsroom;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Nodes;

/// <summary>
/// Reader reads on a PostgreSQL streaming replica (docs/scaling.md, "A read replica"): a real hot
/// standby made with pg_basebackup from the suites' server, whose replay the tests pause and resume and
/// which they stop and start again. Redis carries the evictions between the nodes, as in production.
/// </summary>
public sealed class ReplicaTests(ReplicaNodesApp app) : IClassFixture<ReplicaNodesApp>
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(60);

    /// <summary>A node that waits for the replica as long as any test runs.</summary>
    private static readonly Dictionary<string, string> Patient = new() { ["Byline:Database:Replica:MaxLagSeconds"] = "600" };

    [DatabaseFact]
    public async Task A_story_published_on_the_primary_turns_fresh_once_the_replica_has_it_and_is_never_cached_stale()
    {
        await using var b = await app.StartNodeAsync(settings: Patient);
        var health = await InUseAsync(b.Services);
        var (headline, path, publish) = await DraftAsync();
        Assert.DoesNotContain(headline, await NodesTests.WarmAsync(b.Client, path), StringComparison.Ordinal);

        await app.Replica.PauseReplayAsync();
        try
        {
            var eventId = await publish();
            await Poll.UntilAsync(() => Task.FromResult(health.AwaitedEvent >= eventId),
                "node B holds the publish's eviction until the replica has replayed it", Quick);
            Assert.False(await app.Replica.HasEventAsync(app.ConnectionString, eventId));
            // A page first rendered now reads the replica, which does not have the story yet.
            Assert.DoesNotContain(headline, await NodesTests.BodyAsync(b.Client, "/"), StringComparison.Ordinal);
        }
        finally
        {
            await app.Replica.ResumeReplayAsync();
        }

        // The eviction came after the replay: the pages rendered from the replica meanwhile are gone,
        // and what is cached now is current.
        foreach (var page in new[] { path, "/" })
        {
            await Poll.UntilAsync(async () => (await NodesTests.BodyAsync(b.Client, page)).Contains(headline, StringComparison.Ordinal),
                $"node B's {page} shows the story once the replica has it", Quick);
            Assert.Contains(headline, await NodesTests.WarmAsync(b.Client, page), StringComparison.Ordinal);
        }
    }

    [DatabaseFact]
    public async Task A_replica_paused_past_the_bound_sends_reads_to_the_primary_and_no_stale_page_is_kept()
    {
        var health = await InUseAsync(app.Services);
        var (headline, path, publish) = await DraftAsync();
        Assert.DoesNotContain(headline, await NodesTests.WarmAsync(app.Client, path), StringComparison.Ordinal);

        await app.Replica.PauseReplayAsync();
        try
        {
            var eventId = await publish();
            // Node A waits up to its bound (2 s) for the replica, then evicts and reads the primary.
            await Poll.UntilAsync(async () => (await NodesTests.BodyAsync(app.Client, path)).Contains(headline, StringComparison.Ordinal),
                "node A's section page shows the story, read from the primary", Quick);
            Assert.False(health.InUse);
            Assert.False(await app.Replica.HasEventAsync(app.ConnectionString, eventId));
            Assert.Contains(headline, await NodesTests.WarmAsync(app.Client, path), StringComparison.Ordinal);
            using var ready = await app.GetAsync("/healthz/ready");
            var report = await ready.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Contains("replica: Degraded", report, StringComparison.Ordinal);
        }
        finally
        {
            await app.Replica.ResumeReplayAsync();
        }
        await InUseAsync(app.Services);
        Assert.Contains(headline, await NodesTests.BodyAsync(app.Client, path), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task With_the_replica_stopped_pages_are_still_served()
    {
        var health = await InUseAsync(app.Services);
        var (headline, path, publish) = await DraftAsync();
        await app.Replica.StopServerAsync();
        try
        {
            // The first reads after the stop may still pick the replica: they are answered from the primary.
            Assert.DoesNotContain(headline, await NodesTests.BodyAsync(app.Client, "/"), StringComparison.Ordinal);
            await publish();
            await Poll.UntilAsync(async () => (await NodesTests.BodyAsync(app.Client, path)).Contains(headline, StringComparison.Ordinal),
                "the section page shows the story with the replica down", Quick);
            Assert.False(health.InUse);
            Assert.Contains(headline, await NodesTests.BodyAsync(app.Client, "/"), StringComparison.Ordinal);
        }
        finally
        {
            await app.Replica.StartServerAsync();
        }
        await InUseAsync(app.Services);
    }

    /// <summary>Waits until the node reads the replica (at the start, or again once it caught up or came back).</summary>
    private static async Task<ReplicaHealth> InUseAsync(IServiceProvider node)
    {
        var health = node.GetRequiredService<ReplicaHealth>();
        await Poll.UntilAsync(() => Task.FromResult(health.InUse), "the node reads the replica", Quick);
        return health;
    }

    /// <summary>A draft in a fresh section; the function publishes it on node A and returns its publish event's id.</summary>
    private async Task<(string Headline, string Path, Func<Task<long>> Publish)> DraftAsync()
    {
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var input = NewsroomServices.Story(section);
        var (id, version) = await app.DraftAsync(editor, input);
        return (input.Headline, $"/{section.Slug}", async () =>
        {
            var published = await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, version), editor);
            Assert.Equal(PublishOutcome.Ok, published.Outcome);
            return await app.WithDbAsync(db => db.Set<ContentEvent>().Where(e => e.ArticleId == id).MaxAsync(e => e.Id));
        });
    }
}

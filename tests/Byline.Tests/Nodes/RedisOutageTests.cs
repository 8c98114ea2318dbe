using Byline.Content;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Newsroom;
using Byline.Tests.Support;

namespace Byline.Tests.Nodes;

/// <summary>Publishing on node A, checked on node B, for the outage suites below.</summary>
internal static class CrossNode
{
    public static async Task<string> PublishOnAsync(BylineApp app, Section section)
    {
        var editor = await app.UserAsync(Roles.Editor);
        var input = NewsroomServices.Story(section);
        var (id, version) = await app.DraftAsync(editor, input);
        Assert.Equal(PublishOutcome.Ok, (await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, version), editor)).Outcome);
        return input.Headline;
    }

    public static Task ShowsAsync(BylineNode node, string path, string headline, string what) =>
        Poll.UntilAsync(async () => (await NodesTests.BodyAsync(node.Client, path)).Contains(headline, StringComparison.Ordinal), what, TimeSpan.FromSeconds(30));
}

/// <summary>
/// Redis restarted while the nodes run (the outbox poll is ten minutes here): what was published while
/// it was away reaches node B as soon as its connection comes back, and later publishes travel over
/// Redis again.
/// </summary>
public sealed class RedisRestartTests(OwnRedisNodesApp app) : IClassFixture<OwnRedisNodesApp>
{
    [DatabaseFact]
    public async Task Nodes_catch_up_from_the_outbox_when_Redis_comes_back_and_then_follow_it_again()
    {
        await using var b = await app.StartNodeAsync();
        var section = await app.Content.SectionAsync();
        var path = $"/{section.Slug}";
        await NodesTests.BodyAsync(b.Client, path);

        await app.Redis.StopAsync();
        await Poll.UntilAsync(() => Task.FromResult(!NodeKit.RedisConnected(b.Services)), "node B notices Redis is gone");
        var duringOutage = await CrossNode.PublishOnAsync(app, section);
        // Pages are still served while Redis is away.
        Assert.Contains(duringOutage, await NodesTests.BodyAsync(app.Client, path), StringComparison.Ordinal);
        await NodesTests.BodyAsync(b.Client, path);

        await app.Redis.StartAsync();
        await CrossNode.ShowsAsync(b, path, duringOutage, "node B shows the story published while Redis was down, once it is back");
        await Poll.UntilAsync(() => Task.FromResult(NodeKit.RedisConnected(app.Services) && NodeKit.RedisConnected(b.Services)), "both nodes reconnect");

        var afterRestart = await CrossNode.PublishOnAsync(app, section);
        await CrossNode.ShowsAsync(b, path, afterRestart, "node B shows a story published after the restart");
    }
}

/// <summary>Redis down for good, with the default one-second outbox poll: pages are served and evictions still reach every node.</summary>
public sealed class RedisDownTests(PollingNodesApp app) : IClassFixture<PollingNodesApp>
{
    [DatabaseFact]
    public async Task With_Redis_down_a_node_starts_pages_are_served_and_evictions_come_from_the_outbox()
    {
        await app.Redis.StopAsync();
        try
        {
            // Node B starts while Redis is down.
            await using var b = await app.StartNodeAsync();
            var section = await app.Content.SectionAsync();
            var path = $"/{section.Slug}";
            await NodesTests.BodyAsync(b.Client, path);
            var headline = await CrossNode.PublishOnAsync(app, section);
            await CrossNode.ShowsAsync(b, path, headline, "node B shows the story with Redis down");
        }
        finally
        {
            await app.Redis.StartAsync();
        }
    }
}

/// <summary>Several nodes on PostgreSQL without Redis: a commit's NOTIFY wakes the other nodes (the poll is ten minutes here).</summary>
public sealed class NotifyNodesTests(NotifyNodesApp app) : IClassFixture<NotifyNodesApp>
{
    [DatabaseFact]
    public async Task Without_Redis_a_publish_on_node_A_reaches_node_B_through_LISTEN_and_NOTIFY()
    {
        await using var b = await app.StartNodeAsync();
        var section = await app.Content.SectionAsync();
        var path = $"/{section.Slug}";
        await NodesTests.BodyAsync(b.Client, path);
        await NodesTests.BodyAsync(b.Client, path);

        var headline = await CrossNode.PublishOnAsync(app, section);

        await CrossNode.ShowsAsync(b, path, headline, "node B shows the story, woken by NOTIFY");
    }
}

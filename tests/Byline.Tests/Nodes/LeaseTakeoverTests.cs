using System.Globalization;
using Byline.Storage;
using Byline.Tests.Hosting;
using Byline.Tests.Support;
using Byline.Tests.Webhooks;
using Byline.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Nodes;

/// <summary>
/// A node killed (SIGKILL, a process of its own) while it holds the outbox's webhooks lease: another node
/// takes the lease over once it expires (two seconds here) and the webhook of a story published after the
/// kill is delivered, once.
/// </summary>
public sealed class LeaseTakeoverTests(LeaseNodesApp app) : IClassFixture<LeaseNodesApp>
{
    [DatabaseFact]
    public async Task A_node_killed_while_holding_the_outbox_lease_is_taken_over_and_the_webhook_is_delivered_once()
    {
        var path = $"/takeover/{Guid.NewGuid():N}";
        var (subscription, _) = await app.SubscribeAsync(app.Receiver, path, WebhookEventTypes.StoryPublished);
        var settings = app.NodeSettings().ToDictionary(kv => kv.Key.Replace(":", "__", StringComparison.Ordinal), kv => kv.Value);
        settings["Byline__Events__PauseDurable"] = "false";

        var first = await ChildServer.StartAsync(app, 4096, settings);
        int firstPid;
        try
        {
            firstPid = first.ProcessId;
            await Poll.UntilAsync(() => HeldByAsync(firstPid), held => held, "the first child node takes the webhooks lease");
        }
        finally
        {
            await first.DisposeAsync();
        }

        await using var second = await ChildServer.StartAsync(app, 4096, settings);
        var story = await CrossNode.PublishOnAsync(app, await app.Content.SectionAsync());

        await Poll.UntilAsync(() => HeldByAsync(second.ProcessId), held => held, "the second node takes the lease over");
        await app.Receiver.WaitForAsync(h => h.Any(x => x.Path == path), TimeSpan.FromSeconds(60), "the webhook of the story published after the kill");
        var deliveries = await Poll.UntilAsync(() => app.DeliveriesAsync(subscription),
            d => d.Count >= 1 && d.All(x => x.Status != WebhookDeliveryStatus.Pending), "the delivery is settled");
        Assert.Equal(WebhookDeliveryStatus.Delivered, Assert.Single(deliveries).Status);
        var received = Assert.Single(app.Receiver.At(path));
        Assert.Contains(story, received.Body, StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task A_node_stopped_gracefully_gives_its_outbox_lease_up_so_the_next_one_carries_on_at_once()
    {
        var settings = app.NodeSettings().ToDictionary(kv => kv.Key.Replace(":", "__", StringComparison.Ordinal), kv => kv.Value);
        settings["Byline__Events__PauseDurable"] = "false";
        var child = await ChildServer.StartAsync(app, 4096, settings);
        try
        {
            await Poll.UntilAsync(() => HeldByAsync(child.ProcessId), held => held, "the child node takes the webhooks lease");
            await child.StopAsync(TimeSpan.FromSeconds(60));

            // A deploy's restart: without this, the next node waited out the whole lease (30 s by default) before delivering.
            var rows = await app.WithDbAsync(db => db.Set<ContentEventConsumer>().AsNoTracking().ToListAsync());
            var webhooks = Assert.Single(rows, r => r.Name == "webhooks");
            Assert.Null(webhooks.LeaseOwner);
            Assert.Null(webhooks.LeaseUntil);
            Assert.DoesNotContain(rows, r => r.LeaseOwner is { } owner && owner.Contains(":" + child.ProcessId.ToString(CultureInfo.InvariantCulture) + ":", StringComparison.Ordinal));
        }
        finally
        {
            await child.DisposeAsync();
        }
    }

    private Task<bool> HeldByAsync(int pid) => app.WithDbAsync(async db =>
    {
        var now = DateTime.UtcNow;
        var row = await db.Set<ContentEventConsumer>().AsNoTracking().FirstOrDefaultAsync(c => c.Name == "webhooks");
        return row is { LeaseOwner: { } owner } && row.LeaseUntil > now
            && owner.Contains(":" + pid.ToString(CultureInfo.InvariantCulture) + ":", StringComparison.Ordinal);
    });
}

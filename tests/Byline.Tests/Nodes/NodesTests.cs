using System.Net;
using System.Net.Http.Headers;
using Byline.Caching;
using Byline.Content;
using Byline.Events;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.LiveBlogs;
using Byline.Tests.Newsroom;
using Byline.Tests.Support;
using Byline.Tests.Webhooks;
using Byline.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Nodes;

/// <summary>
/// Two or three Byline nodes on one PostgreSQL database and one Redis, each on its own Kestrel, with
/// nginx balancing between them (docs/scaling.md). The outbox poll is ten minutes: what turns fresh on
/// another node within a test was carried by Redis.
/// </summary>
public sealed class NodesTests(NodesApp app) : IClassFixture<NodesApp>
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(30);

    [DatabaseFact]
    public async Task Publishing_on_node_A_makes_the_page_fresh_on_node_B_behind_the_balancer()
    {
        await using var b = await app.StartNodeAsync();
        await using var nginx = await NginxBalancer.StartAsync(app.Client.BaseAddress!, b.BaseAddress);
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var input = NewsroomServices.Story(section);
        var (id, version) = await app.DraftAsync(editor, input);
        var path = $"/{section.Slug}";
        // Node B holds the section page in its output cache, without the story.
        Assert.DoesNotContain(input.Headline, await WarmAsync(b.Client, path), StringComparison.Ordinal);
        Assert.DoesNotContain(input.Headline, await WarmAsync(app.Client, path), StringComparison.Ordinal);

        var published = await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, version), editor);
        Assert.Equal(PublishOutcome.Ok, published.Outcome);

        await Poll.UntilAsync(async () => (await BodyAsync(b.Client, path)).Contains(input.Headline, StringComparison.Ordinal),
            "node B's section page shows the story published on node A", Quick);
        // Through the balancer, both nodes answer and neither serves the old copy.
        var upstreams = new HashSet<string>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await nginx.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(input.Headline, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            upstreams.Add(response.Headers.GetValues("X-Upstream").Single());
        }
        Assert.Equal(2, upstreams.Count);
    }

    [DatabaseFact]
    public async Task A_live_update_posted_on_node_A_reaches_a_reader_on_node_B()
    {
        await using var b = await app.StartNodeAsync();
        var section = await app.Content.SectionAsync();
        var blog = await LiveBlogKit.CreateAsync(app, section);
        using var deadline = new CancellationTokenSource(Quick);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/live-updates/{blog.Id}", UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
#pragma warning disable CA2000 // the EventStream owns the response and disposes it
        var response = await b.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var stream = new EventStream(new HttpRequestMessage(), response, new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token)));
#pragma warning restore CA2000
        Assert.Equal("reset", (await stream.NextAsync(deadline.Token)).Type);

        var posted = await LiveBlogKit.PostAsync(app, blog.Id, "Posted on node A.", "Across nodes");

        var message = await stream.NextAsync(deadline.Token);
        Assert.Equal("update", message.Type);
        Assert.Equal(posted, message.Id);
        Assert.Contains("Posted on node A.", message.Html, StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Sign_in_attempts_spend_one_budget_across_nodes()
    {
        await using var b = await app.StartNodeAsync();
        // The limit is 4 posts a minute per address, counted in one-minute windows. A round starts in a window of its own:
        // not in the last quarter of a minute, and never in a window an earlier round's attempts already spent from.
        var spent = -1;
        for (var round = 0; round < 3; round++)
        {
            await Poll.UntilAsync(() => Task.FromResult(DateTime.UtcNow.Second < 45 && DateTime.UtcNow.Minute != spent),
                "a fresh one-minute window with time to spare", TimeSpan.FromSeconds(130));
            var minute = DateTime.UtcNow.Minute;
            using var onA = NewsroomClient.Anonymous(app);
            using var onB = onA.Via(b);
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 6; i++)
            {
                var client = i % 2 == 0 ? onA : onB;
                using var response = await client.SignInAsync("nobody-" + Guid.NewGuid().ToString("N")[..8] + "@example.test", "wrong-password");
                statuses.Add(response.StatusCode);
            }
            if (DateTime.UtcNow.Minute != minute)
            {
                // Some attempts fell into the next window: the round after waits for the one after that.
                spent = DateTime.UtcNow.Minute;
                continue;
            }
            // Each node alone would allow 4 (3 posts each here); together the fifth and sixth are refused.
            Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(4));
            Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses.Skip(4));
            return;
        }
        Assert.Fail("the minute turned during every round");
    }

    [DatabaseFact]
    public async Task A_story_scheduled_with_three_nodes_racing_goes_live_once_and_its_webhook_is_delivered_once()
    {
        var path = $"/race/{Guid.NewGuid():N}";
        var (subscription, _) = await app.SubscribeAsync(app.Receiver, path, WebhookEventTypes.StoryPublished);
        await using var b = await app.StartNodeAsync();
        await using var c = await app.StartNodeAsync();
        var section = await app.Content.SectionAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var (id, version) = await app.DraftAsync(editor, NewsroomServices.Story(section));
        var at = DateTime.UtcNow.AddSeconds(2);
        var scheduled = await app.ApplyAsync(id, new StoryCommand(StoryAction.Schedule, version, ScheduleAtUtc: at), editor);
        Assert.Equal(PublishOutcome.Ok, scheduled.Outcome);

        // Each node's scheduler checks every 0.2 s; on top of that, all three are asked at once, again and again, until it is live.
        IServiceProvider[] nodes = [app.Services, b.Services, c.Services];
        await Poll.UntilAsync(async () =>
        {
            await Task.WhenAll(nodes.Select(n => n.GetRequiredService<ScheduledPublisher>().PublishDueAsync(CancellationToken.None)));
            return await app.WithDbAsync(db => db.Articles.Where(a => a.Id == id).Select(a => a.Status).FirstAsync()) == ArticleStatus.Published;
        }, "the scheduled story goes live", Quick);

        var hooks = await app.Receiver.WaitForAsync(h => h.Any(x => x.Path == path), Quick, "the story.published webhook");
        var head = await app.WithDbAsync(db => db.Set<ContentEvent>().MaxAsync(e => e.Id));
        foreach (var node in nodes)
        {
            Assert.True(await node.GetRequiredService<ContentEventDispatcher>().WaitForDurableAsync(head, Quick, CancellationToken.None),
                "every durable consumer passed the publish event");
        }
        var deliveries = await Poll.UntilAsync(() => app.DeliveriesAsync(subscription),
            d => d.Count >= 1 && d.All(x => x.Status != WebhookDeliveryStatus.Pending), "the delivery is settled", Quick);

        Assert.Equal(1, await app.WithDbAsync(db => db.Set<ContentEvent>().CountAsync(e => e.ArticleId == id && e.Reason == "story.publish")));
        Assert.Equal(1, await app.AuditCountAsync(id, "story.publish"));
        Assert.Equal(WebhookDeliveryStatus.Delivered, Assert.Single(deliveries).Status);
        Assert.Single(app.Receiver.At(path));
        Assert.Single(hooks.Where(h => h.Path == path).Select(h => h.Id).Distinct());
    }

    /// <summary>
    /// Asks for a page until this node serves it from its cache. An eviction still travelling from an
    /// earlier step may drop the first copy, so the page is asked for again (within the deadline)
    /// rather than expected to be cached at the second request.
    /// </summary>
    internal static async Task<string> WarmAsync(HttpClient client, string path)
    {
        var (status, cache, body) = await Poll.UntilAsync(async () =>
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            var header = response.Headers.TryGetValues(CacheHeaders.XCache, out var v) ? v.Single() : null;
            return (response.StatusCode, header, await response.Content.ReadAsStringAsync());
        }, r => r.StatusCode != HttpStatusCode.OK || r.header == "HIT", $"{path} is served from the node's cache");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("HIT", cache);
        return body;
    }

    internal static async Task<string> BodyAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}

using Byline.Hosting;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Hosting;
using Byline.Tests.Newsroom;
using Byline.Tests.Support;
using Byline.Webhooks;

namespace Byline.Tests.Webhooks;

/// <summary>The fixture's own node queues and sends nothing: the child processes started by the test do all the delivering.</summary>
public sealed class QuietWebhookSqliteApp : SqliteApp
{
    public WebhookReceiver Receiver { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string> Settings { get; } =
        new Dictionary<string, string>(WebhookSettings.Fast(sending: false)) { ["Byline:Events:PauseDurable"] = "true" };

    public override async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

public sealed class QuietWebhookPostgresApp : PostgresApp
{
    public WebhookReceiver Receiver { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string> Settings { get; } =
        new Dictionary<string, string>(WebhookSettings.Fast(sending: false)) { ["Byline:Events:PauseDurable"] = "true" };

    public override async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

/// <summary>
/// No event is lost when the delivering process is killed (SIGKILL, no shutdown) in the middle of sending:
/// a new process on the same database delivers every (subscription, event) at least once, and the
/// duplicates carry the webhook-id of the delivery they repeat.
/// </summary>
public abstract class WebhookCrashTests(BylineApp app, WebhookReceiver receiver)
{
    private const int Subscriptions = 10;
    private const int Stories = 12;

    [DatabaseFact]
    public async Task Killing_the_delivering_process_mid_delivery_loses_no_event()
    {
        var paths = Enumerable.Range(0, Subscriptions).Select(i => $"/gated/{Guid.NewGuid():N}").ToList();
        foreach (var path in paths)
        {
            await app.SubscribeAsync(receiver, path, WebhookEventTypes.StoryPublished);
        }
        var editor = await app.UserAsync(Roles.Editor);
        var section = await app.Content.SectionAsync();
        var stories = new List<int>();
        for (var i = 0; i < Stories; i++)
        {
            var (id, v) = await app.DraftAsync(editor, NewsroomServices.Story(section));
            Assert.Equal(PublishOutcome.Ok, (await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, v), editor)).Outcome);
            stories.Add(id);
        }
        var expected = Subscriptions * Stories;
        var child = new Dictionary<string, string>(WebhookSettings.Fast())
        {
            // Few requests at once: with the receiver's gate admitting only a fifth, the process is killed halfway for certain.
            ["Byline__Webhooks__MaxConcurrency"] = "4",
        };
        var settings = child.ToDictionary(kv => kv.Key.Replace(":", "__", StringComparison.Ordinal), kv => kv.Value);

        receiver.Admit(expected / 5);
        var first = await ChildServer.StartAsync(app, 4096, settings);
        try
        {
            // A fifth answered and more held at the gate: the process is killed with deliveries in flight.
            await receiver.WaitForAsync(h => Mine(h, paths).Count > expected / 5 && receiver.Held > 0, TimeSpan.FromSeconds(120), "the first process delivering");
        }
        finally
        {
            await first.DisposeAsync();
        }
        var beforeRestart = Mine(receiver.Hooks, paths).Select(h => h.Id).Distinct().Count();
        Assert.True(beforeRestart < expected, $"the first process had delivered everything ({beforeRestart}) before it was killed; the test proves nothing");

        receiver.OpenGate();
        await using var second = await ChildServer.StartAsync(app, 4096, settings);
        var hooks = await receiver.WaitForAsync(h => Mine(h, paths).Select(x => x.Id).Distinct().Count() >= expected, TimeSpan.FromSeconds(180),
            "every delivery after the restart");

        var mine = Mine(hooks, paths);
        Assert.All(mine, h => Assert.True(h.Verified, $"{h.Id} did not verify"));
        var pairs = mine.Select(h => (h.Path, Story: h.Json.GetProperty("data").GetProperty("story").GetProperty("id").GetInt32())).ToHashSet();
        Assert.Equal(expected, pairs.Count);
        Assert.All(stories, s => Assert.Equal(Subscriptions, pairs.Count(p => p.Story == s)));
        // A duplicate is the same delivery again: same webhook-id, same subscription and story.
        foreach (var group in mine.GroupBy(h => h.Id))
        {
            Assert.Single(group.Select(h => (h.Path, h.Json.GetProperty("data").GetProperty("story").GetProperty("id").GetInt32())).Distinct());
        }
        Assert.Equal(expected, mine.Select(h => h.Id).Distinct().Count());
    }

    private static List<ReceivedHook> Mine(IReadOnlyList<ReceivedHook> hooks, List<string> paths) => [.. hooks.Where(h => paths.Contains(h.Path))];
}

public sealed class WebhookCrashTestsOnSqlite(QuietWebhookSqliteApp app) : WebhookCrashTests(app, app.Receiver), IClassFixture<QuietWebhookSqliteApp>;

public sealed class WebhookCrashTestsOnPostgres(QuietWebhookPostgresApp app) : WebhookCrashTests(app, app.Receiver), IClassFixture<QuietWebhookPostgresApp>;

using System.Security.Claims;
using Byline.Storage;
using Byline.Tests.Support;
using Byline.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Webhooks;

/// <summary>
/// Short retry delays and three attempts, so a failing target is switched off within seconds; the loopback
/// receiver allowed by address. Each fixture owns a receiver started inside the tests.
/// </summary>
internal static class WebhookSettings
{
    public static Dictionary<string, string> Fast(bool sending = true) => new()
    {
        ["Byline:Webhooks:AllowedHosts:0"] = "127.0.0.1",
        ["Byline:Webhooks:Timeout"] = "00:00:02",
        ["Byline:Webhooks:FirstRetryDelay"] = "00:00:00.2",
        ["Byline:Webhooks:RetryFactor"] = "2",
        ["Byline:Webhooks:MaxAttempts"] = "3",
        ["Byline:Webhooks:DisableAfterFailures"] = "3",
        ["Byline:Webhooks:PollInterval"] = "00:00:00.2",
        ["Byline:Webhooks:LeaseDuration"] = "00:00:05",
        ["Byline:Webhooks:PauseSending"] = sending ? "false" : "true",
        ["Byline:Events:LeaseSeconds"] = "2",
    };
}

/// <summary>Not sealed: a suite that also needs a receiver (the admin API's) adds its own settings on top.</summary>
public class WebhookSqliteApp : SqliteApp
{
    public WebhookReceiver Receiver { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = WebhookSettings.Fast();

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

public class WebhookPostgresApp : PostgresApp
{
    public WebhookReceiver Receiver { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = WebhookSettings.Fast();

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

/// <summary>Subscriptions made through the app's own service, as an admin would through the page.</summary>
public static class WebhookKit
{
    private static readonly ClaimsPrincipal Admin = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "test-admin")], "test"));

    public static async Task<(int Id, string Secret)> SubscribeAsync(this BylineApp app, WebhookReceiver receiver, string path, params string[] types)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(types);
        await using var scope = app.Services.CreateAsyncScope();
        var subscriptions = scope.ServiceProvider.GetRequiredService<WebhookSubscriptions>();
        var input = new SubscriptionInput("Test " + path, receiver.Url(path), types.Length == 0 ? [.. WebhookEventTypes.All.Select(t => t.Type)] : types);
        var check = await subscriptions.CheckAsync(input, CancellationToken.None);
        Assert.True(check.Ok, string.Join("; ", check.Errors.Values));
        var created = await subscriptions.CreateAsync(input, check.Target!, Admin, "", CancellationToken.None);
        receiver.Expect(path, created.Secret);
        return (created.Id, created.Secret);
    }

    public static Task<WebhookSubscription> SubscriptionAsync(this BylineApp app, int id) =>
        (app ?? throw new ArgumentNullException(nameof(app))).WithDbAsync(db => db.Set<WebhookSubscription>().AsNoTracking().FirstAsync(s => s.Id == id));

    public static Task<List<WebhookAttempt>> AttemptsAsync(this BylineApp app, int subscriptionId) =>
        (app ?? throw new ArgumentNullException(nameof(app))).WithDbAsync(db => db.Set<WebhookAttempt>().AsNoTracking().Where(a => a.SubscriptionId == subscriptionId).OrderBy(a => a.Id).ToListAsync());

    public static Task<List<WebhookDelivery>> DeliveriesAsync(this BylineApp app, int subscriptionId) =>
        (app ?? throw new ArgumentNullException(nameof(app))).WithDbAsync(db => db.Set<WebhookDelivery>().AsNoTracking().Where(d => d.SubscriptionId == subscriptionId).OrderBy(d => d.Id).ToListAsync());

    /// <summary>Polls the database until <paramref name="condition"/> holds, or fails at the deadline.</summary>
    public static Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan deadline, string what) =>
        Poll.UntilAsync(read, condition, what, deadline);
}

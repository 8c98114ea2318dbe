using Byline.Newsletters;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Newsletters;

/// <summary>Sending through the test Postfix, fast polls and retries, and a sender that paces generously.</summary>
internal static class NewsletterSettings
{
    public static Dictionary<string, string> For(string smtp, double rate = 200) => new()
    {
        ["Byline:Newsletters:SmtpServer"] = smtp,
        ["Byline:Newsletters:SmtpSecurity"] = "None",
        ["Byline:Newsletters:BounceAddress"] = "bounces@byline.test",
        ["Byline:Newsletters:FromAddress"] = "newsletters@byline.test",
        ["Byline:Newsletters:MessagesPerSecond"] = rate.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Byline:Newsletters:PollInterval"] = "00:00:00.2",
        ["Byline:Newsletters:RetryDelay"] = "00:00:00.5",
        ["Byline:Newsletters:MaxRetryDelay"] = "00:00:02",
        ["Byline:Newsletters:MaxAttempts"] = "30",
        ["Byline:Newsletters:LeaseDuration"] = "00:00:10",
        ["Byline:Newsletters:SmtpTimeout"] = "00:00:20",
    };

    /// <summary>The same, as a restart's settings.</summary>
    public static Dictionary<string, string?> Restart(string smtp, double rate = 200) =>
        For(smtp, rate).ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
}

public sealed class NewsletterSqliteApp : SqliteApp
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = NewsletterSettings.For(MailServer.Smtp);
}

public sealed class NewsletterPostgresApp : PostgresApp
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = NewsletterSettings.For(MailServer.Smtp);
}

/// <summary>Lists and subscribers made straight in the database, for tests about what happens after.</summary>
internal static class NewsletterData
{
    private static int _client;

    /// <summary>A loopback address of its own (127.0.1.N): a client of its own to the subscribe rate limit.</summary>
    public static System.Net.IPAddress NewClientAddress()
    {
        var n = Interlocked.Increment(ref _client);
        return new System.Net.IPAddress([127, 0, (byte)(1 + (n / 250)), (byte)(1 + (n % 250))]);
    }

    public static async Task<NewsletterList> ListAsync(BylineApp app, NewsletterKind kind = NewsletterKind.Digest, int? sectionId = null, int stories = 6)
    {
        var slug = TestContent.Unique("list");
        var list = new NewsletterList
        {
            Name = "List " + slug, Slug = slug, Description = "Test list", SenderName = "The Desk", SenderAddress = "desk@byline.test",
            ReplyTo = "letters@byline.test", Kind = kind, SourceSectionId = sectionId, StoryCount = stories, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        return await app.Content.AddAsync(list);
    }

    /// <summary>Confirmed subscribers of a list, each with a fresh address.</summary>
    public static async Task<List<NewsletterSubscriber>> SubscribersAsync(BylineApp app, int listId, int count, SubscriptionState state = SubscriptionState.Confirmed)
    {
        var subscribers = Enumerable.Range(0, count).Select(_ => new NewsletterSubscriber { Email = MailServer.NewAddress(), Name = "Reader", CreatedAt = DateTime.UtcNow }).ToList();
        await app.WithDbAsync(async db =>
        {
            db.AddRange(subscribers);
            await db.SaveChangesAsync();
            db.AddRange(subscribers.Select(s => new NewsletterSubscription
            {
                SubscriberId = s.Id, ListId = listId, State = state, RequestedAt = DateTime.UtcNow,
                ConfirmedAt = state == SubscriptionState.Confirmed ? DateTime.UtcNow : null,
            }));
            await db.SaveChangesAsync();
            return 0;
        });
        return subscribers;
    }

    public static Task<SubscriptionState?> StateAsync(BylineApp app, int subscriberId, int listId) =>
        app.WithDbAsync(db => db.Set<NewsletterSubscription>().Where(s => s.SubscriberId == subscriberId && s.ListId == listId)
            .Select(s => (SubscriptionState?)s.State).FirstOrDefaultAsync());

    public static Task<NewsletterSubscriber?> SubscriberAsync(BylineApp app, string email) =>
        app.WithDbAsync(db => db.Set<NewsletterSubscriber>().FirstOrDefaultAsync(s => s.Email == email));

    /// <summary>Composes an issue from the list's source and queues it, as the newsroom's Send does.</summary>
    public static async Task<int> QueueIssueAsync(BylineApp app, NewsletterList list, IReadOnlyList<int>? stories = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var issues = scope.ServiceProvider.GetRequiredService<NewsletterIssues>();
        var issue = await issues.ComposeAsync(list, "test", alert: false, stories, CancellationToken.None);
        Assert.True(await issues.QueueAsync(issue.Id, app.Client.BaseAddress!.ToString().TrimEnd('/'), CancellationToken.None));
        return issue.Id;
    }

    public static Task<IssueState> IssueStateAsync(BylineApp app, int issueId) =>
        app.WithDbAsync(db => db.Set<NewsletterIssue>().Where(i => i.Id == issueId).Select(i => i.State).FirstAsync());

    public static Task<List<NewsletterDelivery>> DeliveriesAsync(BylineApp app, int issueId) =>
        app.WithDbAsync(db => db.Set<NewsletterDelivery>().AsNoTracking().Where(d => d.IssueId == issueId).ToListAsync());
}

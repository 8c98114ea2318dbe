using Byline.Storage;
using Byline.Tests.Support;

namespace Byline.Tests.Newsletters;

/// <summary>
/// The sender's promises when things go wrong: a host stopped mid-send and started again sends every recipient
/// exactly one copy, and a server that refuses for a while (Postfix's rate limit answering 450) loses nobody.
/// These tests restart the fixture's host, so they live apart from the other newsletter tests.
/// </summary>
public abstract class NewsletterSendingTests(BylineApp app)
{
    [DatabaseFact]
    public async Task Stopping_the_host_mid_send_and_starting_again_sends_each_recipient_exactly_one_copy()
    {
        var section = await app.Content.SectionAsync();
        await app.Content.StoriesAsync(section, 2);
        var list = await NewsletterData.ListAsync(app, sectionId: section.Id);
        const int Count = 40;
        var readers = await NewsletterData.SubscribersAsync(app, list.Id, Count);
        // Slow enough (10 a second) to stop it halfway.
        await app.RestartAsync(NewsletterSettings.Restart(MailServer.Smtp, rate: 10));
        try
        {
            var issueId = await NewsletterData.QueueIssueAsync(app, list);
            await Poll.UntilAsync(async () => (await NewsletterData.DeliveriesAsync(app, issueId)).Count(d => d.State == DeliveryState.Sent) >= 5,
                "the first copies sent", TimeSpan.FromSeconds(60));
            await app.RestartAsync(NewsletterSettings.Restart(MailServer.Smtp));
            var before = (await NewsletterData.DeliveriesAsync(app, issueId)).Count(d => d.State == DeliveryState.Sent);
            Assert.True(before < Count, $"everything ({before}) was sent before the stop; the test proves nothing");

            await Poll.UntilAsync(async () => await NewsletterData.IssueStateAsync(app, issueId) == IssueState.Sent, "the issue finished after the restart", TimeSpan.FromSeconds(90));
            var deliveries = await NewsletterData.DeliveriesAsync(app, issueId);
            Assert.All(deliveries, d => Assert.Equal(DeliveryState.Sent, d.State));
            foreach (var reader in readers)
            {
                var copies = await MailServer.WaitForAsync(reader.Email);
                Assert.Single(copies);
            }
        }
        finally
        {
            await app.RestartAsync(NewsletterSettings.Restart(MailServer.Smtp));
        }
    }

    [DatabaseFact]
    public async Task A_server_refusing_mid_send_is_retried_later_and_nobody_is_lost_or_doubled()
    {
        var section = await app.Content.SectionAsync();
        await app.Content.StoriesAsync(section, 1);
        var list = await NewsletterData.ListAsync(app, sectionId: section.Id);
        const int Count = 8;
        var readers = await NewsletterData.SubscribersAsync(app, list.Id, Count);
        // The strict listener takes three messages per client in five seconds, then answers 450.
        await app.RestartAsync(NewsletterSettings.Restart(MailServer.StrictSmtp));
        try
        {
            var issueId = await NewsletterData.QueueIssueAsync(app, list);
            await Poll.UntilAsync(async () => await NewsletterData.IssueStateAsync(app, issueId) == IssueState.Sent, "the issue sent despite refusals", TimeSpan.FromSeconds(120));
            var deliveries = await NewsletterData.DeliveriesAsync(app, issueId);
            Assert.All(deliveries, d => Assert.Equal(DeliveryState.Sent, d.State));
            Assert.Contains(deliveries, d => d.Attempts > 1 && d.LastError is null);
            foreach (var reader in readers)
            {
                Assert.Single(await MailServer.WaitForAsync(reader.Email));
            }
        }
        finally
        {
            await app.RestartAsync(NewsletterSettings.Restart(MailServer.Smtp));
        }
    }
}

public sealed class NewsletterSendingTestsOnSqlite(NewsletterSqliteApp app) : NewsletterSendingTests(app), IClassFixture<NewsletterSqliteApp>;

public sealed class NewsletterSendingTestsOnPostgres(NewsletterPostgresApp app) : NewsletterSendingTests(app), IClassFixture<NewsletterPostgresApp>;

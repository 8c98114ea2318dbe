using System.Diagnostics;
using System.Globalization;
using Byline.Content;
using Byline.Events;
using Byline.Hosting;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Byline.Newsletters;

/// <summary>
/// Sends queued issues in the background. An issue is sent by the node holding its lease (one conditional UPDATE on
/// the issue row, renewed while sending, taken over when it runs out), so several nodes never send one issue at once.
/// Every recipient has a delivery row: Pending → Claimed (written before the message goes to the SMTP server) → Sent
/// (after the server's 250). A claimed row is never sent again, so a crash between the two sends nobody a second
/// copy (at most once; the price is that a message in flight during a hard crash may be lost, and is shown as
/// such). A stop of the host finishes the message in flight first. A server that refuses for now (4xx) or drops
/// the connection puts the row back to Pending with a later attempt time: nothing is lost. Messages are paced to
/// <see cref="NewsletterOptions.MessagesPerSecond"/>. The same loop makes the issues of scheduled lists when due.
/// </summary>
public sealed class NewsletterSender(
    IServiceScopeFactory scopes,
    IOptionsMonitor<NewsletterOptions> options,
    [FromKeyedServices(NewslettersExtensions.SignalKey)] WakeSignal signal,
    Readiness readiness,
    TimeProvider clock,
    ILogger<NewsletterSender> log) : BackgroundService
{
    private const int Batch = 100;

    /// <summary>This node's name in leases (a restarted process is a new holder).</summary>
    public string Node { get; } = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}");

    private NewsletterOptions Options => options.CurrentValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.WhenReady.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
#pragma warning disable CA1031 // Start-up failed: the ready check says so; nothing is sent from a half-built database.
        catch (Exception)
#pragma warning restore CA1031
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                if (!Options.PauseSending)
                {
                    await ScheduleDueAsync(stoppingToken);
                    busy = await SendOneIssueAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A database that is briefly away must not end sending for good; the next poll tries again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                log.LogWarning(e, "Newsletter sending failed; trying again");
            }
            if (busy)
            {
                continue;
            }
            try
            {
                await signal.WaitAsync(Options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Makes and queues the issue of each scheduled list whose time has come; the list's next time is claimed first, so one node makes it.</summary>
    private async Task ScheduleDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var due = await db.Set<NewsletterList>().AsNoTracking().Where(l => l.Enabled && l.NextIssueAt != null && l.NextIssueAt <= now).ToListAsync(ct);
        if (due.Count == 0)
        {
            return;
        }
        var zone = scope.ServiceProvider.GetRequiredService<SiteSettingsStore>().Dateline.Zone;
        var issues = scope.ServiceProvider.GetRequiredService<NewsletterIssues>();
        var baseUrl = scope.ServiceProvider.GetRequiredService<IConfiguration>()["Byline:PublicBaseUrl"]?.TrimEnd('/') ?? "";
        foreach (var list in due)
        {
            var was = list.NextIssueAt;
            var next = NewsletterIssues.NextRun(list, now, zone);
            if (await db.Set<NewsletterList>().Where(l => l.Id == list.Id && l.NextIssueAt == was)
                    .ExecuteUpdateAsync(u => u.SetProperty(l => l.NextIssueAt, next), ct) != 1)
            {
                continue;
            }
            var issue = await issues.ComposeAsync(list, "scheduler", alert: false, null, ct);
            if (issue.ArticleIds.Length == 0)
            {
                log.LogInformation("Newsletter {List}: nothing to send at its scheduled time (no stories)", list.Slug);
                continue;
            }
            await issues.QueueAsync(issue.Id, baseUrl, ct);
        }
    }

    /// <summary>Takes the lease of one issue that needs sending and sends what is due; true when it sent something (look again at once).</summary>
    private async Task<bool> SendOneIssueAsync(CancellationToken stoppingToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        int issueId;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            var candidates = await db.Set<NewsletterIssue>().AsNoTracking()
                .Where(i => (i.State == IssueState.Queued || i.State == IssueState.Sending) && (i.LeaseUntil == null || i.LeaseUntil < now))
                .OrderBy(i => i.Id).Select(i => i.Id).Take(5).ToListAsync(stoppingToken);
            issueId = 0;
            foreach (var id in candidates)
            {
                if (await TakeLeaseAsync(db, id, now, stoppingToken))
                {
                    issueId = id;
                    break;
                }
            }
        }
        if (issueId == 0)
        {
            return false;
        }
        try
        {
            return await SendIssueAsync(issueId, stoppingToken);
        }
        finally
        {
            // Let go at once (a stopping host included), so a restarted node need not wait for the lease to run out.
            await using var scope = scopes.CreateAsyncScope();
            var node = Node;
            await scope.ServiceProvider.GetRequiredService<BylineDb>().Set<NewsletterIssue>().Where(i => i.Id == issueId && i.LeaseOwner == node)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.LeaseOwner, (string?)null).SetProperty(i => i.LeaseUntil, (DateTime?)null), CancellationToken.None);
        }
    }

    private async Task<bool> TakeLeaseAsync(BylineDb db, int issueId, DateTime now, CancellationToken ct)
    {
        var until = now + Options.LeaseDuration;
        var node = Node;
        return await db.Set<NewsletterIssue>()
            .Where(i => i.Id == issueId && (i.LeaseUntil == null || i.LeaseUntil < now || i.LeaseOwner == node))
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.LeaseOwner, node).SetProperty(i => i.LeaseUntil, until), ct) == 1;
    }

    private async Task<bool> SendIssueAsync(int issueId, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<BylineDb>();
        var issue = await db.Set<NewsletterIssue>().AsNoTracking().FirstAsync(i => i.Id == issueId, stoppingToken);
        var list = await db.Set<NewsletterList>().AsNoTracking().FirstAsync(l => l.Id == issue.ListId, stoppingToken);
        if (issue.State == IssueState.Queued)
        {
            await MakeRecipientsAsync(db, issue, stoppingToken);
        }
        var issues = sp.GetRequiredService<NewsletterIssues>();
        var links = sp.GetRequiredService<NewsletterLinks>();
        var mail = sp.GetRequiredService<NewsletterMail>();
        var content = await issues.ContentAsync(issue, list, issue.BaseUrl, stoppingToken);
        var body = IssueBody.For(content, list.OpenTracking);
        await using var smtp = sp.GetRequiredService<NewsletterSmtp>();
        var pace = Stopwatch.StartNew();
        var sentHere = 0;
        var node = Node;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            if (!await TakeLeaseAsync(db, issueId, now, stoppingToken))
            {
                return false;
            }
            var batch = await db.Set<NewsletterDelivery>().AsNoTracking()
                .Where(d => d.IssueId == issueId && d.State == DeliveryState.Pending && d.NextAttemptAt <= now)
                .OrderBy(d => d.Id)
                .Join(db.Set<NewsletterSubscriber>(), d => d.SubscriberId, s => s.Id, (d, s) => new { d.Id, d.SubscriberId, d.MessageId, d.Attempts, s.Email, s.Name, s.SuppressedAt })
                .Take(Batch).ToListAsync(stoppingToken);
            if (batch.Count == 0)
            {
                var waiting = await db.Set<NewsletterDelivery>().AnyAsync(d => d.IssueId == issueId && d.State == DeliveryState.Pending, stoppingToken);
                if (!waiting)
                {
                    var done = clock.GetUtcNow().UtcDateTime;
                    await db.Set<NewsletterIssue>().Where(i => i.Id == issueId && i.LeaseOwner == node)
                        .ExecuteUpdateAsync(u => u.SetProperty(i => i.State, IssueState.Sent).SetProperty(i => i.SentAt, done), CancellationToken.None);
                    log.LogInformation("Newsletter issue {Issue} of {List} sent", issueId, list.Slug);
                }
                return sentHere > 0;
            }
            foreach (var d in batch)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    return true;
                }
                // Pacing: the n-th message of this run leaves no earlier than n / rate seconds after the first.
                var rate = Math.Max(0.01, Options.MessagesPerSecond);
                var due = TimeSpan.FromSeconds(sentHere / rate) - pace.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(due, clock, stoppingToken);
                    }
                    catch (OperationCanceledException)
                    {
                        return true;
                    }
                }
                if (d.SuppressedAt is not null)
                {
                    await FinishAsync(db, d.Id, DeliveryState.Failed, "address suppressed", null, d.Attempts);
                    continue;
                }
                // Claimed before it goes: a crash from here on never sends this row again.
                if (await db.Set<NewsletterDelivery>().Where(x => x.Id == d.Id && x.State == DeliveryState.Pending)
                        .ExecuteUpdateAsync(u => u.SetProperty(x => x.State, DeliveryState.Claimed).SetProperty(x => x.Attempts, x => x.Attempts + 1), CancellationToken.None) != 1)
                {
                    continue;
                }
                var to = issues.Recipient(issue.BaseUrl, d.SubscriberId, d.Email, d.Name, list.Id, d.MessageId, list.OpenTracking ? links.OpenToken(d.Id) : null);
                var result = await SendCopyAsync(smtp, mail, content, body, to);
                sentHere++;
                var attempts = d.Attempts + 1;
                switch (result.Outcome)
                {
                    case SmtpOutcome.Accepted:
                        await FinishAsync(db, d.Id, DeliveryState.Sent, null, null, attempts);
                        break;
                    case SmtpOutcome.Rejected:
                        await FinishAsync(db, d.Id, DeliveryState.Failed, result.Error, null, attempts);
                        break;
                    default:
                        var giveUp = attempts >= Math.Max(1, Options.MaxAttempts);
                        var wait = Options.RetryDelay * Math.Pow(2, Math.Min(16, attempts - 1));
                        var retryAt = clock.GetUtcNow().UtcDateTime + (wait < Options.MaxRetryDelay ? wait : Options.MaxRetryDelay);
                        await FinishAsync(db, d.Id, giveUp ? DeliveryState.Failed : DeliveryState.Pending, result.Error, retryAt, attempts);
                        log.LogInformation("Newsletter issue {Issue}: the SMTP server did not take a message ({Error}); trying again later", issueId, result.Error);
                        // The server is refusing or gone: leave the rest of the batch for later, after a pause.
                        return false;
                }
            }
        }
        return true;
    }

    /// <summary>One copy to the SMTP server. It is finished even when the host is stopping: its only deadline is the SMTP timeout.</summary>
    private async Task<SmtpResult> SendCopyAsync(NewsletterSmtp smtp, NewsletterMail mail, IssueContent content, IssueBody body, MailRecipient to)
    {
        using var message = mail.Issue(content, to, clock.GetUtcNow(), body);
        return await smtp.SendAsync(message, CancellationToken.None);
    }

    private Task<int> FinishAsync(BylineDb db, long id, DeliveryState state, string? error, DateTime? retryAt, int attempts)
    {
        var sentAt = state == DeliveryState.Sent ? clock.GetUtcNow().UtcDateTime : (DateTime?)null;
        var next = retryAt ?? clock.GetUtcNow().UtcDateTime;
        var cut = error is { Length: > 1000 } ? error[..1000] : error;
        // The outcome is recorded even when the host is stopping: the message already went (or did not).
        return db.Set<NewsletterDelivery>().Where(x => x.Id == id)
            .ExecuteUpdateAsync(u => u
                .SetProperty(x => x.State, state)
                .SetProperty(x => x.SentAt, sentAt)
                .SetProperty(x => x.LastError, cut)
                .SetProperty(x => x.Attempts, attempts)
                .SetProperty(x => x.NextAttemptAt, next), CancellationToken.None);
    }

    /// <summary>
    /// One delivery row per confirmed, unsuppressed subscriber, and the issue moves to Sending — in one transaction, so
    /// a crash leaves it queued, and a node whose lease was taken over meanwhile makes no rows. The rows are made by the
    /// database in one INSERT … SELECT: bringing 100,000 ids into the process and back through the change tracker was
    /// the sender's memory peak (bench/newsletters.md). Each Message-ID is random, as
    /// <see cref="NewsletterLinks.NewMessageId"/> makes them, from the database's own generator.
    /// </summary>
    private async Task MakeRecipientsAsync(BylineDb db, NewsletterIssue issue, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var prefix = string.Create(CultureInfo.InvariantCulture, $"issue-{issue.Id}.");
        var suffix = "@" + NewsletterMail.DomainOf(issue.BaseUrl);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var count = await db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql() ? MakeRowsPostgres : MakeRowsSqlite,
            [issue.Id, (int)DeliveryState.Pending, prefix, suffix, now, issue.ListId, (int)SubscriptionState.Confirmed], ct);
        if (await db.Set<NewsletterIssue>().Where(i => i.Id == issue.Id && i.State == IssueState.Queued)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.State, IssueState.Sending).SetProperty(i => i.Recipients, count), ct) != 1)
        {
            return; // Another node made them first: the transaction rolls back.
        }
        await tx.CommitAsync(ct);
        log.LogInformation("Newsletter issue {Issue}: {Count} recipients", issue.Id, count);
    }

    private const string MakeRows = """
        INSERT INTO "NewsletterDeliveries" ("IssueId", "SubscriberId", "State", "MessageId", "Attempts", "NextAttemptAt")
        SELECT {0}, r."Id", {1}, {2} || RANDOM_HEX || {3}, 0, {4}
        FROM "NewsletterSubscriptions" AS s JOIN "NewsletterSubscribers" AS r ON r."Id" = s."SubscriberId"
        WHERE s."ListId" = {5} AND s."State" = {6} AND r."SuppressedAt" IS NULL
        ORDER BY r."Id"
        """;

    private static readonly string MakeRowsSqlite = MakeRows.Replace("RANDOM_HEX", "lower(hex(randomblob(12)))", StringComparison.Ordinal);

    private static readonly string MakeRowsPostgres = MakeRows.Replace("RANDOM_HEX", "replace(gen_random_uuid()::text, '-', '')", StringComparison.Ordinal);
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Byline.Events;
using Byline.Hosting;
using Byline.Outbound;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Byline.Webhooks;

/// <summary>
/// Sends due deliveries: claims a batch with a lease (so several nodes never send the same one at once, and a
/// node that dies mid-send leaves them to be taken over), POSTs each signed body with a timeout, logs the
/// attempt and schedules the next one with exponential backoff and jitter. Requests run in parallel with a
/// cap per subscription, so a target that hangs or fails holds only its own slots; redirects are not
/// followed, and every connection passes the <see cref="OutboundAddressGuard"/>.
/// </summary>
public sealed class WebhookSender(
    IServiceScopeFactory scopes,
    IHttpClientFactory clients,
    IOptionsMonitor<WebhookOptions> options,
    WakeSignal signal,
    Readiness readiness,
    TimeProvider clock,
    ILogger<WebhookSender> log) : BackgroundService
{
    public const string ClientName = "byline-webhooks";

    private readonly string _node = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}");
    private readonly Dictionary<int, int> _inFlightBySubscription = [];
    private readonly Lock _gate = new();
    private int _inFlight;

    private WebhookOptions Options => options.CurrentValue;

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
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            running.RemoveAll(t => t.IsCompleted);
            var claimed = 0;
            try
            {
                var batch = await ClaimAsync(stoppingToken);
                claimed = batch.Count;
                running.AddRange(batch.Select(d => Task.Run(() => SendAsync(d, stoppingToken), CancellationToken.None)));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // A database that is briefly away must not end delivery for good; the next poll tries again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                log.LogWarning(e, "Claiming webhook deliveries failed; trying again");
            }
            if (claimed > 0 && FreeSlots() > 0)
            {
                continue;
            }
            try
            {
                // Woken by a new delivery, a finished request (a slot came free) or the poll: retries fall due, other nodes queue work.
                await signal.WaitAsync(Options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        // Requests in flight end with the host's token; their leases expire and another start sends them again.
        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private int FreeSlots()
    {
        lock (_gate)
        {
            return Math.Max(0, Options.MaxConcurrency - _inFlight);
        }
    }

    /// <summary>Due deliveries of enabled subscriptions, oldest first, leased to this node; at most the free slots, and per subscription at most its cap.</summary>
    private async Task<List<Claimed>> ClaimAsync(CancellationToken ct)
    {
        var free = FreeSlots();
        if (free == 0 || Options.PauseSending)
        {
            return [];
        }
        var o = Options;
        var now = Now();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var candidates = await db.Set<WebhookDelivery>().AsNoTracking()
            .Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LeaseUntil == null || d.LeaseUntil < now))
            .Join(db.Set<WebhookSubscription>().Where(s => s.Enabled), d => d.SubscriptionId, s => s.Id, (d, s) => new { d.Id, d.SubscriptionId })
            .OrderBy(d => d.Id)
            .Take(free * 8)
            .ToListAsync(ct);
        var picked = new List<long>();
        lock (_gate)
        {
            var perSubscription = new Dictionary<int, int>();
            foreach (var c in candidates)
            {
                var busy = _inFlightBySubscription.GetValueOrDefault(c.SubscriptionId) + perSubscription.GetValueOrDefault(c.SubscriptionId);
                if (busy >= Math.Max(1, o.MaxConcurrencyPerSubscription))
                {
                    continue;
                }
                perSubscription[c.SubscriptionId] = perSubscription.GetValueOrDefault(c.SubscriptionId) + 1;
                picked.Add(c.Id);
                if (picked.Count == free)
                {
                    break;
                }
            }
        }
        if (picked.Count == 0)
        {
            return [];
        }
        var until = now + Lease(o);
        var node = _node;
        await db.Set<WebhookDelivery>()
            .Where(d => picked.Contains(d.Id) && d.Status == WebhookDeliveryStatus.Pending && (d.LeaseUntil == null || d.LeaseUntil < now))
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.LeaseOwner, node).SetProperty(d => d.LeaseUntil, until), ct);
        var claimed = await db.Set<WebhookDelivery>().AsNoTracking()
            .Where(d => picked.Contains(d.Id) && d.LeaseOwner == node && d.LeaseUntil == until)
            .Join(db.Set<WebhookSubscription>(), d => d.SubscriptionId, s => s.Id, (d, s) => new { d, s })
            .Join(db.Set<WebhookMessage>(), x => x.d.MessageId, m => m.Id, (x, m) => new Claimed(
                x.d.Id, x.d.SubscriptionId, x.d.Attempts, x.s.Url, x.s.Secret, x.s.PreviousSecret, x.s.PreviousSecretUntil, m.Type, m.Payload))
            .ToListAsync(ct);
        lock (_gate)
        {
            foreach (var c in claimed)
            {
                _inFlight++;
                _inFlightBySubscription[c.SubscriptionId] = _inFlightBySubscription.GetValueOrDefault(c.SubscriptionId) + 1;
            }
        }
        return claimed;
    }

    private static TimeSpan Lease(WebhookOptions o) => o.LeaseDuration > o.Timeout * 2 ? o.LeaseDuration : o.Timeout * 2;

    private async Task SendAsync(Claimed d, CancellationToken ct)
    {
        try
        {
            var outcome = await PostAsync(d, ct);
            await RecordAsync(d, outcome, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the lease runs out and the delivery is sent again (the receiver drops the duplicate by its webhook-id).
        }
#pragma warning disable CA1031 // Recording failed (the database is away): the lease runs out and the delivery is tried again.
        catch (Exception e)
#pragma warning restore CA1031
        {
            log.LogWarning(e, "Webhook delivery {Id}: recording the attempt failed; it will be sent again", d.Id);
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
                var left = _inFlightBySubscription.GetValueOrDefault(d.SubscriptionId) - 1;
                if (left <= 0)
                {
                    _inFlightBySubscription.Remove(d.SubscriptionId);
                }
                else
                {
                    _inFlightBySubscription[d.SubscriptionId] = left;
                }
            }
            signal.Wake();
        }
    }

    private async Task<Outcome> PostAsync(Claimed d, CancellationToken ct)
    {
        var o = Options;
        var id = WebhookSigning.MessageId(d.Id);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        var now = Now();
        var secrets = d.PreviousSecret is { } old && d.PreviousSecretUntil > now ? new[] { d.Secret, old } : [d.Secret];
        using var request = new HttpRequestMessage(HttpMethod.Post, d.Url)
        {
            Content = new StringContent(d.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSigning.Header(secrets, id, timestamp, d.Payload));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(o.Timeout);
        var watch = Stopwatch.StartNew();
        try
        {
            using var client = clients.CreateClient(ClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new Outcome(true, status, null, watch.Elapsed);
            }
            var error = status is >= 300 and < 400
                ? $"redirected ({status}) to {Cut(response.Headers.Location?.ToString() ?? "nowhere", 300)}; redirects are not followed"
                : $"answered {status}";
            return new Outcome(false, status, error, watch.Elapsed);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Outcome(false, null, string.Create(CultureInfo.InvariantCulture, $"no answer within {o.Timeout.TotalSeconds:0.#} s"), watch.Elapsed);
        }
        catch (HttpRequestException e)
        {
            return new Outcome(false, null, Cut(Describe(e), 1000), watch.Elapsed);
        }
    }

    private static string Describe(HttpRequestException e) =>
        e.InnerException is RefusedAddressException refused ? refused.Message
        : e is RefusedAddressException ? e.Message
        : e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;

    /// <summary>The attempt's log row, the delivery's next state and the subscription's failure count, in one transaction.</summary>
    private async Task RecordAsync(Claimed d, Outcome outcome, CancellationToken ct)
    {
        var o = Options;
        var now = Now();
        var attempts = d.Attempts + 1;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var gaveUp = !outcome.Ok && attempts >= Math.Max(1, o.MaxAttempts);
        var status = outcome.Ok ? WebhookDeliveryStatus.Delivered : gaveUp ? WebhookDeliveryStatus.Failed : WebhookDeliveryStatus.Pending;
        var next = outcome.Ok || gaveUp ? now : now + RetryDelay(attempts, o);
        var node = _node;
        var disabled = false;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.Add(new WebhookAttempt
            {
                DeliveryId = d.Id, SubscriptionId = d.SubscriptionId, At = now, StatusCode = outcome.StatusCode,
                DurationMs = (int)Math.Min(int.MaxValue, outcome.Duration.TotalMilliseconds), Error = outcome.Error,
            });
            await db.SaveChangesAsync(ct);
            await db.Set<WebhookDelivery>().Where(x => x.Id == d.Id && x.LeaseOwner == node)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(x => x.Status, status)
                    .SetProperty(x => x.Attempts, attempts)
                    .SetProperty(x => x.NextAttemptAt, next)
                    .SetProperty(x => x.LastStatusCode, outcome.StatusCode)
                    .SetProperty(x => x.LastError, outcome.Error)
                    .SetProperty(x => x.DeliveredAt, outcome.Ok ? now : null)
                    .SetProperty(x => x.LeaseOwner, (string?)null)
                    .SetProperty(x => x.LeaseUntil, (DateTime?)null), ct);
            var subscriptions = db.Set<WebhookSubscription>().Where(s => s.Id == d.SubscriptionId);
            if (outcome.Ok)
            {
                await subscriptions.Where(s => s.ConsecutiveFailures != 0).ExecuteUpdateAsync(u => u.SetProperty(s => s.ConsecutiveFailures, 0), ct);
            }
            else
            {
                await subscriptions.ExecuteUpdateAsync(u => u.SetProperty(s => s.ConsecutiveFailures, s => s.ConsecutiveFailures + 1), ct);
                var threshold = Math.Max(1, o.DisableAfterFailures);
                var reason = Cut($"Switched off after {threshold} failed attempts in a row; the last: {outcome.Error}", 500);
                disabled = await subscriptions.Where(s => s.Enabled && s.ConsecutiveFailures >= threshold)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.Enabled, false).SetProperty(s => s.DisabledReason, reason)
                        .SetProperty(s => s.DisabledAt, now).SetProperty(s => s.UpdatedAt, now), ct) == 1;
                if (disabled)
                {
                    scope.ServiceProvider.GetRequiredService<AuditLog>().Record(db, null, WebhookAuditActions.AutoDisabled, "webhook",
                        d.SubscriptionId.ToString(CultureInfo.InvariantCulture), reason);
                    await db.SaveChangesAsync(ct);
                }
            }
            await tx.CommitAsync(ct);
        }
        if (disabled)
        {
            log.LogWarning("Webhook subscription {Subscription} switched off after repeated failures (last: {Error})", d.SubscriptionId, outcome.Error);
        }
        else if (!outcome.Ok)
        {
            log.LogInformation("Webhook delivery {Id} to subscription {Subscription} failed (attempt {Attempts}): {Error}", d.Id, d.SubscriptionId, attempts, outcome.Error);
        }
    }

    /// <summary>The wait after the n-th failed attempt: first × factor^(n−1), capped, then ±20 % so that a recovered target is not hit by every retry at once.</summary>
    public static TimeSpan RetryDelay(int failedAttempts, WebhookOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var seconds = o.FirstRetryDelay.TotalSeconds * Math.Pow(Math.Max(1, o.RetryFactor), Math.Max(0, failedAttempts - 1));
        seconds = Math.Min(seconds, o.MaxRetryDelay.TotalSeconds);
#pragma warning disable CA5394 // Jitter, not security: spreading retries needs no cryptographic randomness.
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
#pragma warning restore CA5394
        return TimeSpan.FromSeconds(seconds * jitter);
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];

    private sealed record Claimed(long Id, int SubscriptionId, int Attempts, string Url, string Secret, string? PreviousSecret, DateTime? PreviousSecretUntil, string Type, string Payload);

    private sealed record Outcome(bool Ok, int? StatusCode, string? Error, TimeSpan Duration);
}

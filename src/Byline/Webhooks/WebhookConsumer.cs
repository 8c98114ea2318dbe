using Byline.Events;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Webhooks;

/// <summary>
/// The durable content consumer <c>webhooks</c>: turns each content event subscribers care about into one
/// message and one delivery row per matching, enabled subscription, all in one transaction. The
/// dispatcher hands an event over at least once; the message row is unique per event, so an event handed
/// over again after a crash (its rows committed, the dispatcher's position not yet) writes nothing new —
/// the delivery rows are this consumer's own position. Sending is the <see cref="WebhookSender"/>'s job, so a
/// slow receiver never holds up the outbox.
/// </summary>
public sealed class WebhookConsumer(IServiceScopeFactory scopes, WakeSignal signal, TimeProvider clock, ILogger<WebhookConsumer> log) : IContentConsumer
{
    public string Name => "webhooks";

    public ConsumerStage Stage => ConsumerStage.Durable;

    public async Task HandleAsync(ContentEventRecord change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (WebhookEventTypes.Of(change) is not { } type)
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        if (await db.Set<WebhookMessage>().AnyAsync(m => m.EventId == change.Id, ct))
        {
            return;
        }
        var subscriptions = (await db.Set<WebhookSubscription>().AsNoTracking().Where(s => s.Enabled)
                .Select(s => new { s.Id, s.EventTypes }).ToListAsync(ct))
            .Where(s => WebhookEventTypes.Split(s.EventTypes).Contains(type, StringComparer.Ordinal))
            .Select(s => s.Id)
            .ToList();
        if (subscriptions.Count == 0)
        {
            return;
        }
        var payload = await scope.ServiceProvider.GetRequiredService<WebhookPayloads>().BuildAsync(type, change, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var message = new WebhookMessage { EventId = change.Id, Type = type, Payload = payload, CreatedAt = now };
            db.Add(message);
            await db.SaveChangesAsync(ct);
            db.AddRange(subscriptions.Select(id => new WebhookDelivery
            {
                SubscriptionId = id, MessageId = message.Id, Status = WebhookDeliveryStatus.Pending, NextAttemptAt = now, CreatedAt = now,
            }));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        log.LogDebug("Event {EventId} ({Type}): {Count} webhook deliveries queued", change.Id, type, subscriptions.Count);
        signal.Wake();
    }
}

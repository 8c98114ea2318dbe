using System.Globalization;
using System.Security.Claims;
using Byline.Content;
using Byline.Events;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Byline.Webhooks;

/// <summary>What a new subscription needs; the newsroom form binds to it.</summary>
public sealed record SubscriptionInput(string Name, string Url, IReadOnlyList<string> EventTypes);

/// <summary>A validation outcome: field → message, empty when the input is usable.</summary>
public sealed record SubscriptionCheck(IReadOnlyDictionary<string, string> Errors, Uri? Target)
{
    public bool Ok => Errors.Count == 0;
}

/// <summary>
/// Managing subscriptions: create (the secret is returned once and never shown again), switch on and off,
/// rotate the secret with an overlap, replay deliveries, delete. Each change is audited with it.
/// </summary>
public sealed class WebhookSubscriptions(BylineDb db, AuditLog audit, OutboundAddressGuard guard, WakeSignal signal, IOptionsMonitor<WebhookOptions> options, TimeProvider clock)
{
    public const int MaxReplay = 10_000;

    public async Task<SubscriptionCheck> CheckAsync(SubscriptionInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > 200)
        {
            errors["Name"] = "Give the subscription a name of at most 200 characters.";
        }
        Uri? target = null;
        if (input.Url?.Trim().Length > 2000 || !WebAddress.IsHttp(input.Url, out target))
        {
            errors["Url"] = "Give an absolute http or https address without a user name or password.";
            target = null;
        }
        else if (await guard.CheckAsync(target!, ct) is { } refused)
        {
            errors["Url"] = refused;
        }
        if (input.EventTypes.Count == 0)
        {
            errors["EventTypes"] = "Choose at least one event type.";
        }
        else if (input.EventTypes.FirstOrDefault(t => !WebhookEventTypes.IsKnown(t)) is { } unknown)
        {
            errors["EventTypes"] = $"There is no event type \"{unknown}\".";
        }
        return new SubscriptionCheck(errors, target);
    }

    /// <summary>Creates the subscription and returns it with its secret (the only time the secret leaves the server).</summary>
    public async Task<WebhookSubscription> CreateAsync(SubscriptionInput input, Uri target, ClaimsPrincipal admin, string ip, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        var now = Now();
        var subscription = new WebhookSubscription
        {
            Name = input.Name.Trim(),
            Url = target.AbsoluteUri,
            EventTypes = string.Join(' ', input.EventTypes.Distinct(StringComparer.Ordinal)),
            Secret = WebhookSigning.NewSecret(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Add(subscription);
        await db.SaveChangesAsync(ct);
        audit.Record(db, admin, WebhookAuditActions.Created, "webhook", Id(subscription.Id), $"{subscription.Name} → {subscription.Url} ({subscription.EventTypes})", ip);
        await db.SaveChangesAsync(ct);
        return subscription;
    }

    public async Task<bool> SetEnabledAsync(int id, bool enabled, ClaimsPrincipal admin, string ip, CancellationToken ct)
    {
        var now = Now();
        var changed = enabled
            ? await db.Set<WebhookSubscription>().Where(s => s.Id == id).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.Enabled, true).SetProperty(s => s.DisabledReason, (string?)null).SetProperty(s => s.DisabledAt, (DateTime?)null)
                .SetProperty(s => s.ConsecutiveFailures, 0).SetProperty(s => s.UpdatedAt, now), ct)
            : await db.Set<WebhookSubscription>().Where(s => s.Id == id).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.Enabled, false).SetProperty(s => s.DisabledReason, (string?)null).SetProperty(s => s.DisabledAt, now)
                .SetProperty(s => s.UpdatedAt, now), ct);
        if (changed == 0)
        {
            return false;
        }
        audit.Record(db, admin, enabled ? WebhookAuditActions.Enabled : WebhookAuditActions.Disabled, "webhook", Id(id), enabled ? "switched on" : "switched off", ip);
        await db.SaveChangesAsync(ct);
        if (enabled)
        {
            signal.Wake();
        }
        return true;
    }

    /// <summary>A new secret; the old one keeps signing (beside the new) for <paramref name="overlap"/>. Returns the new secret, or null for no such subscription.</summary>
    public async Task<string?> RotateAsync(int id, TimeSpan? overlap, ClaimsPrincipal admin, string ip, CancellationToken ct)
    {
        var subscription = await db.Set<WebhookSubscription>().AsTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null)
        {
            return null;
        }
        var now = Now();
        var keep = overlap ?? options.CurrentValue.SecretOverlap;
        subscription.PreviousSecret = keep > TimeSpan.Zero ? subscription.Secret : null;
        subscription.PreviousSecretUntil = keep > TimeSpan.Zero ? now + keep : null;
        subscription.Secret = WebhookSigning.NewSecret();
        subscription.UpdatedAt = now;
        audit.Record(db, admin, WebhookAuditActions.Rotated, "webhook", Id(id),
            string.Create(CultureInfo.InvariantCulture, $"new secret; the old one signs too for {keep.TotalHours:0.##} h"), ip);
        await db.SaveChangesAsync(ct);
        return subscription.Secret;
    }

    /// <summary>Sends one delivery again, under the same webhook-id (a receiver that has it already can tell); false when it is not this subscription's.</summary>
    public async Task<bool> ReplayAsync(int subscriptionId, long deliveryId, ClaimsPrincipal admin, string ip, CancellationToken ct)
    {
        var replayed = await Pending(db.Set<WebhookDelivery>().Where(d => d.SubscriptionId == subscriptionId && d.Id == deliveryId), ct);
        if (replayed == 0)
        {
            return false;
        }
        audit.Record(db, admin, WebhookAuditActions.Replayed, "webhook", Id(subscriptionId), "delivery " + deliveryId.ToString(CultureInfo.InvariantCulture), ip);
        await db.SaveChangesAsync(ct);
        signal.Wake();
        return true;
    }

    /// <summary>Sends again every delivery of the subscription created in [from, to) (UTC), at most <see cref="MaxReplay"/>; returns how many.</summary>
    public async Task<int> ReplayRangeAsync(int subscriptionId, DateTime from, DateTime to, ClaimsPrincipal admin, string ip, CancellationToken ct)
    {
        var ids = await db.Set<WebhookDelivery>().AsNoTracking()
            .Where(d => d.SubscriptionId == subscriptionId && d.CreatedAt >= from && d.CreatedAt < to)
            .OrderBy(d => d.Id).Take(MaxReplay).Select(d => d.Id).ToListAsync(ct);
        if (ids.Count == 0)
        {
            return 0;
        }
        var replayed = await Pending(db.Set<WebhookDelivery>().Where(d => d.SubscriptionId == subscriptionId && ids.Contains(d.Id)), ct);
        audit.Record(db, admin, WebhookAuditActions.Replayed, "webhook", Id(subscriptionId),
            string.Create(CultureInfo.InvariantCulture, $"{replayed} deliveries created {from:u} – {to:u}"), ip);
        await db.SaveChangesAsync(ct);
        signal.Wake();
        return replayed;
    }

    public async Task<bool> DeleteAsync(int id, ClaimsPrincipal admin, string ip, CancellationToken ct)
    {
        var subscription = await db.Set<WebhookSubscription>().AsTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null)
        {
            return false;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Set<WebhookAttempt>().Where(a => a.SubscriptionId == id).ExecuteDeleteAsync(ct);
        await db.Set<WebhookDelivery>().Where(d => d.SubscriptionId == id).ExecuteDeleteAsync(ct);
        db.Remove(subscription);
        audit.Record(db, admin, WebhookAuditActions.Deleted, "webhook", Id(id), $"{subscription.Name} → {subscription.Url}", ip);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Back to pending, due now, with a fresh retry budget; the attempt log keeps the earlier attempts.</summary>
    private Task<int> Pending(IQueryable<WebhookDelivery> deliveries, CancellationToken ct)
    {
        var now = Now();
        return deliveries.ExecuteUpdateAsync(u => u
            .SetProperty(d => d.Status, WebhookDeliveryStatus.Pending)
            .SetProperty(d => d.Attempts, 0)
            .SetProperty(d => d.NextAttemptAt, now)
            .SetProperty(d => d.DeliveredAt, (DateTime?)null), ct);
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}

using Microsoft.EntityFrameworkCore;

namespace Byline.Storage;

/// <summary>
/// One webhook subscription: where to POST, which event types, and the signing secret. The previous
/// secret stays valid until <see cref="PreviousSecretUntil"/> after a rotation, so a receiver can switch
/// without dropping deliveries (each delivery is signed with both while the overlap lasts).
/// </summary>
public sealed class WebhookSubscription
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Url { get; set; }
    /// <summary>Event types, space-separated (<c>story.published story.updated</c>).</summary>
    public required string EventTypes { get; set; }
    /// <summary><c>whsec_</c> followed by the base64 key.</summary>
    public required string Secret { get; set; }
    public string? PreviousSecret { get; set; }
    public DateTime? PreviousSecretUntil { get; set; }
    public bool Enabled { get; set; } = true;
    /// <summary>Why it was switched off automatically (shown to admins until they enable it again); null when an admin disabled it or it is on.</summary>
    public string? DisabledReason { get; set; }
    public DateTime? DisabledAt { get; set; }
    /// <summary>Failed attempts since the last success: the automatic switch-off counts these.</summary>
    public int ConsecutiveFailures { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>What one content event means to webhooks: its type and the JSON body every subscriber receives.</summary>
public sealed class WebhookMessage
{
    public long Id { get; set; }
    /// <summary>The content event it came from; unique, so handling an event twice writes nothing new.</summary>
    public long EventId { get; set; }
    public required string Type { get; set; }
    public required string Payload { get; set; }
    public DateTime CreatedAt { get; set; }
}

public enum WebhookDeliveryStatus
{
    Pending = 0,
    Delivered = 1,
    /// <summary>Every attempt failed; kept for the log and for replay.</summary>
    Failed = 2,
}

/// <summary>One message to one subscription. Its id is the <c>webhook-id</c>, the same on every retry and replay.</summary>
public sealed class WebhookDelivery
{
    public long Id { get; set; }
    public int SubscriptionId { get; set; }
    public long MessageId { get; set; }
    public WebhookDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    /// <summary>The node sending it now, and until when: another node takes it over after that.</summary>
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DeliveredAt { get; set; }
}

/// <summary>One HTTP attempt of a delivery: the log admins read.</summary>
public sealed class WebhookAttempt
{
    public long Id { get; set; }
    public long DeliveryId { get; set; }
    public int SubscriptionId { get; set; }
    public DateTime At { get; set; }
    public int? StatusCode { get; set; }
    public int DurationMs { get; set; }
    public string? Error { get; set; }
}

internal static class WebhookModel
{
    public static void Configure(ModelBuilder b)
    {
        ArgumentNullException.ThrowIfNull(b);
        b.Entity<WebhookSubscription>(e =>
        {
            e.ToTable("WebhookSubscriptions");
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Url).HasMaxLength(2000);
            e.Property(x => x.EventTypes).HasMaxLength(1000);
            e.Property(x => x.Secret).HasMaxLength(200);
            e.Property(x => x.PreviousSecret).HasMaxLength(200);
            e.Property(x => x.DisabledReason).HasMaxLength(500);
        });
        b.Entity<WebhookMessage>(e =>
        {
            e.ToTable("WebhookMessages");
            e.Property(x => x.Type).HasMaxLength(50);
            e.HasIndex(x => x.EventId).IsUnique();
        });
        b.Entity<WebhookDelivery>(e =>
        {
            e.ToTable("WebhookDeliveries");
            e.Property(x => x.LeaseOwner).HasMaxLength(200);
            e.Property(x => x.LastError).HasMaxLength(1000);
            e.HasIndex(x => new { x.SubscriptionId, x.MessageId }).IsUnique();
            // The sender's read: due pending deliveries, oldest first.
            e.HasIndex(x => new { x.Status, x.NextAttemptAt });
        });
        b.Entity<WebhookAttempt>(e =>
        {
            e.ToTable("WebhookAttempts");
            e.Property(x => x.Error).HasMaxLength(1000);
            e.HasIndex(x => new { x.DeliveryId, x.Id });
            e.HasIndex(x => new { x.SubscriptionId, x.Id });
        });
    }
}

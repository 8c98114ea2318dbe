using Microsoft.EntityFrameworkCore;

namespace Byline.Storage;

/// <summary>
/// The outbox: one row per committed change, written in the same transaction as the change. The id
/// is the commit order (see <c>Events.ContentEvents.AppendAsync</c> for how PostgreSQL keeps it so).
/// </summary>
public sealed class ContentEvent
{
    public const int MaxKeys = 4000;

    public long Id { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>Space-separated content keys (keys never contain spaces).</summary>
    public string Keys { get; set; } = "";
    public string Reason { get; set; } = "";
    public int? ArticleId { get; set; }
    public string Actor { get; set; } = "";

    public static string JoinKeys(IEnumerable<string> keys) => string.Join(' ', keys.Distinct(StringComparer.Ordinal));

    public static IReadOnlyList<string> SplitKeys(string keys) =>
        (keys ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// A durable consumer's place in the outbox, shared by every node: the last event it has handled, the
/// node that holds it now (a lease, so one node delivers it at a time), and the failures of the event
/// it is retrying.
/// </summary>
public sealed class ContentEventConsumer
{
    public string Name { get; set; } = "";
    public long Position { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>An event a durable consumer gave up on after its retry budget: kept until an admin retries or skips it.</summary>
public sealed class ContentEventFailure
{
    public long Id { get; set; }
    public string Consumer { get; set; } = "";
    public long EventId { get; set; }
    public int Attempts { get; set; }
    public string Error { get; set; } = "";
    public DateTime FailedAt { get; set; }
}

public static class EventsModel
{
    public static void Configure(ModelBuilder b)
    {
        ArgumentNullException.ThrowIfNull(b);
        b.Entity<ContentEvent>(e =>
        {
            e.ToTable("ContentEvents");
            e.Property(x => x.Keys).HasMaxLength(ContentEvent.MaxKeys);
            e.Property(x => x.Reason).HasMaxLength(200);
            e.Property(x => x.Actor).HasMaxLength(256);
            // Pruning walks the oldest events; consumers read by id.
            e.HasIndex(x => x.CreatedAt);
        });
        b.Entity<ContentEventConsumer>(e =>
        {
            e.ToTable("ContentEventConsumers");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.LeaseOwner).HasMaxLength(200);
            e.Property(x => x.LastError).HasMaxLength(2000);
        });
        b.Entity<ContentEventFailure>(e =>
        {
            e.ToTable("ContentEventFailures");
            e.Property(x => x.Consumer).HasMaxLength(100);
            e.Property(x => x.Error).HasMaxLength(2000);
            e.HasIndex(x => new { x.Consumer, x.EventId }).IsUnique();
        });
    }
}

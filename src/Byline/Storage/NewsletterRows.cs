using Microsoft.EntityFrameworkCore;

namespace Byline.Storage;

public enum NewsletterKind
{
    /// <summary>Sent on its schedule (or by hand): stories from Top Stories or a section.</summary>
    Digest = 0,
    /// <summary>Sent on demand from one story (breaking news).</summary>
    Alert = 1,
}

/// <summary>A newsletter readers can subscribe to, defined by an admin.</summary>
public sealed class NewsletterList
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Slug { get; set; }
    public string Description { get; set; } = "";
    public required string SenderName { get; set; }
    public required string SenderAddress { get; set; }
    public string? ReplyTo { get; set; }
    public NewsletterKind Kind { get; set; }
    /// <summary>Days a digest goes out, a bit per day (bit 0 = Sunday); 0 for none (sent by hand).</summary>
    public int ScheduleDays { get; set; }
    /// <summary>Minutes after midnight, in the publication's time zone.</summary>
    public int ScheduleMinute { get; set; } = 7 * 60;
    /// <summary>The section whose newest stories fill an issue; null for the curated Top Stories.</summary>
    public int? SourceSectionId { get; set; }
    public int StoryCount { get; set; } = 6;
    public bool OpenTracking { get; set; }
    public bool Enabled { get; set; } = true;
    /// <summary>When the scheduler makes and sends the next issue (UTC); null when not scheduled.</summary>
    public DateTime? NextIssueAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One reader's address. Personal data: exported and erased on request.</summary>
public sealed class NewsletterSubscriber
{
    public int Id { get; set; }
    /// <summary>Lower-cased, trimmed address; unique.</summary>
    public required string Email { get; set; }
    public string Name { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    /// <summary>Set when mail to the address must stop (hard bounce, complaint, repeated soft bounces).</summary>
    public DateTime? SuppressedAt { get; set; }
    public string? SuppressionReason { get; set; }
    /// <summary>When an admin last lifted a suppression: soft bounces before it no longer count.</summary>
    public DateTime? SuppressionLiftedAt { get; set; }
    /// <summary>Where the address came from: <c>site</c> (the subscribe form) or <c>import</c> (a CSV).</summary>
    public string Source { get; set; } = "site";
}

public enum BounceKind
{
    /// <summary>A temporary failure (4.x.x): three within 14 days suppress the address.</summary>
    Soft = 0,
    /// <summary>A permanent failure (5.x.x): suppresses at once.</summary>
    Hard = 1,
    /// <summary>A complaint (an ARF abuse report, "marked as spam"): suppresses at once.</summary>
    Complaint = 2,
}

/// <summary>One bounce or complaint received for a subscriber, from the bounce mailbox or the webhook.</summary>
public sealed class NewsletterBounce
{
    public long Id { get; set; }
    public int SubscriberId { get; set; }
    public BounceKind Kind { get; set; }
    /// <summary>The enhanced status code (RFC 3463), e.g. <c>5.1.1</c>; empty for a complaint.</summary>
    public string Status { get; set; } = "";
    /// <summary>The remote server's words (Diagnostic-Code) or the complaint's feedback type.</summary>
    public string Detail { get; set; } = "";
    /// <summary><c>mailbox</c> or <c>webhook</c>.</summary>
    public string Via { get; set; } = "";
    /// <summary>The report's Message-ID (or a hash of it) with the recipient: one report counts once however often it is read.</summary>
    public required string ReportKey { get; set; }
    public DateTime ReceivedAt { get; set; }
}

/// <summary>A lease on a background job that must run on one node at a time (the bounce mailbox reader).</summary>
public sealed class NewsletterJobLease
{
    public required string Name { get; set; }
    public string? Owner { get; set; }
    public DateTime? Until { get; set; }
}

public enum SubscriptionState
{
    /// <summary>Asked on the site; the confirmation mail is out.</summary>
    Pending = 0,
    Confirmed = 1,
    Unsubscribed = 2,
}

/// <summary>A reader's state on one list, with the dates that show consent.</summary>
public sealed class NewsletterSubscription
{
    public int SubscriberId { get; set; }
    public int ListId { get; set; }
    public SubscriptionState State { get; set; }
    public DateTime RequestedAt { get; set; }
    public DateTime? ConfirmedAt { get; set; }
    public DateTime? UnsubscribedAt { get; set; }
    /// <summary>The client address the confirmation came from (consent record).</summary>
    public string? ConfirmedFrom { get; set; }
}

public enum IssueState
{
    /// <summary>Being edited; nothing goes out.</summary>
    Draft = 0,
    /// <summary>Sent by an editor: the sender makes its recipients and delivers.</summary>
    Queued = 1,
    /// <summary>Recipients made; deliveries going out.</summary>
    Sending = 2,
    Sent = 3,
}

/// <summary>One edition of a list: its stories in order, a note, and the sending state with a lease (one node sends it).</summary>
public sealed class NewsletterIssue
{
    public int Id { get; set; }
    public int ListId { get; set; }
    public required string Subject { get; set; }
    public string Note { get; set; } = "";
    /// <summary>Story ids in the order they appear, space-separated.</summary>
    public string ArticleIds { get; set; } = "";
    public bool IsAlert { get; set; }
    public IssueState State { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? QueuedAt { get; set; }
    public DateTime? SentAt { get; set; }
    public int Recipients { get; set; }
    /// <summary>The site address links in the mail start with, taken from the request that sent it (or Byline:PublicBaseUrl).</summary>
    public string BaseUrl { get; set; } = "";
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
}

public enum DeliveryState
{
    Pending = 0,
    /// <summary>Handed to the SMTP server and not yet confirmed; after a hard crash the row stays here and is never sent again.</summary>
    Claimed = 1,
    Sent = 2,
    /// <summary>Refused for good (5xx for the recipient, or too many attempts).</summary>
    Failed = 3,
}

/// <summary>One recipient of one issue: the row that makes sending resumable and never twice.</summary>
public sealed class NewsletterDelivery
{
    public long Id { get; set; }
    public int IssueId { get; set; }
    public int SubscriberId { get; set; }
    public DeliveryState State { get; set; }
    public required string MessageId { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? SentAt { get; set; }
    /// <summary>First time the tracking image was fetched; only lists with open tracking carry one.</summary>
    public DateTime? OpenedAt { get; set; }
    public string? LastError { get; set; }
}

internal static class NewsletterModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<NewsletterList>(e =>
        {
            e.ToTable("NewsletterLists");
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Slug).HasMaxLength(100);
            e.Property(x => x.Description).HasMaxLength(500);
            e.Property(x => x.SenderName).HasMaxLength(100);
            e.Property(x => x.SenderAddress).HasMaxLength(254);
            e.Property(x => x.ReplyTo).HasMaxLength(254);
            e.HasIndex(x => x.Slug).IsUnique();
            e.HasOne<Byline.Content.Section>().WithMany().HasForeignKey(x => x.SourceSectionId).OnDelete(DeleteBehavior.SetNull);
        });
        b.Entity<NewsletterSubscriber>(e =>
        {
            e.ToTable("NewsletterSubscribers");
            e.Property(x => x.Email).HasMaxLength(254);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.SuppressionReason).HasMaxLength(500);
            e.Property(x => x.Source).HasMaxLength(50);
            e.HasIndex(x => x.Email).IsUnique();
            e.HasIndex(x => x.SuppressedAt);
        });
        b.Entity<NewsletterBounce>(e =>
        {
            e.ToTable("NewsletterBounces");
            e.Property(x => x.Status).HasMaxLength(20);
            e.Property(x => x.Detail).HasMaxLength(500);
            e.Property(x => x.Via).HasMaxLength(20);
            e.Property(x => x.ReportKey).HasMaxLength(300);
            e.HasOne<NewsletterSubscriber>().WithMany().HasForeignKey(x => x.SubscriberId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => x.ReportKey).IsUnique();
            e.HasIndex(x => new { x.SubscriberId, x.Kind, x.ReceivedAt });
        });
        b.Entity<NewsletterJobLease>(e =>
        {
            e.ToTable("NewsletterJobLeases");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(50);
            e.Property(x => x.Owner).HasMaxLength(200);
        });
        b.Entity<NewsletterSubscription>(e =>
        {
            e.ToTable("NewsletterSubscriptions");
            e.HasKey(x => new { x.SubscriberId, x.ListId });
            e.Property(x => x.ConfirmedFrom).HasMaxLength(64);
            e.HasOne<NewsletterSubscriber>().WithMany().HasForeignKey(x => x.SubscriberId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<NewsletterList>().WithMany().HasForeignKey(x => x.ListId).OnDelete(DeleteBehavior.Cascade);
            // An issue's recipients: the confirmed subscribers of its list.
            e.HasIndex(x => new { x.ListId, x.State, x.SubscriberId });
        });
        b.Entity<NewsletterIssue>(e =>
        {
            e.ToTable("NewsletterIssues");
            e.Property(x => x.Subject).HasMaxLength(200);
            e.Property(x => x.Note).HasMaxLength(4000);
            e.Property(x => x.ArticleIds).HasMaxLength(2000);
            e.Property(x => x.CreatedBy).HasMaxLength(256);
            e.Property(x => x.BaseUrl).HasMaxLength(300);
            e.Property(x => x.LeaseOwner).HasMaxLength(200);
            e.HasOne<NewsletterList>().WithMany().HasForeignKey(x => x.ListId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.State, x.Id });
            e.HasIndex(x => new { x.ListId, x.Id });
        });
        b.Entity<NewsletterDelivery>(e =>
        {
            e.ToTable("NewsletterDeliveries");
            e.Property(x => x.MessageId).HasMaxLength(200);
            e.Property(x => x.LastError).HasMaxLength(1000);
            e.HasOne<NewsletterIssue>().WithMany().HasForeignKey(x => x.IssueId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<NewsletterSubscriber>().WithMany().HasForeignKey(x => x.SubscriberId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.IssueId, x.SubscriberId }).IsUnique();
            e.HasIndex(x => new { x.IssueId, x.State, x.NextAttemptAt });
            e.HasIndex(x => x.SubscriberId);
        });
    }
}

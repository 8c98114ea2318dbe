using Microsoft.EntityFrameworkCore;

namespace Byline.Storage;

public enum WireFeedKind
{
    /// <summary>RSS 2.0 or Atom 1.0, told apart by the document's root.</summary>
    RssAtom = 0,
    /// <summary>IPTC ninjs 2.x JSON: one item, an array of items, or <c>{"items": [...]}</c>.</summary>
    Ninjs = 1,
    /// <summary>IPTC NewsML-G2 XML: a <c>newsItem</c>, or a <c>newsMessage</c> holding several.</summary>
    NewsMlG2 = 2,
    /// <summary>NewsML-G2 files an agency drops into a folder on this server (<see cref="WireSource.FolderPath"/>).</summary>
    NewsMlG2Folder = 3,
}

/// <summary>What an agency said about an item besides its copy.</summary>
public enum WireSignal
{
    None = 0,
    /// <summary>Must not be used; every draft made from it is marked and editors are told.</summary>
    Kill = 1,
    /// <summary>Withheld for now; treated like a kill on the desk.</summary>
    Withdraw = 2,
    /// <summary>A correction of an earlier version.</summary>
    Correction = 3,
}

/// <summary>
/// One agency source an admin set up: where to poll (or only push), how often, with which credentials
/// (encrypted with ASP.NET Data Protection), and the poller's state — its lease (one node at a time), the
/// conditional-GET validators and the health the dashboard reads.
/// </summary>
public sealed class WireSource
{
    public int Id { get; set; }
    public required string AgencyName { get; set; }
    /// <summary>What a draft credits ("PTI"); the agency name when empty.</summary>
    public string CreditLine { get; set; } = "";
    public int? DefaultSectionId { get; set; }
    public WireFeedKind Kind { get; set; }
    /// <summary>The feed polled; null for a source that is only pushed to.</summary>
    public string? Url { get; set; }
    /// <summary>The watched folder of a <see cref="WireFeedKind.NewsMlG2Folder"/> source; null for every other kind.</summary>
    public string? FolderPath { get; set; }
    public int PollIntervalSeconds { get; set; } = 60;
    public bool Enabled { get; set; } = true;
    /// <summary>Protected JSON of the user name and password sent with each poll (HTTP Basic); null for none.</summary>
    public string? ProtectedCredentials { get; set; }
    /// <summary>Protected HMAC key of the push endpoint; null when pushing is off.</summary>
    public string? ProtectedPushSecret { get; set; }
    public string? ETag { get; set; }
    public string? LastModified { get; set; }
    public DateTime? NextPollAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public DateTime? LastSuccessAt { get; set; }
    public DateTime? LastErrorAt { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// One agency item as it stands: its newest version, updated in place when a newer one arrives (every version
/// is kept in <see cref="WireItemVersion"/>). Unique per (source, agency id).
/// </summary>
public sealed class WireItem
{
    public long Id { get; set; }
    public int SourceId { get; set; }
    public required string AgencyId { get; set; }
    public int Version { get; set; }
    /// <summary>1 (flash) to 9 (lowest), as ninjs and NewsML-G2 number it; null when the agency gave none.</summary>
    public int? Urgency { get; set; }
    /// <summary>Subject names, each between '|' marks (<c>|Politics|Elections|</c>), so a filter is one LIKE.</summary>
    public string Subjects { get; set; } = "";
    public string Dateline { get; set; } = "";
    public required string Headline { get; set; }
    /// <summary>Sanitised HTML.</summary>
    public string BodyHtml { get; set; } = "";
    /// <summary>The body as plain text: what search, the SimHash and a draft read.</summary>
    public string BodyText { get; set; } = "";
    /// <summary>Picture URLs, one per line, as the agency named them.</summary>
    public string Pictures { get; set; } = "";
    public bool HasPictures { get; set; }
    public DateTime? EmbargoUntil { get; set; }
    public WireSignal Signal { get; set; }
    /// <summary>When a kill or withdrawal arrived; null while usable.</summary>
    public DateTime? KilledAt { get; set; }
    /// <summary>When the agency sent this version (its own clock), if it said.</summary>
    public DateTime? SentAt { get; set; }
    public DateTime ReceivedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>The hash of the version it holds (see <see cref="WireItemVersion.ContentHash"/>).</summary>
    public string ContentHash { get; set; } = "";
    /// <summary>64-bit SimHash of the body's word shingles.</summary>
    public long SimHash { get; set; }
    /// <summary>The first item of its near-duplicate cluster (its own id when alone).</summary>
    public long ClusterId { get; set; }
}

/// <summary>
/// Every version of every item, as received. The unique (source, agency id, version) index is the exact
/// deduplication: however many pollers or pushes deliver a version, it is stored once.
/// </summary>
public sealed class WireItemVersion
{
    public long Id { get; set; }
    public long ItemId { get; set; }
    public int SourceId { get; set; }
    public required string AgencyId { get; set; }
    public int Version { get; set; }
    public required string Headline { get; set; }
    public string BodyHtml { get; set; } = "";
    public WireSignal Signal { get; set; }
    public DateTime? EmbargoUntil { get; set; }
    /// <summary>SHA-256 of the item as parsed: RSS and Atom carry no versions, so a changed hash makes the next one.</summary>
    public string ContentHash { get; set; } = "";
    public DateTime ReceivedAt { get; set; }
}

/// <summary>
/// The SimHash of an item cut in eight bands of eight bits, each stored as <c>band * 256 + value</c>: two
/// hashes within Hamming distance 7 share at least one band, so near-duplicate candidates are one index lookup.
/// </summary>
public sealed class WireSimKey
{
    public int Key { get; set; }
    public long ItemId { get; set; }
}

/// <summary>An item (or a whole document) the parser refused, with the reason, so the feed goes on without it.</summary>
public sealed class WireQuarantine
{
    public long Id { get; set; }
    public int SourceId { get; set; }
    public string? AgencyId { get; set; }
    public required string Reason { get; set; }
    /// <summary>The start of what was refused, for the admin to look at.</summary>
    public string Excerpt { get; set; } = "";
    public DateTime At { get; set; }
}

/// <summary>
/// An agency picture fetched into the media library, once per address (<see cref="UrlHash"/> is unique): the
/// image it became, or why it could not be fetched. Two addresses with the same bytes share one image
/// (<see cref="ContentHash"/>).
/// </summary>
public sealed class WirePicture
{
    public long Id { get; set; }
    /// <summary>SHA-256 (hex) of <see cref="Url"/>: the unique key (an address may be longer than an index allows).</summary>
    public required string UrlHash { get; set; }
    public required string Url { get; set; }
    /// <summary>The media library's picture; null while not fetched, after a failure, or when the picture was deleted.</summary>
    public int? ImageId { get; set; }
    /// <summary>SHA-256 (hex) of the bytes fetched; null when the fetch failed.</summary>
    public string? ContentHash { get; set; }
    /// <summary>Why the last fetch failed; null when it succeeded.</summary>
    public string? Error { get; set; }
    public DateTime FetchedAt { get; set; }
}

/// <summary>A story made from a wire item: its embargo holds the story back, and a kill marks it.</summary>
public sealed class WireStoryLink
{
    public int ArticleId { get; set; }
    public long ItemId { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal static class WireModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<WireSource>(e =>
        {
            e.ToTable("WireSources");
            e.Property(x => x.AgencyName).HasMaxLength(100);
            e.Property(x => x.CreditLine).HasMaxLength(100);
            e.Property(x => x.Url).HasMaxLength(2000);
            e.Property(x => x.FolderPath).HasMaxLength(1000);
            e.Property(x => x.ProtectedCredentials).HasMaxLength(4000);
            e.Property(x => x.ProtectedPushSecret).HasMaxLength(4000);
            e.Property(x => x.ETag).HasMaxLength(500);
            e.Property(x => x.LastModified).HasMaxLength(100);
            e.Property(x => x.LeaseOwner).HasMaxLength(200);
            e.Property(x => x.LastError).HasMaxLength(1000);
            e.HasOne<Byline.Content.Section>().WithMany().HasForeignKey(x => x.DefaultSectionId).OnDelete(DeleteBehavior.SetNull);
        });
        b.Entity<WireItem>(e =>
        {
            e.ToTable("WireItems");
            e.Property(x => x.AgencyId).HasMaxLength(300);
            e.Property(x => x.Headline).HasMaxLength(500);
            e.Property(x => x.Dateline).HasMaxLength(200);
            e.Property(x => x.Subjects).HasMaxLength(2000);
            e.Property(x => x.ContentHash).HasMaxLength(64);
            e.HasOne<WireSource>().WithMany().HasForeignKey(x => x.SourceId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.SourceId, x.AgencyId }).IsUnique();
            // The desk: newest first, whole or one agency's; and a cluster's members.
            e.HasIndex(x => new { x.ReceivedAt, x.Id });
            e.HasIndex(x => new { x.SourceId, x.ReceivedAt, x.Id });
            e.HasIndex(x => x.ClusterId);
        });
        b.Entity<WireItemVersion>(e =>
        {
            e.ToTable("WireItemVersions");
            e.Property(x => x.AgencyId).HasMaxLength(300);
            e.Property(x => x.Headline).HasMaxLength(500);
            e.Property(x => x.ContentHash).HasMaxLength(64);
            e.HasOne<WireItem>().WithMany().HasForeignKey(x => x.ItemId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.SourceId, x.AgencyId, x.Version }).IsUnique();
            e.HasIndex(x => x.ItemId);
        });
        b.Entity<WireSimKey>(e =>
        {
            e.ToTable("WireSimKeys");
            e.HasKey(x => new { x.Key, x.ItemId });
            e.HasOne<WireItem>().WithMany().HasForeignKey(x => x.ItemId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => x.ItemId);
        });
        b.Entity<WireQuarantine>(e =>
        {
            e.ToTable("WireQuarantine");
            e.Property(x => x.AgencyId).HasMaxLength(300);
            e.Property(x => x.Reason).HasMaxLength(1000);
            e.Property(x => x.Excerpt).HasMaxLength(2000);
            e.HasOne<WireSource>().WithMany().HasForeignKey(x => x.SourceId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.SourceId, x.Id });
        });
        b.Entity<WirePicture>(e =>
        {
            e.ToTable("WirePictures");
            e.Property(x => x.UrlHash).HasMaxLength(64);
            e.Property(x => x.Url).HasMaxLength(2000);
            e.Property(x => x.ContentHash).HasMaxLength(64);
            e.Property(x => x.Error).HasMaxLength(500);
            e.HasIndex(x => x.UrlHash).IsUnique();
            e.HasIndex(x => x.ContentHash);
            e.HasOne<Byline.Content.Image>().WithMany().HasForeignKey(x => x.ImageId).OnDelete(DeleteBehavior.SetNull);
        });
        b.Entity<WireStoryLink>(e =>
        {
            e.ToTable("WireStoryLinks");
            e.HasKey(x => new { x.ArticleId, x.ItemId });
            e.HasOne<Byline.Content.Article>().WithMany().HasForeignKey(x => x.ArticleId).OnDelete(DeleteBehavior.Cascade);
            // An item used in a story is kept by retention: the link refuses its deletion.
            e.HasOne<WireItem>().WithMany().HasForeignKey(x => x.ItemId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.ItemId);
        });
    }
}

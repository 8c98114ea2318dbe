using Byline.Content;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Byline.Storage;

/// <summary>
/// The one EF Core model. Each provider has a thin subclass so that it carries its own migrations
/// (Storage/Migrations/Sqlite and Storage/Migrations/Postgres).
/// </summary>
public abstract class BylineDb(DbContextOptions options)
    : IdentityDbContext<BylineUser, BylineRole, int>(options), IDataProtectionKeyContext
{
    public DbSet<Article> Articles => Set<Article>();
    public DbSet<ArticleAuthor> ArticleAuthors => Set<ArticleAuthor>();
    public DbSet<ArticleTag> ArticleTags => Set<ArticleTag>();
    public DbSet<Section> Sections => Set<Section>();
    public DbSet<Tag> Tags => Set<Tag>();
    public DbSet<Author> Authors => Set<Author>();
    public DbSet<Image> Images => Set<Image>();
    public DbSet<StaticPage> StaticPages => Set<StaticPage>();
    public DbSet<Show> Shows => Set<Show>();
    public DbSet<LiveBlogUpdate> LiveBlogUpdates => Set<LiveBlogUpdate>();
    public DbSet<CuratedItem> CuratedItems => Set<CuratedItem>();
    public DbSet<SlugRedirect> SlugRedirects => Set<SlugRedirect>();
    public DbSet<SettingDocument> Settings => Set<SettingDocument>();
    public DbSet<ArticleRevision> ArticleRevisions => Set<ArticleRevision>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    /// <summary>Data-protection keys live with the content, so restarts and every node share sign-in cookies.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<ArticleViewCount> ArticleViews => Set<ArticleViewCount>();
    public DbSet<SearchTermCount> SearchTerms => Set<SearchTermCount>();
    public DbSet<HiddenSearchTerm> HiddenSearchTerms => Set<HiddenSearchTerm>();
    public DbSet<TrendingOverride> TrendingOverrides => Set<TrendingOverride>();
    public DbSet<StoryShare> StoryShares => Set<StoryShare>();
    public DbSet<StoryPresence> StoryPresences => Set<StoryPresence>();
    public DbSet<StoryLock> StoryLocks => Set<StoryLock>();
    public DbSet<StoryNote> StoryNotes => Set<StoryNote>();
    public DbSet<StoryAssignment> StoryAssignments => Set<StoryAssignment>();
    public DbSet<SignInThrottle> SignInThrottles => Set<SignInThrottle>();
    public DbSet<WriteProbe> WriteProbes => Set<WriteProbe>();
    public DbSet<MediaUpload> MediaUploads => Set<MediaUpload>();
    public DbSet<Redirect> Redirects => Set<Redirect>();
    public DbSet<ImportedItem> ImportedItems => Set<ImportedItem>();
    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AdCreative> AdCreatives => Set<AdCreative>();
    public DbSet<AdDailyCount> AdCounts => Set<AdDailyCount>();

    public abstract DatabaseProvider Provider { get; }

    protected override void OnModelCreating(ModelBuilder b)
    {
        ArgumentNullException.ThrowIfNull(b);
        base.OnModelCreating(b);
        // The published-only filter is identical SQL on both providers.
        const string Published = "\"Status\" = 3";
        const string Scheduled = "\"Status\" = 2";
        const string Listed = "\"ListedAt\" IS NOT NULL";

        b.Entity<Article>(e =>
        {
            // Small columns first, the two bodies last: SQLite stores a row's columns in table order
            // and spills what does not fit a page into overflow pages, so a card, list or sitemap read
            // that needs only the small columns never walks a story's body. Pinned here so that any
            // later SQLite table rebuild (EF creates the new table from this model) keeps the order.
            string[] order =
            [
                nameof(Article.Id), nameof(Article.Status), nameof(Article.Format), nameof(Article.PublishedAt),
                nameof(Article.TopSectionId), nameof(Article.SectionId), nameof(Article.Slug), nameof(Article.Headline),
                nameof(Article.Standfirst), nameof(Article.LeadImageId), nameof(Article.LeadImageAlt),
                nameof(Article.LeadImageCaption), nameof(Article.LeadImageCredit), nameof(Article.UpdatedAt),
                nameof(Article.ModifiedAt), nameof(Article.CreatedAt), nameof(Article.CreatedById), nameof(Article.Version),
                nameof(Article.WordCount), nameof(Article.Attribution), nameof(Article.SeoTitle), nameof(Article.SeoDescription),
                nameof(Article.LinkedArticleId), nameof(Article.ShowId), nameof(Article.FormatData),
                nameof(Article.BodyHtml), nameof(Article.BodyMarkdown),
            ];
            for (var i = 0; i < order.Length; i++)
            {
                e.Property(order[i]).HasColumnOrder(i);
            }
            e.Property(a => a.Slug).HasMaxLength(200);
            e.Property(a => a.Headline).HasMaxLength(300);
            e.Property(a => a.Standfirst).HasMaxLength(1000);
            e.Property(a => a.Attribution).HasMaxLength(200);
            e.Property(a => a.SeoTitle).HasMaxLength(300);
            e.Property(a => a.SeoDescription).HasMaxLength(500);
            e.Property(a => a.LeadImageAlt).HasMaxLength(500);
            e.Property(a => a.LeadImageCaption).HasMaxLength(1000);
            e.Property(a => a.LeadImageCredit).HasMaxLength(200);
            e.Property(a => a.Version).IsConcurrencyToken();
            e.HasOne(a => a.Section).WithMany().HasForeignKey(a => a.SectionId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Section>().WithMany().HasForeignKey(a => a.TopSectionId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(a => a.LeadImage).WithMany().HasForeignKey(a => a.LeadImageId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne<BylineUser>().WithMany().HasForeignKey(a => a.CreatedById).OnDelete(DeleteBehavior.SetNull);
            // Every published list is one range of one of these indexes, newest first. Format rides along
            // so that lists of listed formats skip shorts, episodes… on the index entries alone.
            e.HasIndex(a => new { a.PublishedAt, a.Id, a.Format }).HasDatabaseName("IX_Articles_Latest").HasFilter(Published);
            e.HasIndex(a => new { a.TopSectionId, a.PublishedAt, a.Id, a.Format }).HasDatabaseName("IX_Articles_TopSection").HasFilter(Published);
            e.HasIndex(a => new { a.SectionId, a.PublishedAt, a.Id, a.Format }).HasDatabaseName("IX_Articles_Section").HasFilter(Published);
            // The formats' own streams (/shorts, /web-stories, hubs) and a show's episodes.
            e.HasIndex(a => new { a.Format, a.PublishedAt, a.Id }).HasDatabaseName("IX_Articles_Format").HasFilter(Published);
            e.HasIndex(a => new { a.ShowId, a.PublishedAt, a.Id }).HasDatabaseName("IX_Articles_Show").HasFilter(Published + " AND \"ShowId\" IS NOT NULL");
            // ShowId and LinkedArticleId carry no foreign keys: adding one makes SQLite rebuild the whole
            // table. The newsroom refuses to delete a show that has episodes instead.
            e.HasIndex(a => new { a.Status, a.ModifiedAt });
            // The scheduler's "what is due, and when is the next one" every few seconds: a handful of
            // rows. Without it SQLite's statistics (Status = ? matches ~every row) chose a scan of the
            // whole table and a sort — half a second at 100,000 stories, every five seconds.
            e.HasIndex(a => new { a.PublishedAt, a.Id }).HasDatabaseName("IX_Articles_Scheduled").HasFilter(Scheduled);
            // The newsroom checks a new or edited slug for clashes; URLs stay unique through the id.
            e.HasIndex(a => a.Slug);
        });
        b.Entity<ArticleAuthor>(e =>
        {
            e.HasKey(x => new { x.ArticleId, x.AuthorId });
            e.HasOne<Article>().WithMany(a => a.Authors).HasForeignKey(x => x.ArticleId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(x => x.Author).WithMany().HasForeignKey(x => x.AuthorId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.AuthorId, x.ListedAt, x.ArticleId }).HasFilter(Listed);
        });
        b.Entity<ArticleTag>(e =>
        {
            e.HasKey(x => new { x.ArticleId, x.TagId });
            e.HasOne<Article>().WithMany(a => a.Tags).HasForeignKey(x => x.ArticleId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(x => x.Tag).WithMany().HasForeignKey(x => x.TagId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.TagId, x.ListedAt, x.ArticleId }).HasFilter(Listed);
        });
        b.Entity<Section>(e =>
        {
            e.Property(s => s.Slug).HasMaxLength(100);
            e.Property(s => s.Name).HasMaxLength(100);
            e.HasIndex(s => s.Slug).IsUnique();
            e.HasOne(s => s.Parent).WithMany().HasForeignKey(s => s.ParentId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<Tag>(e =>
        {
            e.Property(t => t.Slug).HasMaxLength(100);
            e.Property(t => t.Name).HasMaxLength(100);
            e.HasIndex(t => t.Slug).IsUnique();
        });
        b.Entity<Author>(e =>
        {
            e.Property(a => a.Slug).HasMaxLength(100);
            e.Property(a => a.Name).HasMaxLength(100);
            e.HasIndex(a => a.Slug).IsUnique();
            e.HasOne(a => a.Photo).WithMany().HasForeignKey(a => a.PhotoImageId).OnDelete(DeleteBehavior.SetNull);
        });
        b.Entity<Image>(e =>
        {
            e.Property(i => i.Key).HasMaxLength(100);
            e.HasIndex(i => i.Key).IsUnique();
            e.Property(i => i.SourceType).HasMaxLength(40);
            e.Property(i => i.UploadedBy).HasMaxLength(256);
            e.Property(i => i.Focus).HasMaxLength(200);
            e.HasIndex(i => i.UploadedBy);
        });
        b.Entity<StaticPage>(e =>
        {
            e.Property(p => p.Slug).HasMaxLength(100);
            e.HasIndex(p => p.Slug).IsUnique();
        });
        b.Entity<Show>(e =>
        {
            e.Property(s => s.Slug).HasMaxLength(100);
            e.Property(s => s.Name).HasMaxLength(100);
            e.Property(s => s.Description).HasMaxLength(2000);
            e.Property(s => s.ScheduleText).HasMaxLength(200);
            e.HasIndex(s => s.Slug).IsUnique();
            e.HasOne(s => s.Artwork).WithMany().HasForeignKey(s => s.ArtworkImageId).OnDelete(DeleteBehavior.SetNull);
        });
        b.Entity<LiveBlogUpdate>(e =>
        {
            e.Property(u => u.Headline).HasMaxLength(300);
            e.Property(u => u.AuthorName).HasMaxLength(256);
            e.Property(u => u.Version).IsConcurrencyToken();
            e.HasIndex(u => new { u.ArticleId, u.PostedAt });
            e.HasOne<Article>().WithMany().HasForeignKey(u => u.ArticleId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<CuratedItem>(e =>
        {
            e.Property(c => c.List).HasMaxLength(50);
            e.HasIndex(c => new { c.List, c.Position });
            e.HasOne(c => c.Article).WithMany().HasForeignKey(c => c.ArticleId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<SlugRedirect>(e =>
        {
            e.Property(r => r.OldSlug).HasMaxLength(200);
            e.HasIndex(r => new { r.Kind, r.OldSlug }).IsUnique();
        });
        b.Entity<BylineUser>(e =>
        {
            e.Property(u => u.DisplayName).HasMaxLength(100);
            e.HasOne<Author>().WithMany().HasForeignKey(u => u.AuthorId).OnDelete(DeleteBehavior.SetNull);
        });
        b.Entity<ArticleRevision>(e =>
        {
            e.HasIndex(r => new { r.ArticleId, r.Number }).IsUnique();
            e.HasOne<Article>().WithMany().HasForeignKey(r => r.ArticleId).OnDelete(DeleteBehavior.Cascade);
            e.Property(r => r.Headline).HasMaxLength(300);
            e.Property(r => r.UserName).HasMaxLength(256);
            e.Property(r => r.Action).HasMaxLength(50);
        });
        b.Entity<AuditEntry>(e =>
        {
            e.HasIndex(a => a.At);
            e.HasIndex(a => new { a.EntityType, a.EntityId });
            e.Property(a => a.Action).HasMaxLength(100);
            e.Property(a => a.EntityType).HasMaxLength(50);
            e.Property(a => a.EntityId).HasMaxLength(100);
            e.Property(a => a.UserName).HasMaxLength(256);
            e.Property(a => a.IpAddress).HasMaxLength(64);
        });
        b.Entity<SettingDocument>(e =>
        {
            e.HasKey(s => s.Key);
            e.Property(s => s.Key).HasMaxLength(100);
        });
        DiscoveryModel.Configure(b);
        EventsModel.Configure(b);
        NewsroomModel.Configure(b);
        MediaUploadModel.Configure(b);
        WebhookModel.Configure(b);
        ImportingModel.Configure(b);
        ApiKeyModel.Configure(b);
        AdModel.Configure(b);
        WireModel.Configure(b);
        NewsletterModel.Configure(b);
    }
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class SqliteBylineDb(DbContextOptions<SqliteBylineDb> options) : BylineDb(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override void ConfigureConventions(ModelConfigurationBuilder c)
    {
        ArgumentNullException.ThrowIfNull(c);
        // SQLite keeps DateTime as sortable text without a kind; everything Byline stores is UTC.
        c.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        c.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }
}

public sealed class PostgresBylineDb(DbContextOptions<PostgresBylineDb> options) : BylineDb(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}

internal sealed class UtcDateTimeConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

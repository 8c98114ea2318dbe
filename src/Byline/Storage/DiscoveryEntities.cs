using Byline.Content;
using Microsoft.EntityFrameworkCore;

namespace Byline.Storage;

/// <summary>Page views of one story in one UTC hour. Written in batches by <c>Discovery/DiscoveryCounters</c>, never per view.</summary>
public sealed class ArticleViewCount
{
    public int ArticleId { get; set; }
    /// <summary>Start of the UTC hour.</summary>
    public DateTime Hour { get; set; }
    public int Views { get; set; }
}

/// <summary>How often a normalised search term was asked for on one UTC day. Nothing about who asked.</summary>
public sealed class SearchTermCount
{
    public required string Term { get; set; }
    /// <summary>Midnight UTC of the day.</summary>
    public DateTime Day { get; set; }
    public int Count { get; set; }
}

/// <summary>A term editors keep out of every public "Most searched" list.</summary>
public sealed class HiddenSearchTerm
{
    public required string Term { get; set; }
    public DateTime HiddenAt { get; set; }
    public string HiddenBy { get; set; } = "";
}

public enum TrendingOverrideKind
{
    Pin = 0,
    Hide = 1,
}

/// <summary>An editor's pin (shown first in Trending) or hide (never in Trending or Most read) for one story.</summary>
public sealed class TrendingOverride
{
    public int ArticleId { get; set; }
    public TrendingOverrideKind Kind { get; set; }
    public int Position { get; set; }
    public DateTime At { get; set; }
    public string By { get; set; } = "";
}

/// <summary>EF configuration of the discovery tables; the full-text objects are raw SQL in the Discovery migration.</summary>
public static class DiscoveryModel
{
    public const int MaxTermLength = 64;

    public static void Configure(ModelBuilder b)
    {
        ArgumentNullException.ThrowIfNull(b);
        b.Entity<ArticleViewCount>(e =>
        {
            e.ToTable("ArticleViews");
            e.HasKey(v => new { v.ArticleId, v.Hour });
            // Most read and trending read a time range across stories.
            e.HasIndex(v => new { v.Hour, v.ArticleId });
            e.HasOne<Article>().WithMany().HasForeignKey(v => v.ArticleId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<SearchTermCount>(e =>
        {
            e.ToTable("SearchTerms");
            e.HasKey(t => new { t.Term, t.Day });
            e.Property(t => t.Term).HasMaxLength(MaxTermLength);
            e.HasIndex(t => new { t.Day, t.Term });
        });
        b.Entity<HiddenSearchTerm>(e =>
        {
            e.ToTable("HiddenSearchTerms");
            e.HasKey(t => t.Term);
            e.Property(t => t.Term).HasMaxLength(MaxTermLength);
            e.Property(t => t.HiddenBy).HasMaxLength(256);
        });
        b.Entity<TrendingOverride>(e =>
        {
            e.ToTable("TrendingOverrides");
            e.HasKey(t => t.ArticleId);
            e.Property(t => t.By).HasMaxLength(256);
            e.HasOne<Article>().WithMany().HasForeignKey(t => t.ArticleId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

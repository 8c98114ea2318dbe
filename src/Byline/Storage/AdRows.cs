using Microsoft.EntityFrameworkCore;

namespace Byline.Storage;

public enum AdCreativeKind
{
    Image = 0,
    Html = 1,
}

/// <summary>
/// A first-party creative: direct-sold, or a house ad (the fallback when nothing sold fills a slot).
/// Chosen in the reader's browser from a short-cached list, so pages stay the same for every reader
/// (Ads/AdRules.cs decides which creatives a page may show).
/// </summary>
public sealed class AdCreative
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public AdCreativeKind Kind { get; set; }
    /// <summary>The media-library picture of an image creative.</summary>
    public int? ImageId { get; set; }
    /// <summary>The HTML of an HTML creative, sanitised when saved; shown in a sandboxed frame.</summary>
    public string Html { get; set; } = "";
    public int Width { get; set; }
    public int Height { get; set; }
    /// <summary>Where a click goes (http or https); the click route redirects only here.</summary>
    public string ClickUrl { get; set; } = "";
    public string AltText { get; set; } = "";
    /// <summary>UTC; null: from now.</summary>
    public DateTime? StartsAt { get; set; }
    /// <summary>UTC; null: until switched off.</summary>
    public DateTime? EndsAt { get; set; }
    /// <summary>Position keys, comma-separated ("home-top,article-body").</summary>
    public string Positions { get; set; } = "";
    /// <summary>Section slugs, comma-separated; empty: every section.</summary>
    public string Sections { get; set; } = "";
    /// <summary>Relative share among the creatives that can fill a slot.</summary>
    public int Weight { get; set; } = 1;
    /// <summary>Most impressions per reader per day (kept in the reader's browser); 0: no cap.</summary>
    public int DailyCap { get; set; }
    /// <summary>A house ad fills a slot only when no direct-sold creative or ad server does.</summary>
    public bool IsHouse { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTime UpdatedAt { get; set; }
}

/// <summary>Impressions and clicks of one creative on one UTC day, written in batches by Ads/AdCounters.</summary>
public sealed class AdDailyCount
{
    public int CreativeId { get; set; }
    public DateTime Day { get; set; }
    public int Impressions { get; set; }
    public int Clicks { get; set; }
}

public static class AdModel
{
    public const int MaxName = 120;
    public const int MaxHtml = 20_000;
    public const int MaxUrl = 2000;

    public static void Configure(ModelBuilder b)
    {
        ArgumentNullException.ThrowIfNull(b);
        b.Entity<AdCreative>(e =>
        {
            e.ToTable("AdCreatives");
            e.Property(c => c.Name).HasMaxLength(MaxName);
            e.Property(c => c.ClickUrl).HasMaxLength(MaxUrl);
            e.Property(c => c.AltText).HasMaxLength(300);
            e.Property(c => c.Positions).HasMaxLength(500);
            e.Property(c => c.Sections).HasMaxLength(2000);
            e.HasOne<Content.Image>().WithMany().HasForeignKey(c => c.ImageId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<AdDailyCount>(e =>
        {
            e.ToTable("AdCounts");
            e.HasKey(c => new { c.CreativeId, c.Day });
            e.HasOne<AdCreative>().WithMany().HasForeignKey(c => c.CreativeId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

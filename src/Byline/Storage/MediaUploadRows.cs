using Microsoft.EntityFrameworkCore;

namespace Byline.Storage;

/// <summary>One upload by one newsroom account: what the daily quota sums.</summary>
public sealed class MediaUpload
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    public DateTime At { get; set; }
    public long Bytes { get; set; }

    /// <summary><c>image</c> or <c>video</c>.</summary>
    public required string Kind { get; set; }
}

/// <summary>The upload log behind the per-account quota (<c>Media.UploadQuota</c>).</summary>
internal static class MediaUploadModel
{
    public static void Configure(ModelBuilder b)
    {
        ArgumentNullException.ThrowIfNull(b);
        b.Entity<MediaUpload>(e =>
        {
            e.ToTable("MediaUploads");
            e.Property(u => u.UserId).HasMaxLength(450);
            e.Property(u => u.Kind).HasMaxLength(16);
            e.HasIndex(u => new { u.UserId, u.At });
        });
    }
}

using Byline.Content;
using Microsoft.EntityFrameworkCore;

namespace Byline.Storage;

/// <summary>The newsroom's own tables beyond Identity's: story shares, sign-in throttles, the write probe.</summary>
internal static class NewsroomModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<StoryShare>(e =>
        {
            e.HasKey(s => new { s.ArticleId, s.UserId });
            // The contributor's story list asks "which stories are shared with me".
            e.HasIndex(s => s.UserId);
            e.HasOne<Article>().WithMany().HasForeignKey(s => s.ArticleId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<BylineUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<SignInThrottle>(e =>
        {
            e.Property(t => t.Account).HasMaxLength(SignInThrottle.MaxAccountLength);
            e.Property(t => t.Source).HasMaxLength(64);
            e.HasIndex(t => new { t.Account, t.Source }).IsUnique();
            // Pruning old rows is one range delete.
            e.HasIndex(t => t.LastFailureAt);
        });
        b.Entity<WriteProbe>(e =>
        {
            e.Property(p => p.Id).ValueGeneratedNever();
            // The row exists from the migration on, so the health check only ever updates it.
            e.HasData(new WriteProbe { Id = WriteProbe.OnlyId, CheckedAt = DateTime.UnixEpoch });
        });
    }
}

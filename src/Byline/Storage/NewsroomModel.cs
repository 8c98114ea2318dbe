using Byline.Content;
using Microsoft.EntityFrameworkCore;

namespace Byline.Storage;

/// <summary>The newsroom's own tables beyond Identity's: story shares, sign-in throttles, the write probe.</summary>
internal static class NewsroomModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<StoryPresence>(e =>
        {
            e.HasKey(p => new { p.ArticleId, p.UserId });
            e.HasOne<Article>().WithMany().HasForeignKey(p => p.ArticleId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<BylineUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<StoryLock>(e =>
        {
            e.HasKey(l => l.ArticleId);
            e.HasOne<Article>().WithMany().HasForeignKey(l => l.ArticleId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<BylineUser>().WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<StoryNote>(e =>
        {
            e.HasIndex(n => new { n.ArticleId, n.ResolvedAt });
            e.HasOne<Article>().WithMany().HasForeignKey(n => n.ArticleId).OnDelete(DeleteBehavior.Cascade);
            e.Property(n => n.Text).HasMaxLength(StoryNote.MaxText);
            e.Property(n => n.UserName).HasMaxLength(256);
            e.Property(n => n.ResolvedByName).HasMaxLength(256);
        });
        b.Entity<StoryAssignment>(e =>
        {
            e.HasKey(a => a.ArticleId);
            // "My work" asks for the stories assigned to one account.
            e.HasIndex(a => a.UserId);
            e.HasOne<Article>().WithMany().HasForeignKey(a => a.ArticleId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<BylineUser>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
        });
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

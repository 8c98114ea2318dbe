using Microsoft.EntityFrameworkCore;

namespace Byline.Storage;

/// <summary>
/// An old address that answers 301 with a new one: written by the importers for every permalink,
/// archive and feed of the site moved in, and edited by editors in the newsroom. <see cref="FromPath"/>
/// is the normalised form (<c>Redirects.RedirectPaths.Normalise</c>): lower-case path without the
/// trailing slash, and at most one query parameter (<c>/?p=12</c>).
/// </summary>
public sealed class Redirect
{
    public const int MaxPathLength = 400;

    public long Id { get; set; }
    public required string FromPath { get; set; }
    /// <summary>A site path (<c>/news/slug-12</c>) or an absolute http(s) address.</summary>
    public required string ToPath { get; set; }
    /// <summary>Who made it: <c>newsroom</c>, or the import source (<c>wordpress</c>).</summary>
    public required string Origin { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// One item of an import source already written: the source's own id (a WordPress post id, a term id,
/// an author login) mapped to the Byline row, with a hash of what was read. A second run of the same
/// file finds the row and updates the target (or skips it when the hash is unchanged) instead of
/// creating a duplicate; rows commit with their batch, so a killed run resumes after its last batch.
/// </summary>
public sealed class ImportedItem
{
    public long Id { get; set; }
    /// <summary>The source, e.g. <c>wordpress:https://old.example.org</c>.</summary>
    public required string Source { get; set; }
    /// <summary><c>post</c>, <c>page</c>, <c>attachment</c>, <c>category</c>, <c>tag</c>, <c>author</c>.</summary>
    public required string Kind { get; set; }
    public required string SourceId { get; set; }
    public int TargetId { get; set; }
    /// <summary>Hash of the source item as read; unchanged means nothing to write.</summary>
    public string Hash { get; set; } = "";
    public DateTime ImportedAt { get; set; }
}

internal static class ImportingModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<Redirect>(e =>
        {
            e.Property(r => r.FromPath).HasMaxLength(Redirect.MaxPathLength);
            e.Property(r => r.ToPath).HasMaxLength(Redirect.MaxPathLength);
            e.Property(r => r.Origin).HasMaxLength(50);
            e.HasIndex(r => r.FromPath).IsUnique();
        });
        b.Entity<ImportedItem>(e =>
        {
            e.Property(i => i.Source).HasMaxLength(300);
            e.Property(i => i.Kind).HasMaxLength(20);
            e.Property(i => i.SourceId).HasMaxLength(200);
            e.Property(i => i.Hash).HasMaxLength(64);
            e.HasIndex(i => new { i.Source, i.Kind, i.SourceId }).IsUnique();
        });
    }
}

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

/// <summary>Where an import job stands. Interrupted: it was running when its process died (its lease lapsed).</summary>
public enum ImportJobState
{
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
    Interrupted,
}

/// <summary>
/// One import run, started from the newsroom (an uploaded file, run by the background job runner) or from
/// the command line (which writes its own row): what, by whom, where it stands, its counts and progress,
/// and its report file. A running job renews <see cref="LeaseUntil"/>; a lapsed one was interrupted.
/// </summary>
public sealed class ImportJob
{
    public long Id { get; set; }
    /// <summary><c>wordpress</c> or <c>ghost</c>.</summary>
    public required string Kind { get; set; }
    /// <summary>The file's full path on the node that reads it.</summary>
    public required string FilePath { get; set; }
    /// <summary>The file's name as the admin chose it (or the command line's path).</summary>
    public required string FileName { get; set; }
    public long FileBytes { get; set; }
    /// <summary>The options the run was started with (JSON of <c>Importing.ImportJobOptions</c>).</summary>
    public string Options { get; set; } = "{}";
    /// <summary>Who started it: the newsroom user's e-mail, or <c>command line</c>.</summary>
    public required string StartedBy { get; set; }
    /// <summary><c>newsroom</c> or <c>command line</c>.</summary>
    public required string Origin { get; set; }
    public ImportJobState State { get; set; }
    public bool DryRun { get; set; }
    public bool CancelRequested { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    public int Skipped { get; set; }
    public int Redirects { get; set; }
    public int Processed { get; set; }
    public int Total { get; set; }
    /// <summary>Posts and pages per second so far.</summary>
    public double Rate { get; set; }
    public int? EtaSeconds { get; set; }
    public string? ReportPath { get; set; }
    public string? Error { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
}

/// <summary>
/// The one lease that lets a single import run at a time across every node and the command line: taken
/// with one conditional UPDATE of its only row (free or lapsed → this holder), renewed while the job runs.
/// </summary>
public sealed class ImportLease
{
    public int Id { get; set; }
    public string? Owner { get; set; }
    public DateTime? Until { get; set; }
    public long? JobId { get; set; }
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
        b.Entity<ImportJob>(e =>
        {
            e.Property(j => j.Kind).HasMaxLength(20);
            e.Property(j => j.FilePath).HasMaxLength(1000);
            e.Property(j => j.FileName).HasMaxLength(300);
            e.Property(j => j.Options).HasMaxLength(2000);
            e.Property(j => j.StartedBy).HasMaxLength(256);
            e.Property(j => j.Origin).HasMaxLength(20);
            e.Property(j => j.State).HasConversion<string>().HasMaxLength(20);
            e.Property(j => j.ReportPath).HasMaxLength(1000);
            e.Property(j => j.Error).HasMaxLength(2000);
            e.Property(j => j.LeaseOwner).HasMaxLength(200);
            e.HasIndex(j => j.State);
        });
        b.Entity<ImportLease>(e =>
        {
            e.Property(l => l.Id).ValueGeneratedNever();
            e.Property(l => l.Owner).HasMaxLength(200);
            e.HasData(new ImportLease { Id = 1 });
        });
    }
}

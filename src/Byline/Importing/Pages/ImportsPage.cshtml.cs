using System.Globalization;
using System.Security.Claims;
using Byline.Newsroom;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Importing.Pages;

/// <summary>
/// Admin: every import job, from the newsroom or the command line, with its progress (kept live by a small
/// script polling <c>/newsroom/imports/status</c>, or a refresh without script), Cancel, Resume, and the report.
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class ImportsPageModel(ImportJobs jobs, BylineDb db, ImportUploads uploads, TimeProvider clock) : ImportsPageBase(db, uploads, clock)
{

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>The jobs as JSON for the page's script.</summary>
    public async Task<IActionResult> OnGetStatusAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        Response.Headers.CacheControl = "no-store";
        return new JsonResult(new { jobs = Jobs.Select(j => Status(j, Now)) });
    }

    public async Task<IActionResult> OnGetReportAsync(long id, CancellationToken ct)
    {
        var path = await Db.ImportJobs.AsNoTracking().Where(j => j.Id == id).Select(j => j.ReportPath).FirstOrDefaultAsync(ct);
        if (path is null || !System.IO.File.Exists(path))
        {
            return NotFound();
        }
        return PhysicalFile(path, "text/tab-separated-values; charset=utf-8", string.Create(CultureInfo.InvariantCulture, $"import-{id}-report.tsv"));
    }

    public async Task<IActionResult> OnPostCancelAsync(long id, CancellationToken ct)
    {
        if (!await jobs.CancelAsync(Db, id, ct))
        {
            Flash = "That import had already ended.";
            return Redirect("/newsroom/imports");
        }
        Flash = string.Create(CultureInfo.InvariantCulture, $"Import {id} stops at its next batch; what it committed stays, and uploading or resuming the same file carries on.");
        return Redirect("/newsroom/imports");
    }

    public async Task<IActionResult> OnPostResumeAsync(long id, CancellationToken ct)
    {
        var who = User.FindFirstValue(ClaimTypes.Email) ?? User.Identity?.Name ?? "newsroom";
        var queued = await jobs.ResumeAsync(Db, id, who, ct);
        if (queued is null)
        {
            Flash = "That import cannot be resumed from here: its file is gone, it is still running, or it finished.";
            return Redirect("/newsroom/imports");
        }
        Flash = string.Create(CultureInfo.InvariantCulture, $"Import {queued} queued: it resumes after what import {id} committed.");
        return Redirect("/newsroom/imports");
    }

}

/// <summary>What the imports page and the upload form's answer both show: the form and every job.</summary>
public abstract class ImportsPageBase(BylineDb db, ImportUploads uploads, TimeProvider clock) : NewsroomPageModel
{
    protected BylineDb Db => db;
    protected ImportUploads Uploads => uploads;

    public IReadOnlyList<ImportJob> Jobs { get; private set; } = [];
    public DateTime Now { get; private set; }
    public ImportUploadForm Form { get; protected set; } = new();
    public ImportUploadResult? Refusal { get; protected set; }
    public long MaxBytes => uploads.MaxBytes;
    public bool AnyActive => Jobs.Any(j => !ImportJobs.IsFinishedOrLapsed(j, Now));

    public async Task LoadAsync(CancellationToken ct)
    {
        Title = "Imports";
        Area = "imports";
        Now = clock.GetUtcNow().UtcDateTime;
        Jobs = await db.ImportJobs.AsNoTracking().OrderByDescending(j => j.Id).Take(200).ToListAsync(ct);
    }

    public string? ErrorFor(string field) => Refusal?.Field == field ? Refusal.Message : null;

    public static object Status(ImportJob job, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(job);
        var state = ImportJobs.Shown(job, now);
        return new
        {
            id = job.Id,
            state = StateName(state),
            stateText = StateText(state, job),
            active = !ImportJobs.IsFinishedOrLapsed(job, now),
            processed = job.Processed,
            total = job.Total,
            progressText = ProgressText(job),
            created = job.Created,
            updated = job.Updated,
            unchanged = job.Unchanged,
            skipped = job.Skipped,
            redirects = job.Redirects,
            rateText = RateText(job),
            etaText = EtaText(job, state),
            error = job.Error,
        };
    }

    public static string StateName(ImportJobState state) => state.ToString().ToLowerInvariant();

    public static string StateText(ImportJobState state, ImportJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return state switch
        {
            ImportJobState.Queued => job.CancelRequested ? "Cancelling" : "Queued",
            ImportJobState.Running => job.CancelRequested ? "Cancelling at the next batch" : job.DryRun ? "Checking (dry run)" : "Running",
            ImportJobState.Done => job.DryRun ? "Done (dry run: nothing written)" : "Done",
            ImportJobState.Failed => "Failed",
            ImportJobState.Cancelled => "Cancelled",
            _ => "Interrupted",
        };
    }

    public static string ProgressText(ImportJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Total > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{job.Processed:N0} of {job.Total:N0} posts and pages ({100.0 * job.Processed / job.Total:0}%)")
            : string.Create(CultureInfo.InvariantCulture, $"{job.Processed:N0} posts and pages");
    }

    public static string RateText(ImportJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Rate > 0 ? string.Create(CultureInfo.InvariantCulture, $"{job.Rate:N0} a second") : "";
    }

    public static string EtaText(ImportJob job, ImportJobState state)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (state != ImportJobState.Running || job.EtaSeconds is not int eta)
        {
            return "";
        }
        var span = TimeSpan.FromSeconds(eta);
        return span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"about {(int)span.TotalHours} h {span.Minutes} min left")
            : span.TotalMinutes >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"about {(int)span.TotalMinutes} min {span.Seconds} s left")
                : string.Create(CultureInfo.InvariantCulture, $"about {span.Seconds} s left");
    }
}

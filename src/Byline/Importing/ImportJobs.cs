using System.Globalization;
using System.Text.Json;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Byline.Importing;

/// <summary>The options of a job row that are not columns: what the command line's flags would say.</summary>
public sealed record ImportJobOptions(bool FetchMedia = false, string? SiteUrl = null, bool PrimaryTagAsTag = false, string? Uploads = null, int BatchSize = 250)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    public static ImportJobOptions FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ImportJobOptions>(json) ?? new ImportJobOptions();
        }
        catch (JsonException)
        {
            return new ImportJobOptions();
        }
    }
}

/// <summary>The newsroom stopped the run (Cancel) at a batch boundary; the batches committed before it stay.</summary>
public sealed class ImportStoppedException() : Exception("the import was cancelled in the newsroom");

/// <summary>
/// The import job table and the one lease that lets a single import run at a time across nodes and the
/// command line. A job's run renews the lease and writes its progress and counts about once a second,
/// reads the Cancel flag (the importer stops at its next batch boundary), and records how it ended.
/// </summary>
public sealed class ImportJobs(IServiceScopeFactory scopes, IOptionsMonitor<ImportingOptions> options, TimeProvider clock, ILogger<ImportJobs> log)
{
    public const string NewsroomOrigin = "newsroom";
    public const string CommandLineOrigin = "command line";
    private const int LeaseRow = 1;

    /// <summary>This process's name in the lease (a restarted process is a new holder).</summary>
    public string Node { get; } = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}");

    private ImportingOptions Options => options.CurrentValue;

    private TimeSpan Lease => TimeSpan.FromSeconds(Math.Max(1, Options.LeaseSeconds));

    /// <summary>Where uploaded exports and job reports are kept.</summary>
    public string Folder => Path.GetFullPath(Options.Path);

    public string ReportPathOf(long jobId) => Path.Combine(Folder, "reports", string.Create(CultureInfo.InvariantCulture, $"job-{jobId}-report.tsv"));

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    /// <summary>Adds a job for the runner (an uploaded file).</summary>
    public async Task<long> QueueAsync(BylineDb db, string kind, string filePath, string fileName, long bytes, bool dryRun, ImportJobOptions jobOptions, string startedBy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(jobOptions);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(startedBy);
        var job = new ImportJob
        {
            Kind = kind, FilePath = filePath, FileName = Clip(fileName, 300), FileBytes = bytes, DryRun = dryRun, Options = jobOptions.ToJson(),
            StartedBy = Clip(startedBy, 256), Origin = NewsroomOrigin, State = ImportJobState.Queued, CreatedAt = Now(),
        };
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync(ct);
        return job.Id;
    }

    /// <summary>Queues the same file with the same options again: the importers resume by source id.</summary>
    public async Task<long?> ResumeAsync(BylineDb db, long jobId, string startedBy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var job = await db.ImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, ct);
        if (job is null || job.Origin != NewsroomOrigin || !File.Exists(job.FilePath) || !IsFinishedOrLapsed(job, Now()) || job.State == ImportJobState.Done)
        {
            return null;
        }
        return await QueueAsync(db, job.Kind, job.FilePath, job.FileName, job.FileBytes, job.DryRun, ImportJobOptions.FromJson(job.Options), startedBy, ct);
    }

    /// <summary>A queued job is cancelled at once; a running one is asked to stop at its next batch boundary.</summary>
    public async Task<bool> CancelAsync(BylineDb db, long jobId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = Now();
        var queued = await db.ImportJobs.Where(j => j.Id == jobId && j.State == ImportJobState.Queued && j.Origin == NewsroomOrigin)
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.State, ImportJobState.Cancelled).SetProperty(j => j.FinishedAt, now).SetProperty(j => j.CancelRequested, true), ct);
        if (queued > 0)
        {
            return true;
        }
        return await db.ImportJobs.Where(j => j.Id == jobId && (j.State == ImportJobState.Running || j.State == ImportJobState.Queued))
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.CancelRequested, true), ct) > 0;
    }

    /// <summary>Whether a job has ended, or was running when its process died.</summary>
    public static bool IsFinishedOrLapsed(ImportJob job, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.State is ImportJobState.Done or ImportJobState.Failed or ImportJobState.Cancelled or ImportJobState.Interrupted
            || (job.State == ImportJobState.Running && job.LeaseUntil is { } until && until < now);
    }

    /// <summary>The state to show: a running job whose lease lapsed was interrupted.</summary>
    public static ImportJobState Shown(ImportJob job, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.State == ImportJobState.Running && job.LeaseUntil is { } until && until < now ? ImportJobState.Interrupted : job.State;
    }

    /// <summary>The command line's own row: queued until it holds the lease, then running (it waits while another import runs).</summary>
    public async Task<long> BeginCommandLineAsync(string kind, string filePath, bool dryRun, ImportJobOptions jobOptions, string? reportPath,
        Func<ImportJob, Task> waiting, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(waiting);
        ArgumentNullException.ThrowIfNull(jobOptions);
        ArgumentNullException.ThrowIfNull(filePath);
        long id;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            var info = new FileInfo(filePath);
            var job = new ImportJob
            {
                Kind = kind, FilePath = info.FullName, FileName = Clip(filePath, 300), FileBytes = info.Exists ? info.Length : 0, DryRun = dryRun,
                Options = jobOptions.ToJson(), StartedBy = CommandLineOrigin, Origin = CommandLineOrigin, State = ImportJobState.Queued, CreatedAt = Now(),
                ReportPath = reportPath is null ? null : Path.GetFullPath(reportPath),
            };
            db.ImportJobs.Add(job);
            await db.SaveChangesAsync(ct);
            id = job.Id;
        }
        var told = false;
        try
        {
            while (!await TryTakeAsync(id, ct))
            {
                if (!told)
                {
                    told = true;
                    await using var scope = scopes.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
                    var holder = await db.Set<ImportLease>().AsNoTracking().Where(l => l.Id == LeaseRow).Select(l => l.JobId).FirstOrDefaultAsync(ct);
                    var other = await db.ImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == holder, ct);
                    if (other is not null)
                    {
                        await waiting(other);
                    }
                }
                await Task.Delay(TimeSpan.FromMilliseconds(500), clock, ct);
            }
        }
        catch (OperationCanceledException)
        {
            await using var scope = scopes.CreateAsyncScope();
            var now = Now();
            await scope.ServiceProvider.GetRequiredService<BylineDb>().ImportJobs.Where(j => j.Id == id && j.State == ImportJobState.Queued)
                .ExecuteUpdateAsync(u => u.SetProperty(j => j.State, ImportJobState.Cancelled).SetProperty(j => j.FinishedAt, now), CancellationToken.None);
            throw;
        }
        return id;
    }

    /// <summary>
    /// Takes the lease for this queued job, if it is free or lapsed: jobs left running by a dead holder are
    /// marked interrupted, and the job becomes running. False when another holder runs an import.
    /// </summary>
    private async Task<bool> TryTakeAsync(long jobId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var now = Now();
        var until = now + Lease;
        var won = await db.Set<ImportLease>()
            .Where(l => l.Id == LeaseRow && (l.Owner == null || l.Until == null || l.Until < now || l.Owner == Node))
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Owner, Node).SetProperty(l => l.Until, until).SetProperty(l => l.JobId, jobId), ct);
        if (won == 0)
        {
            return false;
        }
        await db.ImportJobs.Where(j => j.State == ImportJobState.Running && j.Id != jobId && (j.LeaseUntil == null || j.LeaseUntil < now))
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.State, ImportJobState.Interrupted).SetProperty(j => j.FinishedAt, now), ct);
        var claimed = await db.ImportJobs.Where(j => j.Id == jobId && j.State == ImportJobState.Queued && !j.CancelRequested)
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.State, ImportJobState.Running).SetProperty(j => j.StartedAt, now)
                .SetProperty(j => j.LeaseOwner, Node).SetProperty(j => j.LeaseUntil, until), ct);
        if (claimed == 0)
        {
            await ReleaseAsync(db, CancellationToken.None);
            throw new OperationCanceledException("the job was cancelled before it started");
        }
        return true;
    }

    private Task<int> ReleaseAsync(BylineDb db, CancellationToken ct) =>
        db.Set<ImportLease>().Where(l => l.Id == LeaseRow && l.Owner == Node)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Owner, (string?)null).SetProperty(l => l.Until, (DateTime?)null), ct);

    /// <summary>The runner's turn: takes the oldest queued newsroom job if no import runs anywhere, and runs it. False when there was nothing to run.</summary>
    public async Task<bool> RunNextAsync(CancellationToken ct)
    {
        ImportJob? job;
        await using (var scope = scopes.CreateAsyncScope())
        {
            job = await scope.ServiceProvider.GetRequiredService<BylineDb>().ImportJobs.AsNoTracking()
                .Where(j => j.State == ImportJobState.Queued && j.Origin == NewsroomOrigin && !j.CancelRequested).OrderBy(j => j.Id).FirstOrDefaultAsync(ct);
        }
        if (job is null)
        {
            return false;
        }
        try
        {
            if (!await TryTakeAsync(job.Id, ct))
            {
                return false;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return true;
        }
        var reportPath = ReportPathOf(job.Id);
        var jobOptions = ImportJobOptions.FromJson(job.Options);
        var importOptions = new ImportOptions(job.FilePath)
        {
            DryRun = job.DryRun, FetchMedia = jobOptions.FetchMedia, SiteUrl = jobOptions.SiteUrl, PrimaryTagAsTag = jobOptions.PrimaryTagAsTag,
            Uploads = jobOptions.Uploads, BatchSize = Math.Clamp(jobOptions.BatchSize, 1, 5000), Actor = "import (newsroom: " + job.StartedBy + ")",
        };
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
            await using var file = new StreamWriter(reportPath, append: false);
            var report = new ImportReport(file);
            await using (var scope = scopes.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<BylineDb>().ImportJobs.Where(j => j.Id == job.Id)
                    .ExecuteUpdateAsync(u => u.SetProperty(j => j.ReportPath, reportPath), ct);
            }
            await RunHeldAsync(job.Id, job.Kind, importOptions, report, null, ct);
            report.EnsureHeader();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // the job row records the failure; the runner goes on with the next job
        catch (Exception e)
#pragma warning restore CA1031
        {
            log.LogWarning(e, "Import job {Job} ended: {Error}", job.Id, e.Message);
        }
        return true;
    }

    /// <summary>
    /// Runs a job whose lease this process holds: renews the lease and writes progress while the importer
    /// works, turns a Cancel into a stop at the next batch boundary, records how the run ended, lets the
    /// lease go, and rethrows what stopped it (<see cref="ImportStoppedException"/> for a Cancel).
    /// </summary>
    public async Task RunHeldAsync(long jobId, string kind, ImportOptions importOptions, ImportReport report, Action<int, int>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(importOptions);
        ArgumentNullException.ThrowIfNull(report);
        using var stop = new CancellationTokenSource();
        using var hard = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var beating = new CancellationTokenSource();
        var started = clock.GetTimestamp();
        var snapshot = new Snapshot(0, 0, 0, 0, 0, 0, 0);
        void OnProgress(int done, int total)
        {
            var (created, updated, unchanged, skipped) = Counts(report);
            Volatile.Write(ref snapshot, new Snapshot(done, total, created, updated, unchanged, skipped, report.RedirectsWritten));
            progress?.Invoke(done, total);
        }
        var beat = BeatAsync(jobId, () => Volatile.Read(ref snapshot), started, stop, hard, beating.Token);
        var state = ImportJobState.Done;
        string? error = null;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var options = importOptions with { Stop = stop.Token };
            if (kind == GhostImporter.Origin)
            {
                await scope.ServiceProvider.GetRequiredService<GhostImporter>().RunAsync(options, report, OnProgress, hard.Token);
            }
            else
            {
                await scope.ServiceProvider.GetRequiredService<WordPressImporter>().RunAsync(options, report, OnProgress, hard.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            state = ImportJobState.Cancelled;
            error = "cancelled in the newsroom; the batches committed before it are kept";
            throw new ImportStoppedException();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            state = ImportJobState.Cancelled;
            error = "stopped by its process (Ctrl+C or shutdown); the batches committed before it are kept";
            throw;
        }
        catch (OperationCanceledException) when (hard.IsCancellationRequested)
        {
            state = ImportJobState.Interrupted;
            error = "this process lost the import lease (it stalled past it); start the same file again to resume";
            throw;
        }
        catch (Exception e)
        {
            state = ImportJobState.Failed;
            error = e.GetBaseException().Message.ReplaceLineEndings(" ");
            throw;
        }
        finally
        {
            await beating.CancelAsync();
            await beat;
            var (created, updated, unchanged, skipped) = Counts(report);
            var last = Volatile.Read(ref snapshot);
            var seconds = clock.GetElapsedTime(started).TotalSeconds;
            var now = Now();
            var clipped = error is null ? null : Clip(error, 2000);
            var done = state == ImportJobState.Done ? Math.Max(last.Processed, last.Total) : last.Processed;
            var rate = seconds > 0 ? done / seconds : 0;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            await db.ImportJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u
                .SetProperty(j => j.State, state).SetProperty(j => j.FinishedAt, now).SetProperty(j => j.Error, clipped)
                .SetProperty(j => j.Created, created).SetProperty(j => j.Updated, updated).SetProperty(j => j.Unchanged, unchanged)
                .SetProperty(j => j.Skipped, skipped).SetProperty(j => j.Redirects, report.RedirectsWritten)
                .SetProperty(j => j.Processed, done).SetProperty(j => j.Total, last.Total).SetProperty(j => j.Rate, rate)
                .SetProperty(j => j.EtaSeconds, (int?)null).SetProperty(j => j.LeaseUntil, (DateTime?)null), CancellationToken.None);
            await ReleaseAsync(db, CancellationToken.None);
        }
    }

    private sealed record Snapshot(int Processed, int Total, int Created, int Updated, int Unchanged, int Skipped, int Redirects);

    private static (int Created, int Updated, int Unchanged, int Skipped) Counts(ImportReport report)
    {
        var posts = report.For("posts");
        var pages = report.For("pages");
        return (posts.Created + pages.Created, posts.Updated + pages.Updated, posts.Unchanged + pages.Unchanged, posts.Skipped + pages.Skipped);
    }

    /// <summary>About once a second: renew the lease, write the progress, read the Cancel flag.</summary>
    private async Task BeatAsync(long jobId, Func<Snapshot> read, long started, CancellationTokenSource stop, CancellationTokenSource hard, CancellationToken ct)
    {
        var every = TimeSpan.FromSeconds(Math.Clamp(Options.LeaseSeconds / 3, 0.2, 1));
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, clock, ct);
                var s = read();
                var seconds = clock.GetElapsedTime(started).TotalSeconds;
                var rate = seconds > 0 ? s.Processed / seconds : 0;
                int? eta = rate > 0 && s.Total > s.Processed ? (int)Math.Ceiling((s.Total - s.Processed) / rate) : null;
                var now = Now();
                var until = now + Lease;
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
                var held = await db.Set<ImportLease>().Where(l => l.Id == LeaseRow && l.Owner == Node)
                    .ExecuteUpdateAsync(u => u.SetProperty(l => l.Until, until), ct);
                if (held == 0)
                {
                    await hard.CancelAsync();
                    return;
                }
                await db.ImportJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u
                    .SetProperty(j => j.Processed, s.Processed).SetProperty(j => j.Total, s.Total)
                    .SetProperty(j => j.Created, s.Created).SetProperty(j => j.Updated, s.Updated).SetProperty(j => j.Unchanged, s.Unchanged)
                    .SetProperty(j => j.Skipped, s.Skipped).SetProperty(j => j.Redirects, s.Redirects)
                    .SetProperty(j => j.Rate, rate).SetProperty(j => j.EtaSeconds, eta).SetProperty(j => j.LeaseUntil, until), ct);
                if (await db.ImportJobs.AsNoTracking().Where(j => j.Id == jobId).Select(j => j.CancelRequested).FirstOrDefaultAsync(ct))
                {
                    await stop.CancelAsync();
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a database that is briefly away must not end the run; the next beat tries again
            catch (Exception e)
#pragma warning restore CA1031
            {
                log.LogWarning(e, "Import job {Job}: progress not written; trying again", jobId);
            }
        }
    }

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..max];
}

/// <summary>Runs the newsroom's queued import jobs, one at a time across nodes (see <see cref="ImportJobs"/>).</summary>
public sealed class ImportJobRunner(ImportJobs jobs, Hosting.Readiness readiness, IOptionsMonitor<ImportingOptions> options, TimeProvider clock, ILogger<ImportJobRunner> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.WhenReady.WaitAsync(stoppingToken);
        }
#pragma warning disable CA1031 // start-up failed or the host stops: the ready check says so; no job runs on a half-built database
        catch (Exception)
#pragma warning restore CA1031
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await jobs.RunNextAsync(stoppingToken))
                {
                    await Task.Delay(options.CurrentValue.PollInterval, clock, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a database that is briefly away must not end the runner; the next turn tries again
            catch (Exception e)
#pragma warning restore CA1031
            {
                log.LogWarning(e, "Import job runner failed; trying again");
                await Task.Delay(options.CurrentValue.PollInterval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}

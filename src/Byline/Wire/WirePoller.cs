using System.Globalization;
using Byline.Hosting;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Byline.Wire;

public enum PollStatus
{
    Polled,
    NotModified,
    /// <summary>Another node holds the source's lease (or it is disabled or gone): nothing was done.</summary>
    Busy,
    Failed,
}

public sealed record PollOutcome(PollStatus Status, IngestResult Result, string? Error = null);

/// <summary>
/// Polls the sources that are due. Each poll first takes the source's lease with one conditional UPDATE (free or
/// expired → this node), so however many nodes run, one polls a source at a time; the lease is let go with the
/// source's next poll time and its health. A watched-folder source is scanned the same way (<see cref="WireFolder"/>),
/// so one node scans a folder at a time. Once an hour it also prunes old items (<see cref="WireRetention"/>).
/// </summary>
public sealed class WirePoller(
    IServiceScopeFactory scopes,
    IOptionsMonitor<WireOptions> options,
    Readiness readiness,
    TimeProvider clock,
    ILogger<WirePoller> log) : BackgroundService
{
    private DateTime _nextPrune;

    /// <summary>This node's name in leases (a restarted process is a new holder).</summary>
    public string Node { get; } = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}");

    private WireOptions Options => options.CurrentValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.WhenReady.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
#pragma warning disable CA1031 // Start-up failed: the ready check says so; nothing is polled into a half-built database.
        catch (Exception)
#pragma warning restore CA1031
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!Options.PausePolling)
                {
                    await PollDueAsync(stoppingToken);
                }
                if (Now() >= _nextPrune)
                {
                    _nextPrune = Now().AddHours(1);
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<WireRetention>().PruneAsync(stoppingToken);
                }
                await Task.Delay(Options.TickInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A database that is briefly away must not end polling for good; the next tick tries again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                log.LogWarning(e, "Wire polling failed; trying again");
                await Task.Delay(Options.TickInterval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Polls every enabled source whose time has come and whose lease is free; returns how many this node polled.</summary>
    public async Task<int> PollDueAsync(CancellationToken ct)
    {
        List<int> due;
        var now = Now();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            due = await db.Set<WireSource>().AsNoTracking()
                .Where(s => s.Enabled && (s.Url != null || s.FolderPath != null) && (s.NextPollAt == null || s.NextPollAt <= now) && (s.LeaseUntil == null || s.LeaseUntil < now))
                .OrderBy(s => s.NextPollAt).Select(s => s.Id).Take(50).ToListAsync(ct);
        }
        var polled = 0;
        foreach (var id in due)
        {
            if ((await PollAsync(id, ct)).Status != PollStatus.Busy)
            {
                polled++;
            }
        }
        return polled;
    }

    /// <summary>Polls one source now if this node can take its lease.</summary>
    public async Task<PollOutcome> PollAsync(int sourceId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<BylineDb>();
        var now = Now();
        var until = now + Options.LeaseDuration;
        var won = await db.Set<WireSource>()
            .Where(s => s.Id == sourceId && s.Enabled && (s.Url != null || s.FolderPath != null) && (s.LeaseUntil == null || s.LeaseUntil < now))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseOwner, Node).SetProperty(s => s.LeaseUntil, until), ct);
        if (won == 0)
        {
            return new PollOutcome(PollStatus.Busy, IngestResult.None);
        }
        var source = await db.Set<WireSource>().AsNoTracking().FirstAsync(s => s.Id == sourceId, ct);
        PollOutcome outcome;
        string? etag = source.ETag, lastModified = source.LastModified;
        try
        {
            if (source.Kind == WireFeedKind.NewsMlG2Folder)
            {
                var (scanned, error) = await services.GetRequiredService<WireFolder>().ScanAsync(source, ct);
                outcome = error is null ? new PollOutcome(PollStatus.Polled, scanned) : new PollOutcome(PollStatus.Failed, scanned, error);
            }
            else
            {
                var credentials = services.GetRequiredService<WireSources>().Credentials(source);
                var fetched = await services.GetRequiredService<WireFetcher>().FetchAsync(new Uri(source.Url!), source.ETag, source.LastModified, credentials, ct);
                switch (fetched.Status)
                {
                    case FetchStatus.NotModified:
                        outcome = new PollOutcome(PollStatus.NotModified, IngestResult.None);
                        break;
                    case FetchStatus.Ok:
                        var document = WireParser.Parse(source.Kind, fetched.Bytes!, Options.MaxItemBytes);
                        var result = await services.GetRequiredService<WireIngest>().IngestAsync(sourceId, document, ct);
                        // A document refused whole (not a feed, not well-formed) is a failing source; refused items are not.
                        outcome = document.Unreadable is { } why
                            ? new PollOutcome(PollStatus.Failed, result, "the feed could not be read: " + why)
                            : new PollOutcome(PollStatus.Polled, result);
                        if (document.Unreadable is null)
                        {
                            (etag, lastModified) = (fetched.ETag, fetched.LastModified);
                        }
                        break;
                    default:
                        outcome = new PollOutcome(PollStatus.Failed, IngestResult.None, fetched.Error);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await ReleaseAsync(db, source, null, etag, lastModified, CancellationToken.None);
            throw;
        }
        if (outcome.Status == PollStatus.Failed)
        {
            log.LogWarning("Wire source {Source} ({Agency}): {Error}", sourceId, source.AgencyName, outcome.Error);
        }
        else
        {
            log.LogInformation("Wire source {Source} ({Agency}): {Status}, {Stored} new, {Updated} updated, {Duplicates} duplicates, {Quarantined} quarantined",
                sourceId, source.AgencyName, outcome.Status, outcome.Result.Stored, outcome.Result.Updated, outcome.Result.Duplicates, outcome.Result.Quarantined);
        }
        await ReleaseAsync(db, source, outcome, etag, lastModified, ct);
        return outcome;
    }

    private async Task ReleaseAsync(BylineDb db, WireSource source, PollOutcome? outcome, string? etag, string? lastModified, CancellationToken ct)
    {
        var now = Now();
        var next = now.AddSeconds(source.PollIntervalSeconds);
        var query = db.Set<WireSource>().Where(s => s.Id == source.Id && s.LeaseOwner == Node);
        if (outcome is null)
        {
            await query.ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseOwner, (string?)null).SetProperty(s => s.LeaseUntil, (DateTime?)null), ct);
        }
        else if (outcome.Status == PollStatus.Failed)
        {
            var error = outcome.Error is { Length: > 1000 } e ? e[..1000] : outcome.Error;
            await query.ExecuteUpdateAsync(u => u
                .SetProperty(s => s.LeaseOwner, (string?)null).SetProperty(s => s.LeaseUntil, (DateTime?)null)
                .SetProperty(s => s.NextPollAt, next).SetProperty(s => s.LastErrorAt, now).SetProperty(s => s.LastError, error), ct);
        }
        else
        {
            await query.ExecuteUpdateAsync(u => u
                .SetProperty(s => s.LeaseOwner, (string?)null).SetProperty(s => s.LeaseUntil, (DateTime?)null)
                .SetProperty(s => s.NextPollAt, next).SetProperty(s => s.LastSuccessAt, now)
                .SetProperty(s => s.ETag, etag).SetProperty(s => s.LastModified, lastModified), ct);
        }
    }

    private DateTime Now()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }
}

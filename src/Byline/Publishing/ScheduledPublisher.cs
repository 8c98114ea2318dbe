using System.Diagnostics.Metrics;
using Byline.Content;
using Byline.Hosting;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Publishing;

public sealed class SchedulerOptions
{
    /// <summary>The longest the publisher sleeps before looking for new schedules (<c>Byline:Publishing:CheckInterval</c>).</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Puts scheduled stories live on time, exactly once. It sleeps until the next due time (never
/// longer than <see cref="SchedulerOptions.CheckInterval"/>, so new schedules are seen), and on start
/// publishes whatever fell due while no server ran. Each story goes live through a conditional
/// update (<see cref="PublishingService.PublishScheduledAsync"/>), so several nodes running this at
/// once publish each story once: one revision, one audit entry, one event.
/// </summary>
public sealed class ScheduledPublisher(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    SchedulerOptions options,
    Readiness readiness,
    ILogger<ScheduledPublisher> log) : BackgroundService
{
    private const int Batch = 100;
    private static readonly Meter Meter = new("Byline.Publishing");
    private static readonly Counter<long> Rounds = Meter.CreateCounter<long>("byline.scheduler.runs", description: "Rounds of looking for due stories");
    private static readonly Counter<long> Published = Meter.CreateCounter<long>("byline.scheduler.published", description: "Scheduled stories this node put live");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Migrations must have run before the first query; a failed start-up leaves nothing to publish into.
        try
        {
            await readiness.WhenReady.WaitAsync(stoppingToken);
        }
#pragma warning disable CA1031 // A start-up that failed or was stopped leaves nothing to publish into; the host reports it.
        catch (Exception)
#pragma warning restore CA1031
        {
            return;
        }
        while (true)
        {
            try
            {
                TimeSpan wait;
                try
                {
                    await PublishDueAsync(stoppingToken);
                    wait = await UntilNextAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogError(e, "Scheduled publishing failed; trying again shortly");
                    wait = options.CheckInterval;
                }
                await Task.Delay(wait, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The host is stopping; a story due now is published by the next start (or another node).
                return;
            }
        }
    }

    /// <summary>Publishes every story whose time has come; returns how many this instance put live.</summary>
    public async Task<int> PublishDueAsync(CancellationToken ct)
    {
        var published = 0;
        Rounds.Add(1);
        while (true)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            List<(int Id, int Version)> due;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
                due = [.. (await Due(db, now).ToListAsync(ct)).Select(a => (a.Id, a.Version))];
            }
            var won = 0;
            foreach (var (id, version) in due)
            {
                await using var scope = scopes.CreateAsyncScope();
                var publishing = scope.ServiceProvider.GetRequiredService<PublishingService>();
                if (await publishing.PublishScheduledAsync(id, version, now, ct))
                {
                    won++;
                }
            }
            published += won;
            Published.Add(won);
            // A full batch may have more behind it; a short one, or one another node took, ends the round.
            if (due.Count < Batch || won == 0)
            {
                return published;
            }
        }
    }

    /// <summary>The next batch of stories whose time has come, oldest first (read from IX_Articles_Scheduled).</summary>
    internal static IQueryable<DueStory> Due(BylineDb db, DateTime now) =>
        db.Articles
            .Where(a => a.Status == ArticleStatus.Scheduled && a.PublishedAt <= now)
            .OrderBy(a => a.PublishedAt).ThenBy(a => a.Id)
            .Select(a => new DueStory(a.Id, a.Version))
            .Take(Batch);

    /// <summary>When the next scheduled story is due (read from IX_Articles_Scheduled).</summary>
    internal static IQueryable<DateTime?> Next(BylineDb db) =>
        db.Articles.Where(a => a.Status == ArticleStatus.Scheduled).OrderBy(a => a.PublishedAt).Select(a => a.PublishedAt);

    internal sealed record DueStory(int Id, int Version);

    private async Task<TimeSpan> UntilNextAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var next = await Next(db).FirstOrDefaultAsync(ct);
        var wait = options.CheckInterval;
        if (next is { } at)
        {
            var until = at - clock.GetUtcNow().UtcDateTime;
            if (until < wait)
            {
                wait = until;
            }
        }
        // A floor keeps a story that is due but cannot go live yet (a racing save) from spinning the loop.
        return wait < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : wait;
    }
}

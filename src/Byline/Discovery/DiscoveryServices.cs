using Byline.Hosting;
using Byline.Publishing;
using Byline.Search;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Discovery;

/// <summary>
/// Keeps search and related stories in step with publishing: every <see cref="ContentChanged"/>
/// naming a story re-indexes it (published → upsert, otherwise delete) before the event returns, and
/// drops cached related lists the change touches. Subscribes at boot, not on a first request.
/// </summary>
internal sealed class DiscoveryEventHandler(ContentEvents events, IServiceScopeFactory scopes, RelatedCache related, ILogger<DiscoveryEventHandler> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        events.Subscribe(OnChangedAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task OnChangedAsync(ContentChanged change, CancellationToken ct)
    {
        if (change.ArticleId is int id)
        {
            await using var scope = scopes.CreateAsyncScope();
            var indexed = await scope.ServiceProvider.GetRequiredService<SearchIndexSync>().SyncAsync(id, ct);
            log.LogDebug("Search index: story {Id} {Action}", id, indexed ? "indexed" : "removed");
        }
        related.Invalidate(change);
    }
}

/// <summary>
/// After start-up: fills an empty search index from the published stories (a database that predates
/// the index, or one filled by hand), then refreshes the popular and most-searched snapshots on a
/// timer so pages only ever read memory.
/// </summary>
internal sealed class DiscoveryRefresher(
    Readiness readiness, IServiceScopeFactory scopes, PopularStories popular, MostSearched searched, DiscoveryOptions options,
    ILogger<DiscoveryRefresher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.WhenReady.WaitAsync(stoppingToken);
            try
            {
                await EnsureIndexedAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A `search rebuild` in another process holds the index's table until it commits; the
                // site must not stop for that (it did: the command timed out and stopped the host).
                log.LogWarning(e, "Could not check whether the search index is empty; it is left as it is");
            }
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.RefreshSeconds)));
            do
            {
                try
                {
                    await popular.RefreshAsync(stoppingToken);
                    await searched.RefreshAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Could not refresh most read, trending and most searched; keeping the previous lists");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping.
        }
        catch (Exception e) when (!readiness.IsReady)
        {
            log.LogWarning(e, "Discovery not started: start-up did not finish");
        }
    }

    private async Task EnsureIndexedAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var index = scope.ServiceProvider.GetRequiredService<ISearchIndex>();
        if (await index.CountAsync(ct) == 0 && await db.Articles.AnyAsync(a => a.Status == Content.ArticleStatus.Published, ct))
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            var count = await index.RebuildAsync(ct);
            log.LogInformation("Search index was empty: indexed {Count} stories in {Seconds:0.0} s", count, started.Elapsed.TotalSeconds);
        }
    }
}

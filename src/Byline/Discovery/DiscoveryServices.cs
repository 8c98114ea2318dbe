using Byline.Hosting;
using Byline.Events;
using Byline.Search;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Discovery;

/// <summary>Related lists drop what a change touches, before pages are evicted.</summary>
public sealed class RelatedCacheConsumer(RelatedCache related) : IContentConsumer
{
    public string Name => "related";

    public ConsumerStage Stage => ConsumerStage.LocalData;

    public Task HandleAsync(ContentEventRecord change, CancellationToken ct)
    {
        related.Invalidate(change);
        return Task.CompletedTask;
    }
}

/// <summary>A change to a story that most read or trending shows has the lists recomputed now, not at the next tick.</summary>
public sealed class PopularListsConsumer(PopularStories popular) : IContentConsumer
{
    public string Name => "popular";

    public ConsumerStage Stage => ConsumerStage.LocalData;

    public Task HandleAsync(ContentEventRecord change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Id != 0 && change.ArticleId is int id && popular.Shows(id))
        {
            popular.RequestRefresh();
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// After start-up: fills an empty search index from the published stories (a database that predates
/// the index, or one filled by hand), then refreshes the popular and most-searched snapshots on a
/// timer so pages only ever read memory.
/// </summary>
internal sealed class DiscoveryRefresher(
    Readiness readiness, IServiceScopeFactory scopes, PopularStories popular, MostSearched searched, DiscoveryOptions options,
    TimeProvider clock, ILogger<DiscoveryRefresher> log) : BackgroundService
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
            var interval = TimeSpan.FromSeconds(Math.Max(1, options.RefreshSeconds));
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
            while (await WaitAsync(interval, stoppingToken));
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

    private async Task<bool> WaitAsync(TimeSpan interval, CancellationToken ct)
    {
        await popular.WaitForRefreshAsync(interval, ct);
        return !ct.IsCancellationRequested;
    }

    private async Task EnsureIndexedAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var index = scope.ServiceProvider.GetRequiredService<ISearchIndex>();
        if (await index.CountAsync(ct) == 0 && await db.Articles.AnyAsync(a => a.Status == Content.ArticleStatus.Published, ct))
        {
            var started = clock.GetTimestamp();
            var count = await index.RebuildAsync(ct);
            log.LogInformation("Search index was empty: indexed {Count} stories in {Seconds:0.0} s", count, clock.GetElapsedTime(started).TotalSeconds);
        }
    }
}

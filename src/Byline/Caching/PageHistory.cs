using Byline.Events;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Byline.Caching;

/// <summary>
/// Which content key changed last, and at which outbox event: what a page rendered by another node
/// (the shared page store) is checked against before this node serves it. A page stamped with the
/// position its renderer had reached is current here when no event after that position named one of its
/// keys. Runs with the data caches, before the output cache is evicted, so a check made after an
/// eviction always sees the change that caused it.
/// <para>The history is held per key (the newest event that named it), filled from the outbox table on
/// first use (the newest <see cref="Capacity"/> events up to this node's position) and from every event
/// this node's caches follow after that. A page stamped before the oldest event held cannot be checked
/// and is refused; so is everything when the map outgrows its bound (it starts over from the current
/// position).</para>
/// </summary>
public sealed class PageHistory(IServiceScopeFactory scopes, IOptions<Scaling.RedisOptions> options, TimeProvider clock, ILogger<PageHistory> log) : IContentConsumer, IDisposable
{
    /// <summary>Events read back at first use; keys held before the map starts over.</summary>
    internal const int Capacity = 20_000;

    internal const int MaxKeys = 200_000;

    private readonly Dictionary<string, long> _lastEvent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTime> _lastLocal = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _loading = new(1, 1);
    private readonly bool _enabled = !string.IsNullOrWhiteSpace(options.Value.Configuration) && options.Value.SharePages;
    private volatile bool _loaded;

    /// <summary>Every event after this one is held; a page stamped earlier cannot be checked.</summary>
    private long _coveredAfter = long.MaxValue;

    public string Name => "page-history";

    public void Dispose() => _loading.Dispose();

    public ConsumerStage Stage => ConsumerStage.LocalData;

    public Task HandleAsync(ContentEventRecord change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!_enabled)
        {
            // One node, or pages not shared: nobody asks.
            return Task.CompletedTask;
        }
        lock (_gate)
        {
            if (change.Id == 0)
            {
                // A change only this node computed (popular lists): it has no place in the outbox, so it is held by time.
                var now = clock.GetUtcNow().UtcDateTime;
                foreach (var key in change.Keys)
                {
                    _lastLocal[key] = now;
                }
                return Task.CompletedTask;
            }
            foreach (var key in change.Keys.Where(ContentKeys.CanTagPages))
            {
                if (!_lastEvent.TryGetValue(key, out var id) || id < change.Id)
                {
                    _lastEvent[key] = change.Id;
                }
            }
            if (_lastEvent.Count > MaxKeys)
            {
                // Starts over: pages stamped before this event are no longer checked (a miss, never a stale page).
                _lastEvent.Clear();
                _coveredAfter = change.Id;
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// True when a page stamped with <paramref name="position"/> (and, for changes only nodes compute,
    /// rendered at <paramref name="renderedAt"/>) shows none of <paramref name="keys"/> changed since.
    /// False also when the stamp is older than what is held. <paramref name="followed"/> is the position this
    /// node's caches have reached (the history is read from the table up to there on first use).
    /// </summary>
    public async Task<bool> UnchangedSinceAsync(IEnumerable<string> keys, long position, DateTime renderedAt, long followed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!_enabled || (!_loaded && !await LoadAsync(followed, ct)))
        {
            return false;
        }
        lock (_gate)
        {
            if (position < _coveredAfter)
            {
                return false;
            }
            foreach (var key in keys)
            {
                if ((_lastEvent.TryGetValue(key, out var id) && id > position)
                    || (_lastLocal.TryGetValue(key, out var at) && at >= renderedAt))
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>Reads the newest events up to this node's position from the table, once.</summary>
    private async Task<bool> LoadAsync(long upTo, CancellationToken ct)
    {
        if (upTo < 0)
        {
            return false;
        }
        await _loading.WaitAsync(ct);
        try
        {
            if (_loaded)
            {
                return true;
            }
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            var rows = await db.Set<ContentEvent>().AsNoTracking().Where(e => e.Id <= upTo)
                .OrderByDescending(e => e.Id).Take(Capacity).Select(e => new { e.Id, e.Keys }).ToListAsync(ct);
            lock (_gate)
            {
                foreach (var row in rows)
                {
                    foreach (var key in ContentEvent.SplitKeys(row.Keys).Where(ContentKeys.CanTagPages))
                    {
                        if (!_lastEvent.TryGetValue(key, out var id) || id < row.Id)
                        {
                            _lastEvent[key] = row.Id;
                        }
                    }
                }
                // All events after the oldest read are held (those after upTo came through HandleAsync). With fewer
                // than the capacity the table holds nothing older but events pruned long after any page expired.
                var covered = rows.Count == Capacity ? rows[^1].Id - 1 : 0;
                _coveredAfter = _coveredAfter == long.MaxValue ? covered : Math.Max(covered, _coveredAfter);
            }
            _loaded = true;
            log.LogDebug("Page history: {Count} events read, pages stamped from event {From} on can be checked", rows.Count, _coveredAfter);
            return true;
        }
        finally
        {
            _loading.Release();
        }
    }
}

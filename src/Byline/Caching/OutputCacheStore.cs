using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace Byline.Caching;

/// <summary>What happened to the entries an invalidation named.</summary>
public readonly record struct Invalidation(int Evicted, int MarkedStale);

/// <summary>
/// The in-memory output cache: entries by request key, an index from content key to the entries
/// that show it, a size bound with least-recently-used trimming, and the single render in flight
/// per key that stops a stampede. Hits read a concurrent dictionary and touch no lock.
/// </summary>
public sealed class OutputCacheStore : IDisposable
{
    /// <summary>How many recent invalidations are remembered for renders still in flight.</summary>
    private const int RecentInvalidations = 1024;

    private readonly ConcurrentDictionary<string, CacheEntry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<CacheEntry?>> _flights = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<CacheEntry>> _byTag = new(StringComparer.Ordinal);
    private readonly Queue<(long Generation, HashSet<string> Keys)> _recent = new();
    private readonly Lock _gate = new();
    private readonly Meter _meter = new("Byline.Cache");
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _stale;
    private readonly Counter<long> _shared;
    private readonly IOptionsMonitor<CacheOptions> _options;
    private readonly TimeProvider _clock;
    private long _bytes;
    private long _probationBytes;
    private long _generation;
    private long _renders;
    private long _hitCount;
    private long _missCount;
    private long _staleCount;
    private long _sharedCount;

    public OutputCacheStore(IOptionsMonitor<CacheOptions> options, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
        _hits = _meter.CreateCounter<long>("byline.cache.hits", description: "Responses served from the output cache");
        _misses = _meter.CreateCounter<long>("byline.cache.misses", description: "Responses rendered for the output cache");
        _stale = _meter.CreateCounter<long>("byline.cache.stale", description: "Stale responses served while one request re-renders");
        _shared = _meter.CreateCounter<long>("byline.cache.shared", description: "Responses taken from the pages another node rendered (Redis)");
        _meter.CreateObservableGauge("byline.cache.bytes", () => Interlocked.Read(ref _bytes), "By", "Bytes held by the output cache");
        _meter.CreateObservableGauge("byline.cache.entries", () => _entries.Count, description: "Entries held by the output cache");
    }

    /// <summary>Raised with the request key each time a request renders for the cache (tests count these).</summary>
    public event Action<string>? Rendering;

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Bytes of entries not hit yet (the probation share).</summary>
    public long ProbationBytes => Interlocked.Read(ref _probationBytes);
    public int Count => _entries.Count;
    public long Renders => Interlocked.Read(ref _renders);
    public long Hits => Interlocked.Read(ref _hitCount);
    public long Misses => Interlocked.Read(ref _missCount);
    public long StaleServed => Interlocked.Read(ref _staleCount);
    public long SharedServed => Interlocked.Read(ref _sharedCount);

    /// <summary>Bumped by every invalidation; a render notes it before it starts.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public CacheEntry? Get(string key) => _entries.TryGetValue(key, out var e) ? e : null;

    public void CountHit()
    {
        Interlocked.Increment(ref _hitCount);
        _hits.Add(1);
    }

    public void CountStale()
    {
        Interlocked.Increment(ref _staleCount);
        _stale.Add(1);
    }

    /// <summary>
    /// True when the caller is to fill <paramref name="key"/> (from the shared store or by rendering);
    /// otherwise <paramref name="flight"/> is the one to wait for.
    /// </summary>
    public bool TryBeginRender(string key, out Task<CacheEntry?> flight)
    {
        var mine = new TaskCompletionSource<CacheEntry?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var current = _flights.GetOrAdd(key, mine);
        flight = current.Task;
        return ReferenceEquals(current, mine);
    }

    /// <summary>The holder of a flight renders the page (counted as a miss).</summary>
    public void CountRender(string key)
    {
        Interlocked.Increment(ref _renders);
        Interlocked.Increment(ref _missCount);
        _misses.Add(1);
        Rendering?.Invoke(key);
    }

    /// <summary>The holder of a flight took the page another node rendered (<see cref="SharedPageStore"/>).</summary>
    public void CountShared()
    {
        Interlocked.Increment(ref _sharedCount);
        _shared.Add(1);
    }

    /// <summary>Ends the caller's render; waiters get <paramref name="result"/> (null: render for yourselves).</summary>
    public void EndRender(string key, CacheEntry? result)
    {
        // The entry is stored before the flight goes, so a request arriving in between finds one or the other.
        if (_flights.TryRemove(key, out var flight))
        {
            flight.TrySetResult(result);
        }
    }

    /// <summary>
    /// Stores an entry rendered from the data as of <paramref name="renderedAtGeneration"/>. If one of
    /// its keys changed while it rendered, a hard key means it is already out of date (not stored) and a
    /// soft key means it is stored stale.
    /// </summary>
    public bool TryStore(CacheEntry entry, long renderedAtGeneration)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var max = _options.CurrentValue.MaxBytes;
        if (entry.Size > max / 4)
        {
            return false;
        }
        entry.LastUsed = _clock.GetTimestamp();
        lock (_gate)
        {
            if (_generation != renderedAtGeneration)
            {
                if (_recent.Count == 0 || _recent.Peek().Generation > renderedAtGeneration + 1)
                {
                    // Changes since the render began are no longer all remembered: assume the worst.
                    return false;
                }
                foreach (var (generation, keys) in _recent)
                {
                    if (generation <= renderedAtGeneration)
                    {
                        continue;
                    }
                    if (entry.HardTags.Any(keys.Contains))
                    {
                        return false;
                    }
                    if (entry.SoftTags.Any(keys.Contains))
                    {
                        entry.Stale = true;
                    }
                }
            }
            if (_entries.TryGetValue(entry.Key, out var old))
            {
                // A page readers already came back to stays out of probation when it is re-rendered.
                entry.Probation = old.Probation;
                RemoveLocked(old);
            }
            _entries[entry.Key] = entry;
            if (entry.Probation)
            {
                _probationBytes += entry.Size;
            }
            foreach (var tag in entry.HardTags.Concat(entry.SoftTags))
            {
                if (!_byTag.TryGetValue(tag, out var set))
                {
                    _byTag[tag] = set = [];
                }
                set.Add(entry);
            }
            _bytes += entry.Size;
            var probationMax = ProbationMax(max);
            if (_probationBytes > probationMax)
            {
                TrimProbationLocked(probationMax * 9 / 10);
            }
            if (_bytes > max)
            {
                TrimLocked(max * 9 / 10);
            }
        }
        return true;
    }

    private long ProbationMax(long max) => (long)(max * Math.Clamp(_options.CurrentValue.ProbationShare, 0.01, 1.0));

    /// <summary>Moves an entry that was just hit out of probation: it has been asked for twice.</summary>
    public void Promote(CacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            if (entry.Probation && _entries.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry))
            {
                entry.Probation = false;
                _probationBytes -= entry.Size;
            }
        }
    }

    /// <summary>Evicts the entries showing any of <paramref name="keys"/> as a hard key and marks those showing one as a soft key stale.</summary>
    public Invalidation Invalidate(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var set = keys.ToHashSet(StringComparer.Ordinal);
        var evicted = 0;
        var staled = 0;
        lock (_gate)
        {
            _generation++;
            _recent.Enqueue((_generation, set));
            while (_recent.Count > RecentInvalidations)
            {
                _recent.Dequeue();
            }
            foreach (var key in set)
            {
                if (!_byTag.TryGetValue(key, out var entries))
                {
                    continue;
                }
                foreach (var entry in entries.ToList())
                {
                    if (Array.IndexOf(entry.HardTags, key) >= 0)
                    {
                        RemoveLocked(entry);
                        evicted++;
                    }
                    else if (!entry.Stale)
                    {
                        entry.Stale = true;
                        staled++;
                    }
                }
            }
        }
        return new Invalidation(evicted, staled);
    }

    /// <summary>Drops the entry of one request key: its page no longer renders as something cacheable.</summary>
    public void Remove(string key)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var entry))
            {
                RemoveLocked(entry);
            }
        }
    }

    /// <summary>Drops everything (configuration or schema changes, tests).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _generation++;
            _recent.Clear();
            _entries.Clear();
            _byTag.Clear();
            _bytes = 0;
            _probationBytes = 0;
        }
    }

    public void Dispose() => _meter.Dispose();

    private void RemoveLocked(CacheEntry entry)
    {
        if (!_entries.TryRemove(new KeyValuePair<string, CacheEntry>(entry.Key, entry)))
        {
            return;
        }
        _bytes -= entry.Size;
        if (entry.Probation)
        {
            _probationBytes -= entry.Size;
        }
        foreach (var tag in entry.HardTags.Concat(entry.SoftTags))
        {
            if (_byTag.TryGetValue(tag, out var set) && set.Remove(entry) && set.Count == 0)
            {
                _byTag.Remove(tag);
            }
        }
    }

    private void TrimProbationLocked(long target)
    {
        foreach (var entry in _entries.Values.Where(e => e.Probation).OrderBy(e => Volatile.Read(ref e.LastUsed)).ToList())
        {
            if (_probationBytes <= target)
            {
                break;
            }
            RemoveLocked(entry);
        }
    }

    private void TrimLocked(long target)
    {
        // Trim well below the bound so the sort is paid rarely. Entries never hit go first, then stale ones.
        foreach (var entry in _entries.Values.OrderBy(e => e.Probation ? 0 : e.Stale ? 1 : 2).ThenBy(e => Volatile.Read(ref e.LastUsed)).ToList())
        {
            if (_bytes <= target)
            {
                break;
            }
            RemoveLocked(entry);
        }
    }
}

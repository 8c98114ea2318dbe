using System.Collections.Concurrent;
using Byline.Events;

namespace Byline.Site.Stories;

/// <summary>
/// The ids of the newest stories, of Top Stories, of the newest per home-page section and per format
/// (the short-news rail), held for a moment: every article page and the home page read exactly the
/// same few ids, so with the output cache off (or on a miss) these reads
/// are repeated per request. Any change that names <see cref="ContentKeys.Home"/> or
/// <see cref="ContentKeys.Latest"/> clears them at once; the short lifetime only bounds the damage
/// of a write that raised no event.
/// <para>When a held list expires, one request reads it again and the requests arriving meanwhile
/// keep the held ids: under load every concurrent request used to miss in the same instant and run
/// the same read, which put the slowest request of each two-second period behind dozens of copies
/// of it. A list cleared by a content event is never served afterwards.</para>
/// </summary>
public sealed class StoryIdCache
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<(string List, int Count), Entry> _entries = new();
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;
    private long _version;

    public StoryIdCache(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
    }

    /// <summary>Called by <see cref="StoryListCachesConsumer"/> for every content event.</summary>
    public void OnChange(ContentEventRecord change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Names(ContentKeys.Home) || change.Names(ContentKeys.Latest))
        {
            Clear();
        }
    }

    public async Task<List<int>> GetAsync(string list, int count, Func<CancellationToken, Task<List<int>>> load, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(load);
        var now = _clock.GetTimestamp();
        var hit = _entries.GetValueOrDefault((list, count));
        if (hit is not null)
        {
            if (_clock.GetElapsedTime(hit.At, now) < Lifetime || !hit.TryClaimRefresh())
            {
                // Fresh, or expired with another request already reading it again.
                return [.. hit.Ids];
            }
        }
        var version = Volatile.Read(ref _version);
        List<int> ids;
        try
        {
            ids = await load(ct);
        }
        catch
        {
            // Let the next request try; the held ids stay as they were.
            hit?.ReleaseRefresh();
            throw;
        }
        lock (_gate)
        {
            // A change raised while we read may be missing from what we read: keep it only if none came.
            if (_version == version)
            {
                _entries[(list, count)] = new Entry([.. ids], now);
            }
        }
        return ids;
    }

    private void Clear()
    {
        lock (_gate)
        {
            _version++;
            _entries.Clear();
        }
    }

    private sealed class Entry(int[] ids, long at)
    {
        private int _refreshing;

        public int[] Ids { get; } = ids;
        public long At { get; } = at;

        /// <summary>True for the one caller that gets to read an expired list again.</summary>
        public bool TryClaimRefresh() => Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0;

        public void ReleaseRefresh() => Volatile.Write(ref _refreshing, 0);
    }
}

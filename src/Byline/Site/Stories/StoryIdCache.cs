using System.Collections.Concurrent;
using Byline.Publishing;

namespace Byline.Site.Stories;

/// <summary>
/// The ids of the newest stories and of Top Stories, held for a moment: every article page and the
/// home page read exactly the same few ids, so with the output cache off (or on a miss) these reads
/// are repeated per request. Any change that names <see cref="ContentKeys.Home"/> or
/// <see cref="ContentKeys.Latest"/> clears them at once; the short lifetime only bounds the damage
/// of a write that raised no event.
/// </summary>
public sealed class StoryIdCache
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<(string List, int Count), Entry> _entries = new();
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;
    private long _version;

    public StoryIdCache(ContentEvents events, TimeProvider clock)
    {
        _clock = clock;
        events.Subscribe((change, _) =>
        {
            if (change.Keys.Contains(ContentKeys.Home) || change.Keys.Contains(ContentKeys.Latest))
            {
                Clear();
            }
            return Task.CompletedTask;
        });
    }

    public async Task<List<int>> GetAsync(string list, int count, Func<CancellationToken, Task<List<int>>> load, CancellationToken ct)
    {
        var now = _clock.GetTimestamp();
        if (_entries.TryGetValue((list, count), out var hit) && _clock.GetElapsedTime(hit.At, now) < Lifetime)
        {
            return [.. hit.Ids];
        }
        var version = Volatile.Read(ref _version);
        var ids = await load(ct);
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

    private sealed record Entry(int[] Ids, long At);
}

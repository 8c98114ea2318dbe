using System.Collections.Concurrent;
using Byline.Events;

namespace Byline.Site.Stories;

/// <summary>The sort key of one list entry: newest first by <see cref="At"/>, then by <see cref="Id"/>.</summary>
public readonly record struct ListEntry(int Id, DateTime At);

/// <summary>
/// Where the deep pages of the paged lists start. Page <c>n</c> of a list read by offset walks every
/// index entry before it (19,980 of them for page 1000, about 3 ms of server time per request on
/// PostgreSQL at a million stories); once the entry just before the page is known, the page is a seek
/// to that key and a read of 21 entries. Each list is held under the content key that names it
/// (<see cref="ContentKeys.Section"/>, <see cref="ContentKeys.Tag"/>, <see cref="ContentKeys.Author"/>,
/// <see cref="ContentKeys.Format"/>), and every content event naming that key drops the list's
/// boundaries, so a publication, withdrawal or move is seen at once; the lifetime only bounds the damage
/// of a write that raised no event.
/// <para>A boundary read while an event was raised is not kept (it may predate the change).
/// The number held is bounded: a crawler walking every page of every tag would otherwise grow it without
/// end; when full, everything is dropped and the pages read by offset again.</para>
/// </summary>
public sealed class PageBoundaries
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    internal const int Capacity = 20_000;

    private readonly ConcurrentDictionary<(string List, int Page), (ListEntry Before, long At)> _entries = new();
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;
    private long _version;

    public PageBoundaries(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
    }

    /// <summary>Called by <see cref="StoryListCachesConsumer"/> for every content event.</summary>
    public void OnChange(ContentEventRecord change)
    {
        ArgumentNullException.ThrowIfNull(change);
        Drop(change.Keys);
    }

    /// <summary>A stamp to hand back to <see cref="Keep"/>: taken before reading a boundary from the database.</summary>
    public long Version => Volatile.Read(ref _version);

    internal int Count => _entries.Count;

    /// <summary>The entry just before <paramref name="page"/> of <paramref name="list"/>, when held and fresh.</summary>
    public bool TryGet(string list, int page, out ListEntry before)
    {
        if (_entries.TryGetValue((list, page), out var held) && _clock.GetElapsedTime(held.At) < Lifetime)
        {
            before = held.Before;
            return true;
        }
        before = default;
        return false;
    }

    /// <summary>Holds the entry just before a page, unless a content event was raised since <paramref name="version"/>.</summary>
    public void Keep(string list, int page, ListEntry before, long version)
    {
        lock (_gate)
        {
            if (_version != version)
            {
                return;
            }
            if (_entries.Count >= Capacity)
            {
                _entries.Clear();
            }
            _entries[(list, page)] = (before, _clock.GetTimestamp());
        }
    }

    private void Drop(IReadOnlyCollection<string> keys)
    {
        lock (_gate)
        {
            _version++;
            if (_entries.IsEmpty)
            {
                return;
            }
            var named = keys as ISet<string> ?? new HashSet<string>(keys, StringComparer.Ordinal);
            foreach (var key in _entries.Keys)
            {
                if (named.Contains(key.List))
                {
                    _entries.TryRemove(key, out _);
                }
            }
        }
    }
}

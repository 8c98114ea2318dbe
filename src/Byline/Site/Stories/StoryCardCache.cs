using System.Collections.Concurrent;
using Byline.Discovery;
using Byline.Events;

namespace Byline.Site.Stories;

/// <summary>
/// Story cards by id, held in memory. Every article page and the home page show the same newest,
/// Top Stories and short-news cards, and a popular list page shows the same twenty: with the output
/// cache off (or on a miss) each of them was read, materialised and turned into a card again per
/// request. A card shows its story, its section and its show, so any content change clears them all
/// (changes are rare next to reads); only the popularity lists' own reshuffles, which change no card,
/// leave them. The lifetime bounds what a write that raised no event could leave behind.
/// </summary>
public sealed class StoryCardCache
{
    /// <summary>Cards held at most; past it the cache starts afresh rather than tracking use per card.</summary>
    internal const int Capacity = 10_000;

    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<int, Entry> _cards = new();
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;
    private long _version;

    public StoryCardCache(TimeProvider clock)
    {
        _clock = clock;
    }

    /// <summary>Called by <see cref="StoryListCachesConsumer"/> for every content event.</summary>
    public void OnChange(ContentEventRecord change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!change.Keys.All(IsPopularityKey))
        {
            Clear();
        }
    }

    internal int Count => _cards.Count;

    /// <summary>The version to hand back to <see cref="Add"/>: cards read after a change are kept, cards read across one are not.</summary>
    public long Version => Volatile.Read(ref _version);

    public bool TryGet(int id, out StoryCard card)
    {
        if (_cards.TryGetValue(id, out var entry) && _clock.GetElapsedTime(entry.At) < Lifetime)
        {
            card = entry.Card;
            return true;
        }
        card = null!;
        return false;
    }

    /// <summary>Keeps cards read from the database, unless a change was raised since <paramref name="version"/>.</summary>
    public void Add(IEnumerable<StoryCard> cards, long version)
    {
        ArgumentNullException.ThrowIfNull(cards);
        var at = _clock.GetTimestamp();
        lock (_gate)
        {
            if (_version != version)
            {
                return;
            }
            foreach (var card in cards)
            {
                if (_cards.Count >= Capacity)
                {
                    _cards.Clear();
                }
                _cards[card.Id] = new Entry(card, at);
            }
        }
    }

    private static bool IsPopularityKey(string key) =>
        key == PopularKeys.Site || key.StartsWith(PopularKeys.Site + ":", StringComparison.Ordinal);

    private void Clear()
    {
        lock (_gate)
        {
            _version++;
            _cards.Clear();
        }
    }

    private sealed record Entry(StoryCard Card, long At);
}

namespace Byline.Content;

/// <summary>
/// The content keys a response shows (see <see cref="Events.ContentKeys"/>). A page, feed or
/// sitemap that adds any key asks to be cached; one that adds none is never stored.
/// <para>
/// A <b>hard</b> key (<see cref="Add"/>) names what the response is about: when it changes the entry
/// is evicted and the next request renders afresh. A <b>soft</b> key (<see cref="AddSoft"/>) names a
/// side list or the chrome (latest news beside an article, the trending strip): when it changes the
/// entry is only marked stale, so the next reader gets the old copy at once while one request
/// re-renders it. Every key, hard or soft, goes out in <c>Surrogate-Key</c>.
/// </para>
/// </summary>
public sealed class CacheTags
{
    /// <summary>What the layout shows on every page: sections, static page titles, the trending strip.</summary>
    public const string Chrome = "chrome";

    private readonly HashSet<string> _hard = new(StringComparer.Ordinal);
    private readonly HashSet<string> _soft = new(StringComparer.Ordinal);

    public bool IsEmpty => _hard.Count == 0 && _soft.Count == 0;

    /// <summary>
    /// A response fresh for less than <see cref="CacheOptions.Lifetime"/> (search results: the index is
    /// updated beside the eviction, so a render racing a publish must not outlive it by long).
    /// </summary>
    public TimeSpan? MaxLifetime { get; set; }

    public IReadOnlyCollection<string> Hard => _hard;

    public IReadOnlyCollection<string> Soft => _soft;

    public CacheTags Add(params IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            _hard.Add(key);
            _soft.Remove(key);
        }
        return this;
    }

    public CacheTags AddSoft(params IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            if (!_hard.Contains(key))
            {
                _soft.Add(key);
            }
        }
        return this;
    }
}

public static class CacheTagsExtensions
{
    /// <summary>The keys of this response. Safe to call with the cache off: the keys then go nowhere.</summary>
    public static CacheTags CacheTags(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tags = context.Features.Get<CacheTags>();
        if (tags is null)
        {
            tags = new CacheTags();
            context.Features.Set(tags);
        }
        return tags;
    }
}

using Byline.Content;
using Byline.Discovery;
using Byline.Site.Stories;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Site.Shorts;

/// <summary>A short as lists show it: its card (headline, summary, image) and the full story it points to, if published.</summary>
public sealed record ShortItem(StoryCard Card, StoryCard? FullStory);

/// <summary>
/// What the short-news partial renders: the first <paramref name="Expanded"/> items with their summaries, the rest as headlines;
/// with <paramref name="Thumbnails"/> every item shows its picture, not only the expanded ones (the article's ending).
/// </summary>
public sealed record ShortListView(IReadOnlyList<ShortItem> Items, Dateline Dateline, DateTime NowUtc, int Expanded, int HeadingLevel = 3, bool WithImages = false, bool Thumbnails = false);

/// <summary>
/// Reads shorts for the /shorts stream, the home rail and the article page's boxes. Cards come from
/// <see cref="StoryLists"/>; the linked full stories are one more query for the whole list.
/// </summary>
public sealed class ShortNews(BylineDb db, StoryLists lists)
{
    public async Task<IReadOnlyList<ShortItem>> NewestAsync(int count, CancellationToken ct) =>
        await ItemsAsync(await lists.CardsAsync(await lists.NewestOfFormatIdsAsync(StoryFormat.ShortNews, count, ct), ct), ct);

    /// <summary>Attaches each short's linked full story (only when it is published: a draft is never linked to readers).</summary>
    public async Task<IReadOnlyList<ShortItem>> ItemsAsync(IReadOnlyList<StoryCard> shorts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(shorts);
        if (shorts.Count == 0)
        {
            return [];
        }
        var ids = shorts.Select(s => s.Id).ToArray();
        var links = await db.Articles.AsNoTracking()
            .Where(a => ids.Contains(a.Id) && a.LinkedArticleId != null)
            .Select(a => new { a.Id, Linked = a.LinkedArticleId!.Value })
            .ToDictionaryAsync(a => a.Id, a => a.Linked, ct);
        var full = links.Count == 0 ? new Dictionary<int, StoryCard>() : await lists.CardsByIdAsync(links.Values, ct);
        return [.. shorts.Select(s => new ShortItem(s, links.TryGetValue(s.Id, out var l) && full.TryGetValue(l, out var card) ? card : null))];
    }
}

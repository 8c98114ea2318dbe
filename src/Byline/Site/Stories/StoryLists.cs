using Byline.Content;
using Byline.Discovery;
using Byline.Events;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Site.Stories;

/// <summary>One page of a story list: the cards and whether a further page exists.</summary>
public sealed record StoryPage(IReadOnlyList<StoryCard> Stories, Paging Paging, bool HasNext);

/// <summary>
/// Story lists for the reader pages. A paged list first reads only the ids of its page from the
/// list's index (the skipped rows cost index entries, never row data), then loads the cards for
/// those ids in one query.
/// </summary>
public sealed class StoryLists(BylineDb db, StoryIdCache idCache, PageBoundaries boundaries, StoryCardCache cardCache) : IStoryCards
{
    // The id lists every article page and the home page read, and the cards they load: compiled
    // once per provider, since EF's own per-query work is most of what such a sub-millisecond index
    // read costs.
    private static readonly CompiledQuery<Func<BylineDb, int, IAsyncEnumerable<int>>> NewestIds = new(() =>
        EF.CompileAsyncQuery((BylineDb db, int count) => db.Articles
            .Where(a => a.Status == ArticleStatus.Published && a.Format < StoryFormats.FirstUnlisted)
            .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Select(a => a.Id).Take(count)));

    private static readonly CompiledQuery<Func<BylineDb, int, IAsyncEnumerable<int>>> TopIds = new(() =>
        EF.CompileAsyncQuery((BylineDb db, int count) => db.CuratedItems
            .Where(c => c.List == "top" && c.Article!.Status == ArticleStatus.Published)
            .OrderBy(c => c.Position).ThenBy(c => c.Id)
            .Select(c => c.ArticleId)
            .Take(count)));

    private static readonly CompiledQuery<Func<BylineDb, int[], IAsyncEnumerable<CardRow>>> CardRows = new(() =>
        EF.CompileAsyncQuery((BylineDb db, int[] wanted) => db.Articles
            .Where(a => a.Status == ArticleStatus.Published && wanted.Contains(a.Id))
            .Select(a => new CardRow(
                a.Id,
                a.Slug,
                a.Headline,
                a.Standfirst,
                a.PublishedAt!.Value,
                a.TopSectionId,
                db.Sections.Where(s => s.Id == a.TopSectionId).Select(s => s.Slug).First(),
                a.Section!.Name,
                a.Format,
                a.ShowId == null ? null : db.Shows.Where(s => s.Id == a.ShowId).Select(s => s.Slug).FirstOrDefault(),
                a.LeadImage == null ? null : new StoryImage(a.LeadImage.Key, a.LeadImage.Widths, a.LeadImage.Width, a.LeadImage.Height, a.LeadImageAlt ?? a.LeadImage.Alt),
                // Only a photo story's slides (the "Photos" count) and a live blog's state (the LIVE badge) are read.
                a.Format == StoryFormat.PhotoStory || a.Format == StoryFormat.LiveBlog ? a.FormatData : null))));

    public Task<StoryPage> SectionPageAsync(int topSectionId, Paging paging, CancellationToken ct) =>
        StoriesPageAsync(ContentKeys.Section(topSectionId), Listed().Where(a => a.TopSectionId == topSectionId), paging, ct);

    public Task<StoryPage> SubSectionPageAsync(int sectionId, Paging paging, CancellationToken ct) =>
        StoriesPageAsync(ContentKeys.Section(sectionId), Listed().Where(a => a.SectionId == sectionId), paging, ct);

    public Task<StoryPage> TagPageAsync(int tagId, Paging paging, CancellationToken ct) =>
        LinksPageAsync(ContentKeys.Tag(tagId), db.ArticleTags.Where(t => t.TagId == tagId && t.ListedAt != null), paging, ct);

    public Task<StoryPage> AuthorPageAsync(int authorId, Paging paging, CancellationToken ct) =>
        LinksPageAsync(ContentKeys.Author(authorId), db.ArticleAuthors.Where(t => t.AuthorId == authorId && t.ListedAt != null), paging, ct);

    /// <summary>
    /// The newest stories: their ids from the latest-stories index, then their cards. In one query
    /// (ordered, limited, joined) SQLite 3.53 walks IX_Articles_Status_ModifiedAt and sorts every
    /// published row — 12 s at a million stories; the ids alone always take the covering index.
    /// </summary>
    public async Task<IReadOnlyList<StoryCard>> LatestAsync(int count, CancellationToken ct) =>
        await CardsAsync(await Listed().OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id)
            .Select(a => a.Id).Take(count).ToListAsync(ct), ct);

    /// <summary>Ids of the newest stories, from the latest-stories index.</summary>
    public Task<List<int>> LatestIdsAsync(int count, CancellationToken ct) =>
        idCache.GetAsync("latest", count, c => ToListAsync(NewestIds.For(db)(db, count), c), ct);

    /// <summary>Ids of the editors' Top Stories in their order (empty when nothing is curated).</summary>
    public Task<List<int>> TopStoryIdsAsync(int count, CancellationToken ct) =>
        idCache.GetAsync("top", count, c => ToListAsync(TopIds.For(db)(db, count), c), ct);

    /// <summary>One page of a format's own stream (/shorts, /web-stories…), newest first, from IX_Articles_Format.</summary>
    public Task<StoryPage> FormatPageAsync(StoryFormat format, Paging paging, CancellationToken ct) =>
        StoriesPageAsync(ContentKeys.Format(format), Published().Where(a => a.Format == format), paging, ct);

    /// <summary>
    /// Ids of the newest published stories of one format (the short-news rail and boxes on every article
    /// and home page), held like the newest stories: any story's change names <see cref="ContentKeys.Home"/>.
    /// </summary>
    public Task<List<int>> NewestOfFormatIdsAsync(StoryFormat format, int count, CancellationToken ct) =>
        idCache.GetAsync(ContentKeys.Format(format), count, c => Published().Where(a => a.Format == format)
            .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Select(a => a.Id).TakeFixed(count).ToListAsync(c), ct);

    /// <summary>
    /// A topic hub's stream: every listed story carrying any of <paramref name="tagIds"/>, newest first,
    /// each once, leaving out <paramref name="excludeIds"/> (the hub's pinned stories, shown above it).
    /// </summary>
    public Task<StoryPage> TaggedPageAsync(IReadOnlyCollection<int> tagIds, IReadOnlyCollection<int> excludeIds, Paging paging, CancellationToken ct)
    {
        var tags = tagIds.ToArray();
        var exclude = excludeIds.ToArray();
        // A story's tag rows all carry the same ListedAt, so (ArticleId, ListedAt) pairs are one row per story.
        var ids = db.ArticleTags
            .Where(t => tags.Contains(t.TagId) && t.ListedAt != null && !exclude.Contains(t.ArticleId))
            .Select(t => new { t.ArticleId, t.ListedAt })
            .Distinct()
            .OrderByDescending(t => t.ListedAt).ThenByDescending(t => t.ArticleId)
            .Select(t => t.ArticleId);
        return PageAsync(ids, paging, ct);
    }

    /// <summary>Cards of several lists in one query: each list then picks its own ids, in its own order.</summary>
    public async Task<IReadOnlyDictionary<int, StoryCard>> CardsByIdAsync(IEnumerable<int> ids, CancellationToken ct) =>
        (await CardsAsync([.. ids.Distinct()], ct)).ToDictionary(c => c.Id);

    public static IReadOnlyList<StoryCard> Pick(IReadOnlyDictionary<int, StoryCard> cards, IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(cards);
        return [.. ids.Where(cards.ContainsKey).Select(id => cards[id])];
    }

    /// <summary>Ids of the newest few stories of each given top-level section, in one round trip.</summary>
    public Task<List<int>> NewestPerSectionIdsAsync(IReadOnlyList<int> topSectionIds, int each, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(topSectionIds);
        if (topSectionIds.Count == 0)
        {
            return Task.FromResult(new List<int>());
        }
        // Held like the newest stories (every story change clears it); the sections are part of the
        // name, so a change to the home page's sections is a different list.
        return idCache.GetAsync("sections:" + string.Join(',', topSectionIds), each, c => ReadNewestPerSectionIdsAsync(topSectionIds, each, c), ct);
    }

    private async Task<List<int>> ReadNewestPerSectionIdsAsync(IReadOnlyList<int> topSectionIds, int each, CancellationToken ct)
    {
        // A UNION ALL of small index ranges: each part reads `each` entries of IX_Articles_TopSection.
        // The count is written into the SQL: with LIMIT as a parameter PostgreSQL judged its generic plan
        // costlier and planned the 13-part statement again on every execution (1.2 ms), prepared or not.
        IQueryable<int>? ids = null;
        foreach (var sectionId in topSectionIds)
        {
            var part = Listed().Where(a => a.TopSectionId == sectionId)
                .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Select(a => a.Id).TakeFixed(each);
            ids = ids is null ? part : ids.Concat(part);
        }
        return await ids!.ToListAsync(ct);
    }

    /// <summary>Cards for the given ids, in the order given; ids of unpublished stories drop out.</summary>
    public async Task<IReadOnlyList<StoryCard>> CardsAsync(IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }
        var byId = new Dictionary<int, StoryCard>(ids.Count);
        List<int>? missing = null;
        foreach (var id in ids)
        {
            if (cardCache.TryGet(id, out var card))
            {
                byId[id] = card;
            }
            else
            {
                (missing ??= []).Add(id);
            }
        }
        if (missing is not null)
        {
            var version = cardCache.Version;
            var read = new List<StoryCard>(missing.Count);
            await foreach (var row in CardRows.For(db)(db, [.. missing]).WithCancellation(ct))
            {
                var card = Map(row);
                read.Add(card);
                byId[card.Id] = card;
            }
            cardCache.Add(read, version);
        }
        var cards = new List<StoryCard>(byId.Count);
        var seen = new HashSet<int>();
        foreach (var id in ids)
        {
            if (byId.TryGetValue(id, out var card) && seen.Add(id))
            {
                cards.Add(card);
            }
        }
        return cards;
    }

    /// <summary>A page of a list of stories kept newest first (a section, a sub-section, a format's stream).</summary>
    private Task<StoryPage> StoriesPageAsync(string list, IQueryable<Article> stories, Paging paging, CancellationToken ct) =>
        PageAsync(list, paging,
            stories.OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Select(a => new ListEntry(a.Id, a.PublishedAt!.Value)),
            // "<= At" is the index range; the rest drops the entries of the same instant up to the boundary.
            b => stories.Where(a => a.PublishedAt <= b.At && (a.PublishedAt < b.At || a.Id < b.Id))
                .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Select(a => new ListEntry(a.Id, a.PublishedAt!.Value)),
            ct);

    /// <summary>A page of a tag's or an author's stories, newest first by the links' ListedAt.</summary>
    private Task<StoryPage> LinksPageAsync<TLink>(string list, IQueryable<TLink> links, Paging paging, CancellationToken ct)
        where TLink : class, IListedLink =>
        PageAsync(list, paging,
            links.OrderByDescending(t => t.ListedAt).ThenByDescending(t => t.ArticleId).Select(t => new ListEntry(t.ArticleId, t.ListedAt!.Value)),
            b => links.Where(t => t.ListedAt <= b.At && (t.ListedAt < b.At || t.ArticleId < b.Id))
                .OrderByDescending(t => t.ListedAt).ThenByDescending(t => t.ArticleId).Select(t => new ListEntry(t.ArticleId, t.ListedAt!.Value)),
            ct);

    /// <summary>
    /// One page of a list held in <see cref="PageBoundaries"/> under <paramref name="list"/>: page 1 from
    /// the top, a later page from the entry before it when that is held (a seek), otherwise by offset —
    /// reading that entry too and holding it for the next reader of the page.
    /// </summary>
    private async Task<StoryPage> PageAsync(string list, Paging paging, IQueryable<ListEntry> ordered, Func<ListEntry, IQueryable<ListEntry>> after, CancellationToken ct)
    {
        // One extra entry tells whether a next page exists without counting the whole list.
        var take = paging.Size + 1;
        List<ListEntry> entries;
        if (paging.Page == 1)
        {
            entries = await ordered.TakeFixed(take).ToListAsync(ct);
        }
        else if (boundaries.TryGet(list, paging.Page, out var before))
        {
            entries = await after(before).TakeFixed(take).ToListAsync(ct);
        }
        else
        {
            var version = boundaries.Version;
            entries = await ordered.Skip(paging.Skip - 1).TakeFixed(take + 1).ToListAsync(ct);
            if (entries.Count > 0)
            {
                boundaries.Keep(list, paging.Page, entries[0], version);
                entries.RemoveAt(0);
            }
        }
        var hasNext = entries.Count > paging.Size;
        var ids = entries.Take(paging.Size).Select(e => e.Id).ToList();
        return new StoryPage(await CardsAsync(ids, ct), paging, hasNext);
    }

    private async Task<StoryPage> PageAsync(IQueryable<int> orderedIds, Paging paging, CancellationToken ct)
    {
        var ids = await orderedIds.Skip(paging.Skip).Take(paging.Size + 1).ToListAsync(ct);
        var hasNext = ids.Count > paging.Size;
        if (hasNext)
        {
            ids.RemoveAt(ids.Count - 1);
        }
        return new StoryPage(await CardsAsync(ids, ct), paging, hasNext);
    }

    private static async Task<List<int>> ToListAsync(IAsyncEnumerable<int> ids, CancellationToken ct)
    {
        var list = new List<int>();
        await foreach (var id in ids.WithCancellation(ct))
        {
            list.Add(id);
        }
        return list;
    }

    private IQueryable<Article> Published() => db.Articles.Where(a => a.Status == ArticleStatus.Published);

    /// <summary>Published stories of the formats that appear in story lists (not shorts, episodes, web stories, hubs).</summary>
    private IQueryable<Article> Listed() => db.Articles.Where(a => a.Status == ArticleStatus.Published && a.Format < StoryFormats.FirstUnlisted);

    private static StoryCard Map(CardRow r)
    {
        var data = r.FormatData is null ? null : FormatData.FromJson(r.FormatData);
        return new(r.Id, r.Headline, r.Standfirst, StoryFormats.Path(r.Format, r.TopSlug, r.Slug, r.Id, r.ShowSlug), r.PublishedAt, r.TopSectionId, r.SectionName, r.Image,
            r.Format, r.Format == StoryFormat.PhotoStory ? data?.Slides.Count ?? 0 : 0, r.Format == StoryFormat.LiveBlog && data?.LiveEndedAt is null);
    }

    private sealed record CardRow(int Id, string Slug, string Headline, string Standfirst, DateTime PublishedAt, int TopSectionId, string TopSlug, string SectionName,
        StoryFormat Format, string? ShowSlug, StoryImage? Image, string? FormatData);
}

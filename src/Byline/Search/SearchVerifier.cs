using Byline.Content;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Search;

/// <summary>What `search verify` found (and, unless it only looked, repaired).</summary>
public sealed record SearchDrift(int Checked, IReadOnlyList<int> Missing, IReadOnlyList<int> Extra, IReadOnlyList<int> Stale)
{
    public int Total => Missing.Count + Extra.Count + Stale.Count;
}

/// <summary>
/// Compares the search index with the stories, story by story in id order (both sides read in pages,
/// so a million stories never sit in memory): a published story the index lacks, an entry for a story
/// that is not published, an entry whose headline, standfirst, tags or authors differ. Repairs re-index
/// exactly those stories, as the search consumer would have.
/// </summary>
public sealed class SearchVerifier(BylineDb db, ISearchIndex index, SearchIndexSync sync)
{
    private const int Page = 5_000;

    /// <summary>Ids listed per kind of drift at most (the counts are always whole).</summary>
    public const int MaxListed = 10_000;

    public async Task<SearchDrift> VerifyAsync(bool repair, Action<int>? progress, CancellationToken ct)
    {
        var missing = new List<int>();
        var extra = new List<int>();
        var stale = new List<int>();
        var drifted = new List<int>();
        var count = 0;
        await using var stories = Stories(ct).GetAsyncEnumerator(ct);
        await using var entries = Entries(ct).GetAsyncEnumerator(ct);
        var hasStory = await stories.MoveNextAsync();
        var hasEntry = await entries.MoveNextAsync();
        while (hasStory || hasEntry)
        {
            ct.ThrowIfCancellationRequested();
            if (hasStory && (!hasEntry || stories.Current.ArticleId < entries.Current.ArticleId))
            {
                Note(missing, stories.Current.ArticleId);
                drifted.Add(stories.Current.ArticleId);
                hasStory = await stories.MoveNextAsync();
            }
            else if (hasEntry && (!hasStory || entries.Current.ArticleId < stories.Current.ArticleId))
            {
                Note(extra, entries.Current.ArticleId);
                drifted.Add(entries.Current.ArticleId);
                hasEntry = await entries.MoveNextAsync();
            }
            else
            {
                if (stories.Current != entries.Current)
                {
                    Note(stale, stories.Current.ArticleId);
                    drifted.Add(stories.Current.ArticleId);
                }
                hasStory = await stories.MoveNextAsync();
                hasEntry = await entries.MoveNextAsync();
            }
            if (++count % Page == 0)
            {
                progress?.Invoke(count);
            }
            if (repair && drifted.Count >= Page)
            {
                await RepairAsync(drifted, ct);
            }
        }
        if (repair)
        {
            await RepairAsync(drifted, ct);
        }
        return new SearchDrift(count, missing, extra, stale);
    }

    private static void Note(List<int> list, int id)
    {
        if (list.Count < MaxListed)
        {
            list.Add(id);
        }
    }

    private async Task RepairAsync(List<int> ids, CancellationToken ct)
    {
        foreach (var id in ids)
        {
            await sync.SyncAsync(id, ct);
        }
        ids.Clear();
    }

    /// <summary>The published stories as the index should hold them, by id.</summary>
    private async IAsyncEnumerable<IndexedEntry> Stories([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var after = 0;
        while (true)
        {
            var rows = await db.Articles.AsNoTracking()
                .Where(a => a.Id > after && a.Status == ArticleStatus.Published && a.PublishedAt != null)
                .OrderBy(a => a.Id).Take(Page)
                .Select(a => new { a.Id, a.Headline, a.Standfirst })
                .ToListAsync(ct);
            if (rows.Count == 0)
            {
                yield break;
            }
            var ids = rows.Select(r => r.Id).ToList();
            var tags = (await db.ArticleTags.AsNoTracking().Where(t => ids.Contains(t.ArticleId))
                    .Select(t => new { t.ArticleId, t.Position, t.Tag!.Name }).ToListAsync(ct))
                .GroupBy(t => t.ArticleId).ToDictionary(g => g.Key, g => string.Join(' ', g.OrderBy(t => t.Position).Select(t => t.Name)));
            var authors = (await db.ArticleAuthors.AsNoTracking().Where(t => ids.Contains(t.ArticleId))
                    .Select(t => new { t.ArticleId, t.Position, t.Author!.Name }).ToListAsync(ct))
                .GroupBy(t => t.ArticleId).ToDictionary(g => g.Key, g => string.Join(' ', g.OrderBy(t => t.Position).Select(t => t.Name)));
            foreach (var r in rows)
            {
                yield return new IndexedEntry(r.Id, SearchSql.Clean(r.Headline), SearchSql.Clean(r.Standfirst),
                    tags.GetValueOrDefault(r.Id) ?? "", authors.GetValueOrDefault(r.Id) ?? "");
            }
            after = rows[^1].Id;
        }
    }

    private async IAsyncEnumerable<IndexedEntry> Entries([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var after = 0;
        while (true)
        {
            var page = await index.ReadEntriesAsync(after, Page, ct);
            if (page.Count == 0)
            {
                yield break;
            }
            foreach (var e in page)
            {
                yield return e;
            }
            after = page[^1].ArticleId;
        }
    }
}

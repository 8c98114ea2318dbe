using Byline.Content;
using Byline.Site.Stories;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Site.Search;

/// <summary>
/// Interim search: headlines containing the words as typed, newest first. It scans the published
/// stories, which is fine for now; the full-text search (FTS5 / tsvector) replaces it.
/// </summary>
public sealed class SearchQuery(BylineDb db, StoryLists lists)
{
    public const int MaxQueryLength = 100;

    public async Task<StoryPage> HeadlinesAsync(string text, Paging paging, CancellationToken ct)
    {
        var pattern = "%" + EscapeLike(text) + "%";
        var published = db.Articles.Where(a => a.Status == ArticleStatus.Published);
        // SQLite's LIKE ignores ASCII case already; PostgreSQL needs ILIKE for the same behaviour.
        var matches = db.Provider == DatabaseProvider.Postgres
            ? published.Where(a => EF.Functions.ILike(a.Headline, pattern, "\\"))
            : published.Where(a => EF.Functions.Like(a.Headline, pattern, "\\"));
        var ids = await matches
            .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id)
            .Select(a => a.Id)
            .Skip(paging.Skip).Take(paging.Size + 1)
            .ToListAsync(ct);
        var hasNext = ids.Count > paging.Size;
        if (hasNext)
        {
            ids.RemoveAt(ids.Count - 1);
        }
        return new StoryPage(await lists.CardsAsync(ids, ct), paging, hasNext);
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);
}

using Byline.Content;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Stories;

public sealed record StoryListRow(int Id, string Headline, ArticleStatus Status, string Section, DateTime ModifiedAt, DateTime? PublishedAt, string Authors, StoryFormat Format = StoryFormat.Article);

/// <summary>The newsroom's story list filters; dates are UTC bounds (the page converts from the publication's zone).</summary>
public sealed record StoryFilter(ArticleStatus? Status = null, int? SectionId = null, int? AuthorId = null, DateTime? FromUtc = null, DateTime? ToUtc = null, string? Headline = null, StoryFormat? Format = null);

/// <summary>
/// Every story, newest change first. Each status is one range of the (Status, ModifiedAt) index,
/// read newest first and only as deep as the page needs; without a status filter the five ranges
/// are merged in memory. Nothing counts the table: the page shows "Older" when one more row exists.
/// Only the stories the viewer may see are listed (<see cref="StoryAccess"/>).
/// </summary>
public sealed class StoryListQuery(BylineDb db, StoryAccess access)
{
    public async Task<(IReadOnlyList<StoryListRow> Rows, bool HasNext)> FindAsync(StoryFilter filter, System.Security.Claims.ClaimsPrincipal viewer, int page, int pageSize, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(viewer);
        var skip = (page - 1) * pageSize;
        var depth = skip + pageSize + 1;
        var statuses = filter.Status is { } s ? [s] : Enum.GetValues<ArticleStatus>();
        var heads = new List<(int Id, DateTime ModifiedAt)>();
        foreach (var status in statuses)
        {
            var range = await access.Visible(Filtered(status, filter), viewer).OrderByDescending(a => a.ModifiedAt).ThenByDescending(a => a.Id)
                .Take(depth).Select(a => new { a.Id, a.ModifiedAt }).ToListAsync(ct);
            heads.AddRange(range.Select(r => (r.Id, r.ModifiedAt)));
        }
        var ids = heads.OrderByDescending(h => h.ModifiedAt).ThenByDescending(h => h.Id).Skip(skip).Take(pageSize + 1).Select(h => h.Id).ToList();
        var hasNext = ids.Count > pageSize;
        ids = [.. ids.Take(pageSize)];

        var rows = await db.Articles.Where(a => ids.Contains(a.Id)).Select(a => new
        {
            a.Id,
            a.Headline,
            a.Status,
            a.Format,
            Section = a.Section!.Name,
            a.ModifiedAt,
            a.PublishedAt,
        }).ToListAsync(ct);
        // A second small query rather than a per-row sub-select: SQLite cannot translate a limited nested list.
        var bylines = (await db.ArticleAuthors.Where(x => ids.Contains(x.ArticleId))
                .Select(x => new { x.ArticleId, x.Position, x.Author!.Name }).ToListAsync(ct))
            .GroupBy(x => x.ArticleId)
            .ToDictionary(g => g.Key, g => string.Join(", ", g.OrderBy(x => x.Position).Take(3).Select(x => x.Name)));
        return ([.. rows.OrderBy(r => ids.IndexOf(r.Id)).Select(r => new StoryListRow(r.Id, r.Headline, r.Status, r.Section, r.ModifiedAt, r.PublishedAt, bylines.GetValueOrDefault(r.Id, ""), r.Format))], hasNext);
    }

    private IQueryable<Article> Filtered(ArticleStatus status, StoryFilter filter)
    {
        var query = db.Articles.Where(a => a.Status == status);
        if (filter.Format is { } format)
        {
            query = query.Where(a => a.Format == format);
        }
        if (filter.FromUtc is { } from)
        {
            query = query.Where(a => a.ModifiedAt >= from);
        }
        if (filter.ToUtc is { } to)
        {
            query = query.Where(a => a.ModifiedAt < to);
        }
        if (filter.SectionId is { } section)
        {
            query = query.Where(a => a.SectionId == section || a.TopSectionId == section);
        }
        if (filter.AuthorId is { } author)
        {
            query = query.Where(a => a.Authors.Any(x => x.AuthorId == author));
        }
        var q = (filter.Headline ?? "").Trim();
        if (q.Length > 0)
        {
            var lower = (q.Length > 100 ? q[..100] : q).ToLowerInvariant();
            // Translates to lower(Headline) LIKE on both providers; the comparison overload does not translate.
#pragma warning disable CA1862, CA1304, CA1311 // CA1304/CA1311: runs as SQL lower(), never under a .NET culture
            query = query.Where(a => a.Headline.ToLower().Contains(lower));
#pragma warning restore CA1862, CA1304, CA1311
        }
        return query;
    }
}

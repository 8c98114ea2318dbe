using Byline.Content;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Search;

/// <summary>Brings one story's index entry in line with the database: published → upsert, anything else → delete.</summary>
public sealed class SearchIndexSync(BylineDb db, ISearchIndex index)
{
    public async Task<bool> SyncAsync(int articleId, CancellationToken ct)
    {
        var a = await db.Articles.AsNoTracking().Where(x => x.Id == articleId)
            .Select(x => new { x.Id, x.Status, x.PublishedAt, x.Headline, x.Standfirst, x.BodyMarkdown, x.SectionId, x.TopSectionId })
            .FirstOrDefaultAsync(ct);
        if (a is null || a.Status != ArticleStatus.Published || a.PublishedAt is not DateTime published)
        {
            await index.DeleteAsync(articleId, ct);
            return false;
        }
        var tags = await db.ArticleTags.AsNoTracking().Where(t => t.ArticleId == articleId).OrderBy(t => t.Position)
            .Select(t => t.Tag!.Name).ToListAsync(ct);
        var authors = await db.ArticleAuthors.AsNoTracking().Where(t => t.ArticleId == articleId).OrderBy(t => t.Position)
            .Select(t => t.Author!.Name).ToListAsync(ct);
        await index.UpsertAsync(new SearchDocument(a.Id, a.Headline, a.Standfirst, a.BodyMarkdown,
            string.Join(' ', tags), string.Join(' ', authors), published, a.SectionId, a.TopSectionId), ct);
        return true;
    }
}

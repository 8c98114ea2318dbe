using Byline.Events;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Publishing;

/// <summary>Every cache key a story appears under: its page, its sections, tags, authors, and the shared lists.</summary>
public static class AffectedKeys
{
    public static async Task<List<string>> ForArticleAsync(BylineDb db, int articleId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var keys = new List<string> { ContentKeys.Article(articleId), ContentKeys.Home, ContentKeys.Latest, ContentKeys.Sitemaps };
        var article = await db.Articles.AsNoTracking().Where(a => a.Id == articleId)
            .Select(a => new { a.SectionId, a.TopSectionId, a.Format, a.ShowId }).FirstOrDefaultAsync(ct);
        if (article is not null)
        {
            keys.Add(ContentKeys.Format(article.Format));
            if (article.ShowId is { } show)
            {
                keys.Add(ContentKeys.Show(show));
            }
            keys.Add(ContentKeys.Section(article.SectionId));
            if (article.TopSectionId != article.SectionId)
            {
                keys.Add(ContentKeys.Section(article.TopSectionId));
            }
        }
        var tags = await db.ArticleTags.AsNoTracking().Where(t => t.ArticleId == articleId).Select(t => t.TagId).ToListAsync(ct);
        keys.AddRange(tags.Select(ContentKeys.Tag));
        var authors = await db.ArticleAuthors.AsNoTracking().Where(a => a.ArticleId == articleId).Select(a => a.AuthorId).ToListAsync(ct);
        keys.AddRange(authors.Select(ContentKeys.Author));
        return keys;
    }
}

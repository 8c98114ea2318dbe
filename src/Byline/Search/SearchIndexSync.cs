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
            .Select(x => new { x.Id, x.Status, x.PublishedAt, x.Headline, x.Standfirst, x.BodyMarkdown, x.SectionId, x.TopSectionId, x.Format, x.FormatData })
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
        // The searchable body of a photo or web story includes its slides' text, a live blog's its updates';
        // the rebuild SQL of each index composes the same text.
        var body = a.BodyMarkdown;
        if (a.Format is StoryFormat.PhotoStory or StoryFormat.WebStory)
        {
            body = string.Join(' ', [body, .. FormatData.FromJson(a.FormatData).Slides.Select(sl => sl.Heading + " " + sl.Text)]);
        }
        else if (a.Format == StoryFormat.LiveBlog)
        {
            var updates = await db.LiveBlogUpdates.AsNoTracking().Where(u => u.ArticleId == articleId && !u.IsDeleted)
                .OrderBy(u => u.Id).Select(u => u.Headline + " " + u.BodyMarkdown).ToListAsync(ct);
            body = string.Join(' ', [body, .. updates]);
        }
        await index.UpsertAsync(new SearchDocument(a.Id, a.Headline, a.Standfirst, body,
            string.Join(' ', tags), string.Join(' ', authors), published, a.SectionId, a.TopSectionId), ct);
        return true;
    }
}

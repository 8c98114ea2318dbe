using Byline.Content;
using Byline.Site.Stories;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Site.Articles;

public sealed record LeadFigure(string Key, string Widths, int Width, int Height, string Alt, string Caption, string Credit);

public sealed record ArticleRow(
    int Id,
    string Slug,
    string Headline,
    string Standfirst,
    string BodyJson,
    int SectionId,
    int TopSectionId,
    string Attribution,
    string? SeoTitle,
    string? SeoDescription,
    ArticleStatus Status,
    DateTime? PublishedAt,
    DateTime? UpdatedAt,
    LeadFigure? Lead,
    StoryFormat Format = StoryFormat.Article,
    string? FormatData = null,
    int? LinkedArticleId = null,
    int? ShowId = null);

public sealed record ArticleAuthorLink(int Id, string Name, string Slug, bool IsDesk);

public sealed record ArticleTagLink(int Id, string Name, string Slug);

/// <summary>The article page's own data: the story, its authors and tags (related stories come from Discovery).</summary>
public sealed class ArticleQuery(BylineDb db)
{
    public Task<ArticleRow?> FindAsync(int id, CancellationToken ct) =>
        db.Articles.Where(a => a.Id == id).Select(a => new ArticleRow(
            a.Id,
            a.Slug,
            a.Headline,
            a.Standfirst,
            a.BodyHtml,
            a.SectionId,
            a.TopSectionId,
            a.Attribution,
            a.SeoTitle,
            a.SeoDescription,
            a.Status,
            a.PublishedAt,
            a.UpdatedAt,
            a.LeadImage == null
                ? null
                : new LeadFigure(
                    a.LeadImage.Key,
                    a.LeadImage.Widths,
                    a.LeadImage.Width,
                    a.LeadImage.Height,
                    a.LeadImageAlt ?? a.LeadImage.Alt,
                    a.LeadImageCaption ?? a.LeadImage.Caption,
                    a.LeadImageCredit ?? a.LeadImage.Credit),
            a.Format,
            a.FormatData,
            a.LinkedArticleId,
            a.ShowId))
        .FirstOrDefaultAsync(ct);

    /// <summary>An episode's show slug, for its address.</summary>
    public Task<string?> ShowSlugAsync(int showId, CancellationToken ct) =>
        db.Shows.Where(s => s.Id == showId).Select(s => s.Slug).FirstOrDefaultAsync(ct);

    public async Task<IReadOnlyList<ArticleAuthorLink>> AuthorsAsync(int id, CancellationToken ct) =>
        await db.ArticleAuthors.Where(x => x.ArticleId == id)
            .OrderBy(x => x.Position)
            .Select(x => new ArticleAuthorLink(x.AuthorId, x.Author!.Name, x.Author.Slug, x.Author.IsDesk))
            .ToListAsync(ct);

    public async Task<IReadOnlyList<ArticleTagLink>> TagsAsync(int id, CancellationToken ct) =>
        await db.ArticleTags.Where(x => x.ArticleId == id)
            .OrderBy(x => x.Position)
            .Select(x => new ArticleTagLink(x.TagId, x.Tag!.Name, x.Tag.Slug))
            .ToListAsync(ct);
}

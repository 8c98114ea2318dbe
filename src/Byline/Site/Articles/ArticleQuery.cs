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

/// <summary>The story's bylines and tags, read together.</summary>
public sealed record ArticleLinks(IReadOnlyList<ArticleAuthorLink> Authors, IReadOnlyList<ArticleTagLink> Tags);

/// <summary>
/// The article page's own data: the story, its authors and tags (related stories come from Discovery).
/// Both queries are compiled once per provider: an uncached article view is a handful of
/// sub-millisecond reads, so EF's per-query translation and cache lookup would otherwise be a large
/// share of each request.
/// </summary>
public sealed class ArticleQuery(BylineDb db)
{
    private static readonly CompiledQuery<Func<BylineDb, int, CancellationToken, Task<ArticleRow?>>> Find = new(() =>
        EF.CompileAsyncQuery((BylineDb db, int id, CancellationToken ct) => db.Articles.Where(a => a.Id == id).Select(a => new ArticleRow(
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
        .FirstOrDefault()));

    // Authors and tags as one UNION ALL in one round trip; joined to the story instead, every
    // author would repeat for every tag (and the body for both).
    private static readonly CompiledQuery<Func<BylineDb, int, IAsyncEnumerable<LinkRow>>> Links = new(() =>
        EF.CompileAsyncQuery((BylineDb db, int id) =>
            db.ArticleAuthors.Where(x => x.ArticleId == id)
                .Select(x => new { Kind = 0, x.Position, Id = x.AuthorId, x.Author!.Name, x.Author.Slug, x.Author.IsDesk })
            .Concat(db.ArticleTags.Where(x => x.ArticleId == id)
                .Select(x => new { Kind = 1, x.Position, Id = x.TagId, x.Tag!.Name, x.Tag.Slug, IsDesk = false }))
            .Select(x => new LinkRow(x.Kind, x.Position, x.Id, x.Name, x.Slug, x.IsDesk))));

    /// <summary>The story's tags alone, for pages that show no byline.</summary>
    public async Task<IReadOnlyList<ArticleTagLink>> TagsAsync(int id, CancellationToken ct) => (await LinksAsync(id, ct)).Tags;

    /// <summary>An episode's show slug, for its address.</summary>
    public Task<string?> ShowSlugAsync(int showId, CancellationToken ct) =>
        db.Shows.Where(s => s.Id == showId).Select(s => s.Slug).FirstOrDefaultAsync(ct);

    public Task<ArticleRow?> FindAsync(int id, CancellationToken ct) => Find.For(db)(db, id, ct);

    public async Task<ArticleLinks> LinksAsync(int id, CancellationToken ct)
    {
        var rows = new List<LinkRow>();
        await foreach (var row in Links.For(db)(db, id).WithCancellation(ct))
        {
            rows.Add(row);
        }
        rows.Sort((a, b) => a.Kind != b.Kind ? a.Kind.CompareTo(b.Kind) : a.Position.CompareTo(b.Position));
        return new ArticleLinks(
            [.. rows.Where(r => r.Kind == 0).Select(r => new ArticleAuthorLink(r.Id, r.Name, r.Slug, r.IsDesk))],
            [.. rows.Where(r => r.Kind == 1).Select(r => new ArticleTagLink(r.Id, r.Name, r.Slug))]);
    }

    private sealed record LinkRow(int Kind, int Position, int Id, string Name, string Slug, bool IsDesk);
}

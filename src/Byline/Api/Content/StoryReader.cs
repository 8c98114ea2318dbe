using System.Globalization;
using System.Text.Json;
using Byline.Content;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Api.Content;

/// <summary>
/// Turns a page of story rows into API stories: one query for the rows' small columns, then one per
/// kind of related data for the whole page (tags, authors, images, sections, bodies when included) —
/// a fixed handful of indexed reads per page, whatever its size.
/// </summary>
public sealed class StoryReader(BylineDb db)
{
    public static readonly string[] Includes = ["section", "tags", "authors", "body", "formatData", "updates"];

    /// <summary>What a list reads of a story before its related data.</summary>
    public sealed record Row(int Id, string Slug, StoryFormat Format, ArticleStatus Status, string Headline, string Standfirst,
        DateTime? PublishedAt, DateTime? UpdatedAt, DateTime ModifiedAt, int SectionId, int TopSectionId, int? LeadImageId,
        string? LeadImageAlt, string? LeadImageCaption, string? LeadImageCredit, int WordCount, string Attribution, int? ShowId, int? LinkedArticleId);

    public static IQueryable<Row> Rows(IQueryable<Article> articles) => articles.Select(a => new Row(
        a.Id, a.Slug, a.Format, a.Status, a.Headline, a.Standfirst, a.PublishedAt, a.UpdatedAt, a.ModifiedAt, a.SectionId,
        a.TopSectionId, a.LeadImageId, a.LeadImageAlt, a.LeadImageCaption, a.LeadImageCredit, a.WordCount, a.Attribution,
        a.ShowId, a.LinkedArticleId));

    public async Task<IReadOnlyList<ApiStory>> ReadAsync(IReadOnlyList<Row> rows, IReadOnlySet<string> include, bool showStatus, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(include);
        if (rows.Count == 0)
        {
            return [];
        }
        int[] ids = [.. rows.Select(r => r.Id)];
        var tagLinks = await db.ArticleTags.AsNoTracking().Where(t => ids.Contains(t.ArticleId)).OrderBy(t => t.Position)
            .Select(t => new { t.ArticleId, t.TagId }).ToListAsync(ct);
        var authorLinks = await db.ArticleAuthors.AsNoTracking().Where(t => ids.Contains(t.ArticleId)).OrderBy(t => t.Position)
            .Select(t => new { t.ArticleId, t.AuthorId }).ToListAsync(ct);
        int[] sectionIds = [.. rows.Select(r => r.SectionId).Concat(rows.Select(r => r.TopSectionId)).Distinct()];
        var sections = await db.Sections.AsNoTracking().Where(s => sectionIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        int[] showIds = [.. rows.Where(r => r.ShowId is not null).Select(r => r.ShowId!.Value).Distinct()];
        var shows = showIds.Length == 0
            ? []
            : await db.Shows.AsNoTracking().Where(s => showIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Slug, ct);

        var tags = include.Contains("tags")
            ? await Catalogue.TagsAsync(db, [.. tagLinks.Select(l => l.TagId).Distinct()], ct)
            : null;
        var authors = include.Contains("authors")
            ? await Catalogue.AuthorsAsync(db, [.. authorLinks.Select(l => l.AuthorId).Distinct()], ct)
            : null;
        var images = await Catalogue.ImagesAsync(db, [.. rows.Where(r => r.LeadImageId is not null).Select(r => r.LeadImageId!.Value)], ct);
        var bodies = include.Contains("body") || include.Contains("formatData")
            ? await db.Articles.AsNoTracking().Where(a => ids.Contains(a.Id))
                .Select(a => new { a.Id, a.BodyHtml, a.FormatData }).ToDictionaryAsync(a => a.Id, ct)
            : null;
        var updates = include.Contains("updates") ? await UpdatesAsync(rows, ct) : null;

        var tagsOf = tagLinks.ToLookup(l => l.ArticleId, l => l.TagId);
        var authorsOf = authorLinks.ToLookup(l => l.ArticleId, l => l.AuthorId);
        return [.. rows.Select(r =>
        {
            var top = sections.GetValueOrDefault(r.TopSectionId)?.Slug ?? "";
            var image = r.LeadImageId is int imageId && images.TryGetValue(imageId, out var i)
                ? i with
                {
                    Alt = string.IsNullOrEmpty(r.LeadImageAlt) ? i.Alt : r.LeadImageAlt,
                    Caption = string.IsNullOrEmpty(r.LeadImageCaption) ? i.Caption : r.LeadImageCaption,
                    Credit = string.IsNullOrEmpty(r.LeadImageCredit) ? i.Credit : r.LeadImageCredit,
                }
                : null;
            var body = bodies?.GetValueOrDefault(r.Id);
            return new ApiStory
            {
                Id = r.Id,
                Slug = r.Slug,
                Url = StoryFormats.Path(r.Format, top, r.Slug, r.Id, r.ShowId is int s ? shows.GetValueOrDefault(s) : null),
                Format = StoryFormats.Key(r.Format),
                Status = showStatus ? StatusName(r.Status) : null,
                Headline = r.Headline,
                Standfirst = r.Standfirst,
                PublishedAt = r.PublishedAt,
                UpdatedAt = r.UpdatedAt,
                ModifiedAt = r.ModifiedAt,
                SectionId = r.SectionId,
                TagIds = [.. tagsOf[r.Id]],
                AuthorIds = [.. authorsOf[r.Id]],
                LeadImage = image,
                WordCount = r.WordCount,
                Attribution = r.Attribution.Length == 0 ? null : r.Attribution,
                ShowId = r.ShowId,
                LinkedStoryId = r.LinkedArticleId,
                Section = include.Contains("section") && sections.TryGetValue(r.SectionId, out var section) ? Catalogue.ToApi(section) : null,
                Tags = tags is null ? null : [.. tagsOf[r.Id].Where(tags.ContainsKey).Select(t => tags[t])],
                Authors = authors is null ? null : [.. authorsOf[r.Id].Where(authors.ContainsKey).Select(a => authors[a])],
                Body = include.Contains("body") && body is not null ? Blocks(body.BodyHtml) : null,
                FormatData = include.Contains("formatData") && body?.FormatData is { Length: > 0 } data ? JsonDocument.Parse(data).RootElement.Clone() : null,
                Updates = updates?.Contains(r.Id) == true ? [.. updates[r.Id]] : null,
            };
        })];
    }

    /// <summary>A live blog's updates, newest first, at most 200 per story (the reader page shows no more at once).</summary>
    private async Task<ILookup<int, ApiLiveUpdate>> UpdatesAsync(IReadOnlyList<Row> rows, CancellationToken ct)
    {
        int[] blogs = [.. rows.Where(r => r.Format == StoryFormat.LiveBlog).Select(r => r.Id)];
        var list = new List<(int ArticleId, ApiLiveUpdate Update)>();
        foreach (var blog in blogs)
        {
            var updates = await db.LiveBlogUpdates.AsNoTracking().Where(u => u.ArticleId == blog && !u.IsDeleted)
                .OrderByDescending(u => u.PostedAt).ThenByDescending(u => u.Id).Take(200).ToListAsync(ct);
            list.AddRange(updates.Select(u => (blog, new ApiLiveUpdate(u.Id, u.PostedAt, u.EditedAt, u.Headline, u.IsPinned, u.AuthorName, Blocks(u.BodyHtml)))));
        }
        return list.ToLookup(x => x.ArticleId, x => x.Update);
    }

    public static IReadOnlyList<ApiBlock> Blocks(string bodyHtml) =>
        [.. BodyDocument.Deserialize(bodyHtml).Select(b => new ApiBlock(BlockName(b.Kind), b.Html))];

    private static string BlockName(BlockKind kind) => kind switch
    {
        BlockKind.Paragraph => "paragraph",
        BlockKind.Heading => "heading",
        BlockKind.Quote => "quote",
        BlockKind.List => "list",
        BlockKind.Figure => "figure",
        BlockKind.Embed => "embed",
        _ => "other",
    };

    public static string StatusName(ArticleStatus status) => status switch
    {
        ArticleStatus.Draft => "draft",
        ArticleStatus.InReview => "in-review",
        ArticleStatus.Scheduled => "scheduled",
        ArticleStatus.Published => "published",
        ArticleStatus.Unpublished => "unpublished",
        _ => ((int)status).ToString(CultureInfo.InvariantCulture),
    };

    public static bool TryParseStatus(string raw, out ArticleStatus status)
    {
        foreach (var s in Enum.GetValues<ArticleStatus>())
        {
            if (string.Equals(StatusName(s), raw, StringComparison.Ordinal))
            {
                status = s;
                return true;
            }
        }
        status = default;
        return false;
    }
}

using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Site.Chrome;
using Byline.Site.Head;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Distribution;

public enum FeedScope
{
    Site,
    Section,
    SubSection,
    Tag,
    Author,
    /// <summary>The short-news stream (/shorts).</summary>
    Shorts,
    /// <summary>A topic hub (/events/{slug}): the stories carrying its tags.</summary>
    Hub,
}

/// <summary>What a feed is about: its title, the HTML page it mirrors and the cache keys it shows.</summary>
public sealed record FeedSource(FeedScope Scope, int Id, string Name, string Description, string PagePath, IReadOnlyList<string> Keys);

public sealed record FeedImage(string Key, int Width, int Height, string Alt, string Caption, string Credit, int RenditionWidth);

public sealed record FeedItem(
    int Id,
    string Path,
    string Headline,
    string Summary,
    string SectionName,
    DateTime PublishedAt,
    DateTime? UpdatedAt,
    DateTime ModifiedAt,
    FeedImage? Image,
    IReadOnlyList<string> Authors,
    IReadOnlyList<string> Tags,
    IReadOnlyList<BodyBlock>? Body)
{
    /// <summary>The editorial "last changed" time readers see: the update time, else publication.</summary>
    public DateTime ChangedAt => UpdatedAt is { } u && u > PublishedAt ? u : PublishedAt;
}

/// <summary>
/// The newest stories of a feed. Like the reader lists, it first reads the ids from the list's
/// index, then loads only those rows, their authors and tags: four small queries whatever the size
/// of the archive.
/// </summary>
public sealed class FeedQuery(BylineDb db, SiteChrome chrome, SectionResolver sections)
{
    public const int ItemCount = 50;

    public async Task<FeedSource?> ResolveAsync(FeedScope scope, string? slug, string? subSlug, SiteSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        switch (scope)
        {
            case FeedScope.Site:
                return new FeedSource(scope, 0, settings.PublicationName, settings.Tagline, "/", [ContentKeys.Latest]);
            case FeedScope.Section:
            case FeedScope.SubSection:
            {
                // The resolver reloads the chrome for a section created since it was loaded; an old slug is not a feed.
                var (top, renamedTop, snapshot) = await sections.ResolveAsync(await chrome.GetAsync(ct), slug ?? "", ct);
                if (top is null || renamedTop || top.ParentId is not null)
                {
                    return null;
                }
                var target = top;
                if (scope == FeedScope.SubSection)
                {
                    var (sub, renamedSub, _) = await sections.ResolveAsync(snapshot, subSlug ?? "", ct);
                    if (sub is null || renamedSub || sub.ParentId != top.Id)
                    {
                        return null;
                    }
                    target = sub;
                }
                var description = string.IsNullOrWhiteSpace(target.Description) ? $"The latest {target.Name} news from {settings.PublicationName}." : target.Description;
                return new FeedSource(scope, target.Id, $"{target.Name} | {settings.PublicationName}", description, target.Url, [ContentKeys.Section(target.Id)]);
            }
            case FeedScope.Tag:
            {
                if (!Slugs.IsValid(slug))
                {
                    return null;
                }
                var tag = await db.Tags.AsNoTracking().Where(t => t.Slug == slug).Select(t => new { t.Id, t.Name, t.Description }).FirstOrDefaultAsync(ct);
                return tag is null
                    ? null
                    : new FeedSource(scope, tag.Id, $"{tag.Name} | {settings.PublicationName}",
                        string.IsNullOrWhiteSpace(tag.Description) ? $"All our stories about {tag.Name}." : tag.Description, "/tag/" + slug, [ContentKeys.Tag(tag.Id)]);
            }
            case FeedScope.Author:
            {
                if (!Slugs.IsValid(slug))
                {
                    return null;
                }
                var author = await db.Authors.AsNoTracking().Where(a => a.Slug == slug).Select(a => new { a.Id, a.Name, a.Bio }).FirstOrDefaultAsync(ct);
                return author is null
                    ? null
                    : new FeedSource(scope, author.Id, $"{author.Name} | {settings.PublicationName}",
                        string.IsNullOrWhiteSpace(author.Bio) ? $"Stories by {author.Name}." : author.Bio, "/author/" + slug, [ContentKeys.Author(author.Id)]);
            }
            case FeedScope.Shorts:
                return new FeedSource(scope, 0, $"Short news | {settings.PublicationName}", $"The news in brief from {settings.PublicationName}.", "/shorts",
                    [ContentKeys.Format(StoryFormat.ShortNews)]);
            case FeedScope.Hub:
            {
                if (!Slugs.IsValid(slug))
                {
                    return null;
                }
                var hub = await db.Articles.AsNoTracking()
                    .Where(a => a.Format == StoryFormat.Hub && a.Slug == slug && a.Status == ArticleStatus.Published)
                    .Select(a => new { a.Id, a.Headline, a.Standfirst }).FirstOrDefaultAsync(ct);
                if (hub is null)
                {
                    return null;
                }
                var tagIds = await db.ArticleTags.AsNoTracking().Where(t => t.ArticleId == hub.Id).Select(t => t.TagId).ToListAsync(ct);
                return new FeedSource(scope, hub.Id, $"{hub.Headline} | {settings.PublicationName}", hub.Standfirst, "/events/" + slug,
                    [ContentKeys.Article(hub.Id), .. tagIds.Select(ContentKeys.Tag)]);
            }
            default:
                return null;
        }
    }

    public async Task<IReadOnlyList<FeedItem>> ItemsAsync(FeedSource source, bool fullContent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        var published = db.Articles.AsNoTracking().Where(a => a.Status == ArticleStatus.Published);
        // The site and section feeds carry the formats the story lists carry; tag and author rows are listed only for those.
        var listed = published.Where(a => a.Format < StoryFormats.FirstUnlisted);
        IQueryable<int> ids = source.Scope switch
        {
            FeedScope.Section => listed.Where(a => a.TopSectionId == source.Id).OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Select(a => a.Id),
            FeedScope.SubSection => listed.Where(a => a.SectionId == source.Id).OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Select(a => a.Id),
            FeedScope.Tag => db.ArticleTags.Where(t => t.TagId == source.Id && t.ListedAt != null).OrderByDescending(t => t.ListedAt).ThenByDescending(t => t.ArticleId).Select(t => t.ArticleId),
            FeedScope.Author => db.ArticleAuthors.Where(t => t.AuthorId == source.Id && t.ListedAt != null).OrderByDescending(t => t.ListedAt).ThenByDescending(t => t.ArticleId).Select(t => t.ArticleId),
            FeedScope.Shorts => published.Where(a => a.Format == StoryFormat.ShortNews).OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Select(a => a.Id),
            FeedScope.Hub => HubStoryIds(source.Id),
            _ => listed.OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Select(a => a.Id),
        };
        var wanted = await ids.Take(ItemCount).ToListAsync(ct);
        if (wanted.Count == 0)
        {
            return [];
        }
        var rows = await published.Where(a => wanted.Contains(a.Id)).Select(a => new
        {
            a.Id,
            a.Slug,
            a.Format,
            a.Headline,
            Summary = a.SeoDescription ?? a.Standfirst,
            a.TopSectionId,
            SectionName = a.Section!.Name,
            PublishedAt = a.PublishedAt!.Value,
            a.UpdatedAt,
            a.ModifiedAt,
            Body = fullContent ? a.BodyHtml : null,
            Image = a.LeadImage == null
                ? null
                : new { a.LeadImage.Key, a.LeadImage.Width, a.LeadImage.Height, a.LeadImage.Widths, Alt = a.LeadImageAlt ?? a.LeadImage.Alt, Caption = a.LeadImageCaption ?? a.LeadImage.Caption, Credit = a.LeadImageCredit ?? a.LeadImage.Credit },
        }).ToListAsync(ct);
        var authors = (await db.ArticleAuthors.AsNoTracking().Where(x => wanted.Contains(x.ArticleId))
                .OrderBy(x => x.ArticleId).ThenBy(x => x.Position).Select(x => new { x.ArticleId, x.Author!.Name }).ToListAsync(ct))
            .ToLookup(x => x.ArticleId, x => x.Name);
        var tags = (await db.ArticleTags.AsNoTracking().Where(x => wanted.Contains(x.ArticleId))
                .OrderBy(x => x.ArticleId).ThenBy(x => x.Position).Select(x => new { x.ArticleId, x.Tag!.Name }).ToListAsync(ct))
            .ToLookup(x => x.ArticleId, x => x.Name);
        var snapshot = await chrome.GetAsync(ct);
        if (rows.Any(r => !snapshot.ById.ContainsKey(r.TopSectionId)))
        {
            snapshot = await chrome.ReloadAsync(ct);
        }
        var byId = rows.ToDictionary(r => r.Id);
        return [.. wanted.Where(byId.ContainsKey).Select(id => byId[id])
            .Where(r => snapshot.ById.ContainsKey(r.TopSectionId))
            .Select(r => new FeedItem(
                r.Id,
                StoryFormats.Path(r.Format, snapshot.ById[r.TopSectionId].Slug, r.Slug, r.Id),
                r.Headline,
                r.Summary,
                r.SectionName,
                r.PublishedAt,
                r.UpdatedAt,
                r.ModifiedAt,
                r.Image is { } i && LeadImages.LargestWidth(i.Widths) is int w and > 0
                    ? new FeedImage(i.Key, i.Width, i.Height, i.Alt, i.Caption, i.Credit, w)
                    : null,
                [.. authors[r.Id]],
                [.. tags[r.Id]],
                r.Body is null ? null : BodyDocument.Deserialize(r.Body)))];
    }

    /// <summary>A hub's tagged stories, newest first, each once (a story's tag rows share one ListedAt).</summary>
    private IQueryable<int> HubStoryIds(int hubId) =>
        db.ArticleTags
            .Where(t => t.ListedAt != null && db.ArticleTags.Any(h => h.ArticleId == hubId && h.TagId == t.TagId))
            .Select(t => new { t.ArticleId, t.ListedAt })
            .Distinct()
            .OrderByDescending(t => t.ListedAt).ThenByDescending(t => t.ArticleId)
            .Select(t => t.ArticleId);
}

using Byline.Events;
using Byline.Publishing;
using Byline.Content;
using Byline.Site.Head;
using Byline.Site.Chrome;
using Byline.Site.Stories;
using Byline.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Site.Tags;

public sealed record TagHeader(int Id, string Slug, string Name, string Description);

public sealed class TagPageModel(BylineDb db, StoryLists lists, TimeProvider clock) : SitePageModel
{
    public TagHeader Tag { get; private set; } = null!;
    public StoryPage Stories { get; private set; } = null!;
    public string BasePath => "/tag/" + Tag.Slug;
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        if (!TryReadPaging(out var paging, out var problem))
        {
            return problem!;
        }
        if (!Slugs.IsValid(slug))
        {
            return NotFound();
        }
        var tag = await db.Tags.Where(t => t.Slug == slug).Select(t => new TagHeader(t.Id, t.Slug, t.Name, t.Description)).FirstOrDefaultAsync(ct);
        if (tag is null)
        {
            var target = await SectionResolver.RedirectTargetAsync(db, RedirectKind.Tag, slug, ct);
            var current = target is null ? null : await db.Tags.Where(t => t.Id == target).Select(t => t.Slug).FirstOrDefaultAsync(ct);
            return current is null ? NotFound() : Moved("/tag/" + current);
        }
        Tag = tag;
        Stories = await lists.TagPageAsync(tag.Id, paging, ct);
        if (paging.Page > 1 && Stories.Stories.Count == 0)
        {
            return NotFound();
        }
        Title = paging.Page > 1 ? $"{tag.Name} — page {paging.Page}" : $"{tag.Name}: latest news";
        Description = string.IsNullOrWhiteSpace(tag.Description) ? $"All our stories about {tag.Name}." : tag.Description;
        CanonicalPath = PagePath(BasePath, paging.Page);
        NoIndex = Stories.Stories.Count == 0;
        Head.Feeds.Add(FeedLink.For(tag.Name, BasePath));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.CollectionPage(Ld, CanonicalPath, Title, Description, Stories.Stories.Select(s => s.Url))));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.Breadcrumbs(Ld, [new("Home", "/"), new(tag.Name, BasePath)])));
        CacheAs([ContentKeys.Tag(tag.Id)]);
        return Page();
    }
}

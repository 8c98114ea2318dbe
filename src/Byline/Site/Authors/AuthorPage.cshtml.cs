using Byline.Events;
using Byline.Publishing;
using Byline.Content;
using Byline.Site.Head;
using Byline.Site.Chrome;
using Byline.Site.Stories;
using Byline.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Site.Authors;

public sealed record AuthorHeader(int Id, string Slug, string Name, bool IsDesk, string JobTitle, string Bio, StoryImage? Photo, string SocialLinks = "")
{
    /// <summary>The author's profiles elsewhere, each with the name of its site ("x.com", "linkedin.com").</summary>
    public IReadOnlyList<(string Url, string Site)> Profiles => AuthorProfiles.Parse(SocialLinks);
}

public sealed class AuthorPageModel(BylineDb db, StoryLists lists, TimeProvider clock) : SitePageModel
{
    public AuthorHeader Author { get; private set; } = null!;
    public StoryPage Stories { get; private set; } = null!;
    public string BasePath => "/author/" + Author.Slug;
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
        var author = await db.Authors.Where(a => a.Slug == slug)
            .Select(a => new AuthorHeader(a.Id, a.Slug, a.Name, a.IsDesk, a.JobTitle, a.Bio,
                a.Photo == null ? null : new StoryImage(a.Photo.Key, a.Photo.Widths, a.Photo.Width, a.Photo.Height, a.Name), a.SocialLinks))
            .FirstOrDefaultAsync(ct);
        if (author is null)
        {
            var target = await SectionResolver.RedirectTargetAsync(db, RedirectKind.Author, slug, ct);
            var current = target is null ? null : await db.Authors.Where(a => a.Id == target).Select(a => a.Slug).FirstOrDefaultAsync(ct);
            return current is null ? NotFound() : Moved("/author/" + current);
        }
        Author = author;
        Stories = await lists.AuthorPageAsync(author.Id, paging, ct);
        if (paging.Page > 1 && Stories.Stories.Count == 0)
        {
            return NotFound();
        }
        Title = paging.Page > 1 ? $"{author.Name} — page {paging.Page}" : author.Name;
        Description = string.IsNullOrWhiteSpace(author.Bio) ? $"Stories by {author.Name}." : author.Bio;
        CanonicalPath = PagePath(BasePath, paging.Page);
        NoIndex = Stories.Stories.Count == 0;
        Head.OgType = "profile";
        Head.Feeds.Add(FeedLink.For(author.Name, BasePath));
        var photo = author.Photo is { } p ? Pictures.Fallback(p, 480) : null;
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.ProfilePage(Ld,
            new LdProfile(BasePath, author.Name, author.IsDesk, author.JobTitle, author.Bio, photo),
            Stories.Stories.Count > 0 ? Stories.Stories[0].PublishedAt : null)));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.Breadcrumbs(Ld, [new("Home", "/"), new(author.Name, BasePath)])));
        CacheAs([ContentKeys.Author(author.Id)]);
        return Page();
    }
}

using Byline.Events;
using Byline.Publishing;
using Byline.Content;
using Byline.Site.Head;
using Byline.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Site.Static;

public sealed class StaticPageModel(BylineDb db) : SitePageModel
{
    public string Heading { get; private set; } = "";
    public IReadOnlyList<BodyBlock> Blocks { get; private set; } = [];
    public DateTime UpdatedAt { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        var page = await db.StaticPages.Where(p => p.Slug == slug)
            .Select(p => new { p.Title, p.BodyHtml, p.UpdatedAt })
            .FirstOrDefaultAsync(ct);
        if (page is null)
        {
            return NotFound();
        }
        Heading = page.Title;
        Blocks = BodyDocument.Deserialize(page.BodyHtml);
        UpdatedAt = page.UpdatedAt;
        Title = page.Title;
        Description = $"{page.Title} — {Settings.PublicationName}";
        CanonicalPath = "/" + slug;
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.WebPage(Ld, slug switch { "about" => "AboutPage", "contact" => "ContactPage", _ => "WebPage" }, CanonicalPath, page.Title, Description)));
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.Breadcrumbs(Ld, [new("Home", "/"), new(page.Title, CanonicalPath)])));
        CacheAs([ContentKeys.Page(slug)]);
        return Page();
    }
}

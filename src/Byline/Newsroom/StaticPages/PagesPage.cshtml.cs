using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Site.Chrome;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.StaticPages;

/// <summary>The footer's static pages (About, Contact, Privacy…): title and Markdown body, rendered to sanitised blocks on save.</summary>
[Authorize(Policy = Policies.Editor)]
public sealed class PagesPageModel(BylineDb db, AuditLog audit, ContentEvents events, TimeProvider clock) : NewsroomPageModel
{
    public const int MaxBody = 100_000;

    public IReadOnlyList<(string Slug, string Title, bool Exists)> Pages { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public string? Slug { get; set; }

    [BindProperty]
    public string PageTitle { get; set; } = "";

    [BindProperty]
    public string Body { get; set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Slug is null)
        {
            return Page();
        }
        if (!StaticPageSlugs.Titles.ContainsKey(Slug))
        {
            return NotFound();
        }
        var page = await db.StaticPages.AsNoTracking().FirstOrDefaultAsync(p => p.Slug == Slug, ct);
        PageTitle = page?.Title ?? StaticPageSlugs.Titles[Slug];
        Body = page?.BodyMarkdown ?? "";
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Slug is null || !StaticPageSlugs.Titles.ContainsKey(Slug))
        {
            return NotFound();
        }
        PageTitle = (PageTitle ?? "").Trim();
        Body ??= "";
        if (PageTitle.Length is 0 or > 200)
        {
            ModelState.AddModelError(nameof(PageTitle), "Give a title of 1 to 200 characters.");
        }
        if (Body.Length > MaxBody)
        {
            ModelState.AddModelError(nameof(Body), $"The page is longer than {MaxBody:N0} characters.");
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }
        var page = await db.StaticPages.AsTracking().FirstOrDefaultAsync(p => p.Slug == Slug, ct);
        if (page is null)
        {
            page = new StaticPage { Slug = Slug, Title = PageTitle };
            db.StaticPages.Add(page);
        }
        page.Title = PageTitle;
        page.BodyMarkdown = Body;
        page.BodyHtml = BodyDocument.Serialize(BodyDocument.Render(Body));
        page.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(db, User, AuditActions.PageSaved, "page", Slug, PageTitle, ClientIp);
        // The footer lists page titles from the chrome snapshot, which reloads as the event is consumed.
        await events.SaveAsync(db, new ContentChanged([ContentKeys.Page(Slug), ContentKeys.Settings], "page: " + Slug), ct);
        Flash = $"“{PageTitle}” saved.";
        return Redirect($"/newsroom/pages?slug={Uri.EscapeDataString(Slug)}");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Title = "Pages";
        Area = "pages";
        var titles = await db.StaticPages.AsNoTracking().Select(p => new { p.Slug, p.Title }).ToDictionaryAsync(p => p.Slug, p => p.Title, ct);
        Pages = [.. StaticPageSlugs.Order.Select(s => (s, titles.GetValueOrDefault(s) ?? StaticPageSlugs.Titles[s], titles.ContainsKey(s)))];
    }
}

using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Structure;

/// <summary>Tags: create, rename and describe (old tag URLs redirect). Listed by address, searched and paged (<see cref="ListPage"/>).</summary>
[Authorize(Policy = Policies.Editor)]
public sealed class TagsPageModel(BylineDb db, StructureEdits edits) : NewsroomPageModel
{
    public const int PageSize = 50;

    public IReadOnlyList<Tag> Tags { get; private set; } = [];
    public ListPage Paging { get; private set; } = new("/newsroom/tags", null, 1, PageSize, 0);

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty] public int? EditId { get; set; }
    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public string? Slug { get; set; }
    /// <summary>The tag page's standfirst (shown under its name and as its description for search engines).</summary>
    [BindProperty] public string? Description { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct)
    {
        Name = (Name ?? "").Trim();
        if (Name.Length is 0 or > 100)
        {
            ModelState.AddModelError(nameof(Name), "Give a name of 1 to 100 characters.");
        }
        Description = (Description ?? "").Trim();
        if (Description.Length > 300)
        {
            ModelState.AddModelError(nameof(Description), "Keep the description under 300 characters.");
        }
        var slug = StructureEdits.SlugFor(Slug, Name, e => ModelState.AddModelError(nameof(Slug), e));
        Tag? tag = null;
        if (EditId is int id && (tag = await db.Tags.AsTracking().FirstOrDefaultAsync(t => t.Id == id, ct)) is null)
        {
            return NotFound();
        }
        if (slug is not null && await db.Tags.AnyAsync(t => t.Slug == slug && t.Id != (tag == null ? 0 : tag.Id), ct))
        {
            ModelState.AddModelError(nameof(Slug), $"Another tag already uses “{slug}”.");
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }
        if (tag is null)
        {
            tag = new Tag { Name = Name, Slug = slug!, Description = Description };
            db.Tags.Add(tag);
            await db.SaveChangesAsync(ct);
        }
        else
        {
            await edits.RedirectAsync(RedirectKind.Tag, tag.Slug, slug!, tag.Id, ct);
            tag.Name = Name;
            tag.Slug = slug!;
            tag.Description = Description;
        }
        await edits.SaveAsync(User, AuditActions.TagSaved, "tag", tag.Id, $"{Name} (/tag/{slug})", ClientIp, [ContentKeys.Tag(tag.Id), ContentKeys.Sitemaps], ct);
        Flash = $"Tag “{Name}” saved.";
        return RedirectToPage(new { q = Q });
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Title = "Tags";
        Area = "tags";
        Q = string.IsNullOrWhiteSpace(Q) ? null : Q.Trim()[..Math.Min(Q.Trim().Length, 100)];
        var query = db.Tags.AsNoTracking();
        if (ListPage.SlugRange(Q) is var (from, to))
        {
#pragma warning disable CA1309 // translated to SQL ("Slug" >= @from AND "Slug" < @to): the database compares, on the slug index
            query = query.Where(t => string.Compare(t.Slug, from) >= 0 && string.Compare(t.Slug, to) < 0);
#pragma warning restore CA1309
        }
        var total = await query.LongCountAsync(ct);
        Paging = new ListPage("/newsroom/tags", Q, ListPage.Clamp(Request.Query["page"], total, PageSize), PageSize, total);
        Tags = await query.OrderBy(t => t.Slug).Skip(Paging.Skip).Take(PageSize).ToListAsync(ct);
    }
}

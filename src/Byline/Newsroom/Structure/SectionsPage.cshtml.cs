using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Structure;

/// <summary>Sections: create, rename (old URLs redirect), reorder among siblings.</summary>
[Authorize(Policy = Policies.Editor)]
public sealed class SectionsPageModel(BylineDb db, StructureEdits edits) : NewsroomPageModel
{
    public IReadOnlyList<Section> Sections { get; private set; } = [];

    [BindProperty] public int? EditId { get; set; }
    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public string? Slug { get; set; }
    [BindProperty] public int? ParentId { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct)
    {
        Name = (Name ?? "").Trim();
        if (Name.Length is 0 or > 100)
        {
            ModelState.AddModelError(nameof(Name), "Give a name of 1 to 100 characters.");
        }
        var slug = StructureEdits.SlugFor(Slug, Name, e => ModelState.AddModelError(nameof(Slug), e));
        if (slug is not null && StructureEdits.ReservedSlugs.Contains(slug))
        {
            // A section's slug is the first segment of its address, which the site's own pages already hold.
            ModelState.AddModelError(nameof(Slug), $"“{slug}” is an address the site uses for its own pages; choose another slug.");
            slug = null;
        }
        Section? section = null;
        if (EditId is int id && (section = await db.Sections.AsTracking().FirstOrDefaultAsync(s => s.Id == id, ct)) is null)
        {
            return NotFound();
        }
        if (slug is not null && await db.Sections.AnyAsync(s => s.Slug == slug && s.Id != (section == null ? 0 : section.Id), ct))
        {
            ModelState.AddModelError(nameof(Slug), $"Another section already uses “{slug}”.");
        }
        if (section is null && ParentId is int parent && !await db.Sections.AnyAsync(s => s.Id == parent && s.ParentId == null, ct))
        {
            ModelState.AddModelError(nameof(ParentId), "Pick a top-level section as the parent.");
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }
        var keys = new List<string> { ContentKeys.Home, ContentKeys.Settings, ContentKeys.Sitemaps, ContentKeys.Latest };
        if (section is null)
        {
            var position = await db.Sections.Where(s => s.ParentId == ParentId).Select(s => (int?)s.Position).MaxAsync(ct) ?? -1;
            section = new Section { Name = Name, Slug = slug!, ParentId = ParentId, Position = position + 1 };
            db.Sections.Add(section);
            await db.SaveChangesAsync(ct);
        }
        else
        {
            await edits.RedirectAsync(RedirectKind.Section, section.Slug, slug!, section.Id, ct);
            section.Name = Name;
            section.Slug = slug!;
        }
        keys.Add(ContentKeys.Section(section.Id));
        await edits.SaveAsync(User, AuditActions.SectionSaved, "section", section.Id, $"{Name} (/{slug})", ClientIp, keys, ct);
        Flash = $"Section “{Name}” saved.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostMoveAsync(int id, int by, CancellationToken ct)
    {
        var section = await db.Sections.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (section is null)
        {
            return NotFound();
        }
        var siblings = await db.Sections.AsTracking().Where(s => s.ParentId == section.ParentId)
            .OrderBy(s => s.Position).ThenBy(s => s.Name).ToListAsync(ct);
        var index = siblings.FindIndex(s => s.Id == id);
        var target = index + Math.Sign(by);
        if (target >= 0 && target < siblings.Count)
        {
            (siblings[index], siblings[target]) = (siblings[target], siblings[index]);
        }
        for (var i = 0; i < siblings.Count; i++)
        {
            siblings[i].Position = i;
        }
        await edits.SaveAsync(User, AuditActions.SectionSaved, "section", id, $"{section.Name} moved {(by < 0 ? "up" : "down")}", ClientIp,
            [ContentKeys.Home, ContentKeys.Settings, ContentKeys.Section(id)], ct);
        Flash = "Order saved.";
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Title = "Sections";
        Area = "sections";
        Sections = await db.Sections.AsNoTracking().OrderBy(s => s.Position).ThenBy(s => s.Name).ToListAsync(ct);
    }
}

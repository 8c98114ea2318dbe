using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Structure;

/// <summary>What a merge or a delete will do, shown for the editor to confirm before anything changes.</summary>
public sealed record SectionConfirmation(string Handler, Section Section, Section? Into, int Stories, int SubSections, string FromUrl, string? IntoUrl);

/// <summary>
/// Sections: create, rename (old URLs redirect), reorder among siblings, move under another parent,
/// merge into another, delete (see <see cref="SectionRestructure"/> for what happens to addresses).
/// </summary>
[Authorize(Policy = Policies.Editor)]
public sealed class SectionsPageModel(BylineDb db, StructureEdits edits, SectionRestructure restructure) : NewsroomPageModel
{
    public IReadOnlyList<Section> Sections { get; private set; } = [];
    /// <summary>Stories (any status) filed in each section.</summary>
    public IReadOnlyDictionary<int, int> StoryCounts { get; private set; } = new Dictionary<int, int>();
    /// <summary>Set when a merge or delete waits for the editor's confirmation.</summary>
    public SectionConfirmation? Confirmation { get; private set; }

    [BindProperty] public int? MoveId { get; set; }
    /// <summary>The new parent; 0 stands for the top level (an empty select option binds as null, which means "not chosen").</summary>
    [BindProperty] public int? MoveParentId { get; set; }
    [BindProperty] public int? MergeId { get; set; }
    [BindProperty] public int? MergeIntoId { get; set; }
    [BindProperty] public int? DeleteId { get; set; }
    [BindProperty] public int? DeleteIntoId { get; set; }
    [BindProperty] public bool Confirmed { get; set; }

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

    public async Task<IActionResult> OnPostRelocateAsync(CancellationToken ct)
    {
        // The create/rename form's Name is not part of this form (a non-nullable property is implicitly required).
        ModelState.Remove(nameof(Name));
        var section = await PickedAsync(MoveId, nameof(MoveId), ct);
        if (MoveParentId is null)
        {
            ModelState.AddModelError(nameof(MoveParentId), "Pick where the section goes.");
        }
        else if (section is not null && await restructure.CheckMoveAsync(section, MoveParentId == 0 ? null : MoveParentId, ct) is { } problem)
        {
            ModelState.AddModelError(problem.Field, problem.Message);
        }
        if (!ModelState.IsValid || section is null)
        {
            await LoadAsync(ct);
            return Page();
        }
        await restructure.MoveAsync(section.Id, MoveParentId == 0 ? null : MoveParentId, User, ClientIp, ct);
        Flash = $"“{section.Name}” moved. Its old addresses and its stories' old addresses redirect to the new ones.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostMergeAsync(CancellationToken ct)
    {
        // The create/rename form's Name is not part of this form (a non-nullable property is implicitly required).
        ModelState.Remove(nameof(Name));
        var section = await PickedAsync(MergeId, nameof(MergeId), ct);
        if (section is not null && await restructure.CheckMergeAsync(section, MergeIntoId, nameof(MergeIntoId), ct) is { } problem)
        {
            ModelState.AddModelError(problem.Field, problem.Message);
        }
        return await ConfirmOrApplyAsync("Merge", section, MergeIntoId, "merged", ct);
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken ct)
    {
        // The create/rename form's Name is not part of this form (a non-nullable property is implicitly required).
        ModelState.Remove(nameof(Name));
        var section = await PickedAsync(DeleteId, nameof(DeleteId), ct);
        if (section is not null && await restructure.CheckDeleteAsync(section, DeleteIntoId, ct) is { } problem)
        {
            ModelState.AddModelError(problem.Field, problem.Message);
        }
        return await ConfirmOrApplyAsync("Delete", section, DeleteIntoId, "deleted, stories moved", ct);
    }

    private async Task<IActionResult> ConfirmOrApplyAsync(string handler, Section? section, int? intoId, string verb, CancellationToken ct)
    {
        if (!ModelState.IsValid || section is null)
        {
            await LoadAsync(ct);
            return Page();
        }
        if (!Confirmed)
        {
            await LoadAsync(ct);
            var into = intoId is int i ? Sections.FirstOrDefault(s => s.Id == i) : null;
            Confirmation = new SectionConfirmation(handler, section, into, StoryCounts.GetValueOrDefault(section.Id),
                Sections.Count(s => s.ParentId == section.Id), UrlOf(section), into is null ? null : UrlOf(into));
            return Page();
        }
        var intoName = intoId is int id ? await db.Sections.Where(s => s.Id == id).Select(s => s.Name).FirstOrDefaultAsync(ct) : null;
        await restructure.MergeAsync(section.Id, intoId, verb, User, ClientIp, ct);
        Flash = intoName is null
            ? $"“{section.Name}” deleted."
            : $"“{section.Name}” {(handler == "Merge" ? "merged into" : "deleted; its stories are now in")} “{intoName}”. Its old addresses redirect there.";
        return RedirectToPage();
    }

    private async Task<Section?> PickedAsync(int? id, string field, CancellationToken ct)
    {
        var section = id is int i ? await db.Sections.AsNoTracking().FirstOrDefaultAsync(s => s.Id == i, ct) : null;
        if (section is null)
        {
            ModelState.AddModelError(field, "Pick a section.");
        }
        return section;
    }

    /// <summary>The section's address on the site, from the loaded list.</summary>
    public string UrlOf(Section section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var parent = section.ParentId is int p ? Sections.FirstOrDefault(s => s.Id == p) : null;
        return parent is null ? "/" + section.Slug : $"/{parent.Slug}/{section.Slug}";
    }

    /// <summary>Sections in tree order: each top-level section followed by its sub-sections.</summary>
    public IEnumerable<Section> Tree() =>
        Sections.Where(s => s.ParentId == null).SelectMany(top => new[] { top }.Concat(Sections.Where(c => c.ParentId == top.Id)));

    private async Task LoadAsync(CancellationToken ct)
    {
        Title = "Sections";
        Area = "sections";
        Sections = await db.Sections.AsNoTracking().OrderBy(s => s.Position).ThenBy(s => s.Name).ToListAsync(ct);
        StoryCounts = await restructure.StoryCountsAsync(ct);
    }
}

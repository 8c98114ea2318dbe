using System.Globalization;
using Byline.Content;
using Byline.Newsroom.Structure;
using Byline.Site.Shows;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Shows;

/// <summary>Create or edit a show: name, address (old addresses redirect), description, artwork, schedule, order, active.</summary>
[Authorize(Policy = Policies.Editor)]
public sealed class ShowEditorModel(BylineDb db, ShowEdits edits, StructureEdits structure, TimeProvider clock) : NewsroomPageModel
{
    public const int ArtworkChoices = 24;

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Slug { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public string? ScheduleText { get; set; }
    [BindProperty] public int? ArtworkImageId { get; set; }
    [BindProperty] public int? Position { get; set; }
    [BindProperty] public bool IsActive { get; set; } = true;

    public int? ShowId { get; private set; }
    public string? CurrentSlug { get; private set; }
    public IReadOnlyList<Image> Artwork { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (id == "new")
        {
            await LoadAsync(null, ct);
            return Page();
        }
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var showId))
        {
            return NotFound();
        }
        var show = await db.Shows.AsNoTracking().FirstOrDefaultAsync(s => s.Id == showId, ct);
        if (show is null)
        {
            return NotFound();
        }
        (Name, Slug, Description, ScheduleText, ArtworkImageId, Position, IsActive) =
            (show.Name, show.Slug, show.Description, show.ScheduleText, show.ArtworkImageId, show.Position, show.IsActive);
        await LoadAsync(show, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken ct)
    {
        Show? show = null;
        if (id != "new")
        {
            if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var showId) ||
                (show = await db.Shows.AsTracking().FirstOrDefaultAsync(s => s.Id == showId, ct)) is null)
            {
                return NotFound();
            }
        }
        Name = (Name ?? "").Trim();
        Description = (Description ?? "").Trim();
        ScheduleText = (ScheduleText ?? "").Trim();
        if (Name.Length is 0 or > 100)
        {
            ModelState.AddModelError(nameof(Name), "Give a name of 1 to 100 characters.");
        }
        var slug = StructureEdits.SlugFor(Slug, Name, e => ModelState.AddModelError(nameof(Slug), e));
        if (slug is not null && await db.Shows.AnyAsync(s => s.Slug == slug && s.Id != (show == null ? 0 : show.Id), ct))
        {
            ModelState.AddModelError(nameof(Slug), $"Another show already uses “{slug}”.");
        }
        if (Description.Length > 1000)
        {
            ModelState.AddModelError(nameof(Description), "Keep the description to 1,000 characters.");
        }
        if (ScheduleText.Length > 200)
        {
            ModelState.AddModelError(nameof(ScheduleText), "Keep the schedule to 200 characters, e.g. “Weeknights at 9 pm”.");
        }
        if (Position is < 0 or > 10_000)
        {
            ModelState.AddModelError(nameof(Position), "Give a position from 0 to 10,000.");
        }
        if (ArtworkImageId is { } art && !await db.Images.AnyAsync(i => i.Id == art, ct))
        {
            ModelState.AddModelError(nameof(ArtworkImageId), "That picture is not in the media library any more; choose another.");
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync(show, ct);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (show is null)
        {
            var last = await db.Shows.MaxAsync(s => (int?)s.Position, ct) ?? -1;
            show = new Show { Name = Name, Slug = slug!, CreatedAt = clock.GetUtcNow().UtcDateTime, Position = Position ?? last + 1 };
            db.Shows.Add(show);
            // The id is needed for the audit entry and the keys.
            await db.SaveChangesAsync(ct);
        }
        else
        {
            await structure.RedirectAsync(ShowRedirects.Kind, show.Slug, slug!, show.Id, ct);
            show.Position = Position ?? show.Position;
        }
        show.Name = Name;
        show.Slug = slug!;
        show.Description = Description;
        show.ScheduleText = ScheduleText;
        show.ArtworkImageId = ArtworkImageId;
        show.IsActive = IsActive;
        await edits.SaveAsync(User, ShowAuditActions.ShowSaved, show.Id, $"{Name} (/shows/{slug})", ClientIp, ct);
        Flash = $"Show “{Name}” saved.";
        return Redirect("/newsroom/shows");
    }

    private async Task LoadAsync(Show? show, CancellationToken ct)
    {
        Title = show is null ? "New show" : "Edit show";
        Area = "shows";
        ShowId = show?.Id;
        CurrentSlug = show?.Slug;
        var recent = await db.Images.AsNoTracking().OrderByDescending(i => i.Id).Take(ArtworkChoices).ToListAsync(ct);
        if (ArtworkImageId is { } chosen && recent.All(i => i.Id != chosen) && await db.Images.AsNoTracking().FirstOrDefaultAsync(i => i.Id == chosen, ct) is { } current)
        {
            recent.Insert(0, current);
        }
        Artwork = recent;
    }
}

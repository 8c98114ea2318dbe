using Byline.Content;
using Byline.Newsroom.Curation;
using Byline.Site.Shows;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Shows;

/// <summary>Live TV: the HLS stream /live plays, its title, description and poster. An empty address takes the channel off air.</summary>
[Authorize(Policy = Policies.Editor)]
public sealed class LiveTvSettingsPageModel(SiteEdits edits, BylineDb db) : NewsroomPageModel
{
    [BindProperty] public string? StreamUrl { get; set; }
    [BindProperty] public string? LiveTitle { get; set; }
    [BindProperty] public string? LiveDescription { get; set; }
    [BindProperty] public int? PosterImageId { get; set; }

    public IReadOnlyList<Image> Posters { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var live = edits.Current.LiveTv;
        (StreamUrl, LiveTitle, LiveDescription, PosterImageId) = (live.StreamUrl, live.Title, live.Description, live.PosterImageId);
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        foreach (var (field, message) in LiveTvSettings.Check(StreamUrl, LiveTitle, LiveDescription))
        {
            ModelState.AddModelError(field switch { "Title" => nameof(LiveTitle), "Description" => nameof(LiveDescription), _ => field }, message);
        }
        if (PosterImageId is { } poster && !await db.Images.AnyAsync(i => i.Id == poster, ct))
        {
            ModelState.AddModelError(nameof(PosterImageId), "That picture is not in the media library any more; choose another.");
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var live = new LiveTvSettings
        {
            StreamUrl = (StreamUrl ?? "").Trim(),
            Title = (LiveTitle ?? "").Trim(),
            Description = (LiveDescription ?? "").Trim(),
            PosterImageId = PosterImageId,
        };
        await edits.SaveAsync(edits.Current with { LiveTv = live }, User, "live-tv", ClientIp, ct);
        Flash = live.OnAir ? "Live TV saved: the stream is on air at /live." : "Live TV saved: the channel is off air.";
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Title = "Live TV";
        Area = "live-tv";
        var recent = await db.Images.AsNoTracking().OrderByDescending(i => i.Id).Take(ShowEditorModel.ArtworkChoices).ToListAsync(ct);
        if (PosterImageId is { } chosen && recent.All(i => i.Id != chosen) && await db.Images.AsNoTracking().FirstOrDefaultAsync(i => i.Id == chosen, ct) is { } current)
        {
            recent.Insert(0, current);
        }
        Posters = recent;
    }
}

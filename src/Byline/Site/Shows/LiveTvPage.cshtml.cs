using Byline.Content;
using Byline.Distribution;
using Byline.Events;
using Byline.Site.Head;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Site.Shows;

/// <summary>/live: the Live TV stream set in the settings, or a clear off-air message (200, noindex).</summary>
public sealed class LiveTvPageModel(BylineDb db) : SitePageModel
{
    public LiveTvSettings Live { get; private set; } = new();
    public string? PosterPath { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Live = Settings.LiveTv;
        Title = Live.OnAir ? Live.Title : "Live TV";
        Description = Live.OnAir && !string.IsNullOrWhiteSpace(Live.Description)
            ? Live.Description
            : $"Watch {Settings.PublicationName} live.";
        CanonicalPath = "/live";
        // Off air there is nothing to index.
        NoIndex = !Live.OnAir;
        if (Live.PosterImageId is { } posterId)
        {
            var poster = await db.Images.AsNoTracking().Where(i => i.Id == posterId)
                .Select(i => new { i.Key, i.Widths, i.Width, i.Height }).FirstOrDefaultAsync(ct);
            if (poster is not null && LeadImages.Primary(poster.Key, poster.Widths, poster.Width, poster.Height) is { } image)
            {
                PosterPath = image.Path;
                Head.Image = image;
            }
        }
        Head.StructuredData.Add(StructuredData.Serialize(StructuredData.WebPage(Ld, "WebPage", CanonicalPath, Title, Description)));
        // The stream and its title are settings, which every page already carries as a key.
        CacheAs([], [ContentKeys.Shows]);
        return Page();
    }

    public VideoSource Stream => new(VideoKind.Hls, Live.StreamUrl);
}

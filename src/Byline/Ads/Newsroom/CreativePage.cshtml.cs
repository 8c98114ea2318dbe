using System.Globalization;
using Byline.Content;
using Byline.Newsroom;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Ads.Newsroom;

/// <summary>Admin: one first-party creative (direct-sold or house), image from the media library or sanitised HTML.</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class CreativePageModel(BylineDb db, AdCatalog catalog, Media.MediaStore media, AuditLog audit, TimeProvider clock) : NewsroomPageModel
{
    public const string AuditAction = "ad.saved";

    [BindProperty] public string? Name { get; set; } = "";
    [BindProperty] public bool IsHouse { get; set; }
    [BindProperty] public bool Enabled { get; set; } = true;
    [BindProperty] public string? Kind { get; set; } = "image";
    [BindProperty] public int? ImageId { get; set; }
    [BindProperty] public string? Html { get; set; } = "";
    [BindProperty] public int? Width { get; set; }
    [BindProperty] public int? Height { get; set; }
    [BindProperty] public string? ClickUrl { get; set; } = "";
    [BindProperty] public string? AltText { get; set; } = "";
    [BindProperty] public DateTime? StartsAt { get; set; }
    [BindProperty] public DateTime? EndsAt { get; set; }
    [BindProperty] public IReadOnlyList<string> Positions { get; set; } = [];
    [BindProperty] public string? Sections { get; set; } = "";
    [BindProperty] public int Weight { get; set; } = 1;
    [BindProperty] public int DailyCap { get; set; }

    public int? Id { get; private set; }

    /// <summary>Set when saving removed something from the HTML (scripts, handlers, unknown tags).</summary>
    public bool HtmlWasCleaned { get; private set; }

    public async Task<IActionResult> OnGetAsync(int? id, CancellationToken ct)
    {
        Describe(id);
        if (id is null)
        {
            return Page();
        }
        var c = await db.AdCreatives.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c is null)
        {
            return NotFound();
        }
        Name = c.Name;
        IsHouse = c.IsHouse;
        Enabled = c.Enabled;
        Kind = c.Kind == AdCreativeKind.Html ? "html" : "image";
        ImageId = c.ImageId;
        Html = c.Html;
        Width = c.Width;
        Height = c.Height;
        ClickUrl = c.ClickUrl;
        AltText = c.AltText;
        StartsAt = c.StartsAt;
        EndsAt = c.EndsAt;
        Positions = [.. AdRules.Split(c.Positions)];
        Sections = c.Sections.Replace(",", ", ", StringComparison.Ordinal);
        Weight = c.Weight;
        DailyCap = c.DailyCap;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int? id, CancellationToken ct)
    {
        Describe(id);
        AdCreative? row = null;
        if (id is not null && (row = await db.AdCreatives.FirstOrDefaultAsync(x => x.Id == id, ct)) is null)
        {
            return NotFound();
        }
        Name = (Name ?? "").Trim();
        ClickUrl = (ClickUrl ?? "").Trim();
        AltText = (AltText ?? "").Trim();
        Html ??= "";
        Sections ??= "";
        Positions = [.. (Positions ?? []).Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim()).Distinct(StringComparer.Ordinal)];
        if (Name.Length is 0 or > AdModel.MaxName)
        {
            ModelState.AddModelError(nameof(Name), $"Give a name of 1 to {AdModel.MaxName} characters.");
        }
        if (!AdRules.IsClickUrl(ClickUrl))
        {
            ModelState.AddModelError(nameof(ClickUrl), "Give the full address a click goes to, starting with https:// (or http://).");
        }
        if (AltText.Length > 300)
        {
            ModelState.AddModelError(nameof(AltText), "Keep the text alternative under 300 characters.");
        }
        if (StartsAt is { } s && EndsAt is { } e && e <= s)
        {
            ModelState.AddModelError(nameof(EndsAt), "The end must be after the start.");
        }
        var unknown = Positions.Where(p => AdSettings.Info(p) is null).ToList();
        if (unknown.Count > 0)
        {
            ModelState.AddModelError(nameof(Positions), $"There is no position {string.Join(", ", unknown.Select(u => $"\"{u}\""))}; pick from the list.");
        }
        else if (Positions.Count == 0)
        {
            ModelState.AddModelError(nameof(Positions), "Pick at least one position.");
        }
        var sections = AdRules.Split((Sections ?? "").ToLowerInvariant());
        if (sections.Count > 0)
        {
            var known = await db.Sections.AsNoTracking().Where(x => sections.Contains(x.Slug)).Select(x => x.Slug).ToListAsync(ct);
            var missing = sections.Except(known, StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                ModelState.AddModelError(nameof(Sections), $"No section has the slug {string.Join(", ", missing.Select(m => $"\"{m}\""))}.");
            }
        }
        Bound(nameof(Weight), Weight, 1, 1000);
        Bound(nameof(DailyCap), DailyCap, 0, 1000);
        var kind = Kind == "html" ? AdCreativeKind.Html : AdCreativeKind.Image;
        int width = 0, height = 0;
        var html = "";
        if (kind == AdCreativeKind.Image)
        {
            (width, height) = await CheckImageAsync(ct);
        }
        else
        {
            if (Width is not int w || w is < 1 or > 2000)
            {
                ModelState.AddModelError(nameof(Width), "Give the creative's width in pixels, 1 to 2000.");
            }
            if (Height is not int h || h is < 1 or > 2000)
            {
                ModelState.AddModelError(nameof(Height), "Give the creative's height in pixels, 1 to 2000.");
            }
            if ((Html ?? "").Trim().Length == 0 || (Html ?? "").Length > AdModel.MaxHtml)
            {
                ModelState.AddModelError(nameof(Html), $"Give the creative's HTML, up to {AdModel.MaxHtml:N0} characters.");
            }
            else
            {
                html = BodyDocument.Sanitize(Html ?? "").Trim();
                HtmlWasCleaned = html != (Html ?? "").Trim();
                if (html.Length == 0)
                {
                    ModelState.AddModelError(nameof(Html), "Nothing of this HTML can be shown: scripts, forms and frames are removed. Use pictures, text and links.");
                }
            }
            (width, height) = (Width ?? 0, Height ?? 0);
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var isNew = row is null;
        row ??= new AdCreative { Name = Name ?? "" };
        row.Name = Name ?? "";
        row.IsHouse = IsHouse;
        row.Enabled = Enabled;
        row.Kind = kind;
        row.ImageId = kind == AdCreativeKind.Image ? ImageId : null;
        row.Html = html;
        row.Width = width;
        row.Height = height;
        row.ClickUrl = ClickUrl ?? "";
        row.AltText = AltText ?? "";
        row.StartsAt = StartsAt is { } start ? DateTime.SpecifyKind(start, DateTimeKind.Utc) : null;
        row.EndsAt = EndsAt is { } end ? DateTime.SpecifyKind(end, DateTimeKind.Utc) : null;
        row.Positions = string.Join(',', Positions);
        row.Sections = string.Join(',', sections);
        row.Weight = Weight;
        row.DailyCap = DailyCap;
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        if (isNew)
        {
            db.AdCreatives.Add(row);
        }
        await db.SaveChangesAsync(ct);
        audit.Record(db, User, AuditAction, "AdCreative", row.Id.ToString(CultureInfo.InvariantCulture), row.Name, ClientIp);
        await db.SaveChangesAsync(ct);
        catalog.Invalidate();
        Flash = HtmlWasCleaned ? "Creative saved. Scripts and other unsafe parts were removed from its HTML." : "Creative saved.";
        return Redirect($"/newsroom/ads/creatives/{row.Id.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>The picture must be in the media library, at most a standard ad's size in pixels and small in bytes.</summary>
    private async Task<(int Width, int Height)> CheckImageAsync(CancellationToken ct)
    {
        if (ImageId is not int imageId)
        {
            ModelState.AddModelError(nameof(ImageId), "Give the number of a picture in the media library.");
            return (0, 0);
        }
        var image = await db.Images.AsNoTracking().FirstOrDefaultAsync(i => i.Id == imageId, ct);
        if (image is null)
        {
            ModelState.AddModelError(nameof(ImageId), $"There is no picture {imageId} in the media library.");
            return (0, 0);
        }
        if (image.Width > AdRules.MaxImageWidth || image.Height > AdRules.MaxImageHeight)
        {
            ModelState.AddModelError(nameof(ImageId), $"The picture is {image.Width} × {image.Height} pixels; an ad picture may be at most {AdRules.MaxImageWidth} × {AdRules.MaxImageHeight}.");
            return (0, 0);
        }
        Media.StoredFileInfo? file;
        try
        {
            file = await media.InfoAsync(image.Key, Media.Renditions.FileName(AdCatalog.RenditionWidth(image.Widths, image.Width), "jpg"), ct);
        }
        catch (Media.MediaStoreException)
        {
            ModelState.AddModelError(nameof(ImageId), "The media store did not answer, so the picture's size could not be checked. Try again in a moment.");
            return (0, 0);
        }
        if (file is not null && file.Length > AdRules.MaxImageBytes)
        {
            ModelState.AddModelError(nameof(ImageId), $"The picture is {file.Length / 1024:N0} KB; an ad picture may be at most {AdRules.MaxImageBytes / 1024:N0} KB.");
        }
        return (image.Width, image.Height);
    }

    private void Bound(string field, int value, int min, int max)
    {
        if (ModelState.TryGetValue(field, out var entry) && entry.Errors.Count > 0)
        {
            entry.Errors.Clear();
            ModelState.AddModelError(field, $"Use a whole number from {min} to {max}.");
        }
        else if (value < min || value > max)
        {
            ModelState.AddModelError(field, $"Use a whole number from {min} to {max}.");
        }
    }

    private void Describe(int? id)
    {
        Id = id;
        Title = id is null ? "New creative" : "Creative";
        Area = "ads";
    }
}

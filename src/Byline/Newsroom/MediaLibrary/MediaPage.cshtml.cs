using System.Globalization;
using Byline.Content;
using Byline.Media;
using Byline.Newsroom;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.MediaLibrary;

/// <summary>
/// The media library: a grid of pictures searched and filtered (format, upload days, uploader) and paged,
/// the upload form (several files at once), and the details panel of one picture (<c>?id=</c>): its
/// renditions, the focal point of each crop, and the stories that use it. The editor's drops and pastes
/// upload through <see cref="OnPostJsonAsync"/>, the same checks answered in JSON.
/// </summary>
[Authorize(Policy = Policies.Newsroom)]
// Let the body of an oversize upload be read so the page can say why it was refused (the limit
// that matters is Byline:Media:MaxUploadBytes, checked by MediaLibrary).
[RequestSizeLimit(MediaOptions.RequestLimit)]
[RequestFormLimits(MultipartBodyLengthLimit = MediaOptions.RequestLimit)]
public sealed class MediaPageModel(BylineDb db, PictureUploads uploads, Media.MediaLibrary library, MediaOptions options, MediaStore store) : NewsroomPageModel
{
    public const int PageSize = 36;
    public const int MaxFilesAtOnce = 20;
    private const int UsesShown = 20;

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public string? Type { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Uploader { get; set; }
    /// <summary>The picture whose details panel is open.</summary>
    [BindProperty(SupportsGet = true)] public int? Id { get; set; }

    /// <summary>From <c>?page=</c>, read by hand: "page" is also Razor Pages' own route value, which model binding would pick up.</summary>
    public int PageNumber { get; private set; } = 1;

    private bool ReadPage()
    {
        var raw = Request.Query["page"].ToString();
        if (raw.Length == 0)
        {
            return true;
        }
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var page))
        {
            return false;
        }
        PageNumber = page;
        return true;
    }

    [BindProperty] public IReadOnlyList<IFormFile> Upload { get; set; } = [];
    [BindProperty] public string? Alt { get; set; }
    [BindProperty] public string? Caption { get; set; }
    [BindProperty] public string? Credit { get; set; }

    public IReadOnlyList<Image> Images { get; private set; } = [];
    public bool HasNext { get; private set; }
    public IReadOnlyList<string> Uploaders { get; private set; } = [];
    public string? UploadError { get; private set; }
    public string? UploadErrorCode { get; private set; }
    public Image? Uploaded { get; private set; }
    public int UploadedCount { get; private set; }
    public long MaxUploadBytes => options.MaxUploadBytes;

    public Image? Selected { get; private set; }
    public int UseCount { get; private set; }
    public IReadOnlyList<MediaUse> Uses { get; private set; } = [];
    public string? FocusError { get; private set; }
    public string? DeleteError { get; private set; }
    /// <summary>Editors and admins may delete a picture no story uses; reporters may not.</summary>
    public bool CanDelete => User.IsInRole(Roles.Editor) || User.IsInRole(Roles.Admin);

    /// <summary>The query string of the current search and filters (for paging links and the details panel's links).</summary>
    public string FilterQuery(int? page = null, int? id = null)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }
        Add("q", Q);
        Add("type", Type);
        Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("uploader", Uploader);
        Add("page", page is > 1 ? page.Value.ToString(CultureInfo.InvariantCulture) : null);
        Add("id", id?.ToString(CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    public async Task<IActionResult> OnGetAsync(int? uploaded, int? count, CancellationToken ct)
    {
        if (!ReadPage() || PageNumber is < 1 or > 1000 || !ModelState.IsValid)
        {
            return BadRequest();
        }
        if (uploaded is { } id)
        {
            Uploaded = await db.Images.FindAsync([id], ct);
            UploadedCount = Math.Clamp(count ?? 1, 1, MaxFilesAtOnce);
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var files = Upload.Where(f => f.Length > 0).ToList();
        if (files.Count == 0)
        {
            return await RefuseAsync("no-file", "Choose a picture to upload.", ct);
        }
        if (files.Count > MaxFilesAtOnce)
        {
            return await RefuseAsync("too-many-files", $"Upload at most {MaxFilesAtOnce} pictures at once.", ct);
        }
        Image? first = null;
        for (var n = 0; n < files.Count; n++)
        {
            await using var stream = files[n].OpenReadStream();
            var result = await uploads.UploadAsync(User, stream, files[n].Length, Alt ?? "", Caption ?? "", Credit ?? "", ct);
            if (result.Error is { } error)
            {
                // The pictures before it are stored; the message says which file stopped the upload.
                var done = n == 0 ? "" : $" The {n} picture{(n == 1 ? "" : "s")} before it {(n == 1 ? "was" : "were")} uploaded.";
                return await RefuseAsync(error.Code, files.Count == 1 ? error.Message : $"{Path.GetFileName(files[n].FileName)}: {error.Message}{done}", ct);
            }
            first ??= result.Image;
        }
        return Redirect(files.Count == 1 ? $"/newsroom/media?uploaded={first!.Id}" : $"/newsroom/media?uploaded={first!.Id}&count={files.Count}");
    }

    /// <summary>
    /// The same upload for a script (the editor's drop or paste, the bulk upload's progress): 201 with the
    /// picture, or a ProblemDetails with the library's code (<c>too-large</c> 413, <c>not-an-image</c> 415,
    /// <c>quota-exceeded</c> 429, <c>store-unavailable</c> 503, others 400).
    /// </summary>
    public async Task<IActionResult> OnPostJsonAsync(CancellationToken ct)
    {
        if (Upload.Count != 1 || Upload[0].Length == 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "no-file", "Send one picture.");
        }
        var file = Upload[0];
        await using var stream = file.OpenReadStream();
        var result = await uploads.UploadAsync(User, stream, file.Length, Alt ?? "", Caption ?? "", Credit ?? "", ct);
        if (result.Error is { } error)
        {
            return Problem(StatusOf(error.Code), error.Code, error.Message);
        }
        return new JsonResult(MediaJson.Of(result.Image!)) { StatusCode = StatusCodes.Status201Created };
    }

    /// <summary>Sets the focal point of one crop rendition (fractions of the width and height) and makes the crop again.</summary>
    public async Task<IActionResult> OnPostFocusAsync(int id, string? rendition, string? x, string? y, CancellationToken ct)
    {
        // Tracked: the context's default is no tracking.
        var image = await db.Images.AsTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (image is null)
        {
            return NotFound();
        }
        Id = id;
        if (!Focus.TryCrop(rendition, out var width, out var height))
        {
            return await RefuseFocusAsync("Choose one of the crops.", ct);
        }
        if (!double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var fx) || !double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out var fy)
            || !Focus.IsFraction(fx / 100) || !Focus.IsFraction(fy / 100))
        {
            return await RefuseFocusAsync("Give the focal point as two percentages from 0 to 100 (from the left, from the top).", ct);
        }
        image.Focus = Focus.With(image.Focus, width, height, fx / 100, fy / 100);
        await db.SaveChangesAsync(ct);
        var (px, py) = Focus.Of(image.Focus, width, height);
        try
        {
            await Renditions.CropFromLargestAsync(store, image.Key, width, height, px, py, ct);
        }
        catch (MediaStoreException)
        {
            return await RefuseFocusAsync("The focal point is saved, but the media store did not answer, so the crop is not made yet: set it again in a moment.", ct);
        }
        Flash = $"The {Focus.Name(width, height)} crop now centres on {fx.ToString("0.#", CultureInfo.InvariantCulture)} %, {fy.ToString("0.#", CultureInfo.InvariantCulture)} %.";
        return Redirect("/newsroom/media" + FilterQuery(id: id));
    }

    /// <summary>
    /// Deletes a picture no story uses, with all its renditions (from the folder or the bucket). A picture in
    /// use is refused with a message in the details panel; the stories must drop it first.
    /// </summary>
    public async Task<IActionResult> OnPostDeleteAsync(int id, CancellationToken ct)
    {
        if (!CanDelete)
        {
            return Forbid();
        }
        var image = await db.Images.AsTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (image is null)
        {
            return NotFound();
        }
        Id = id;
        var (uses, _) = await MediaUsage.OfAsync(db, image, 0, ct);
        if (uses > 0)
        {
            DeleteError = $"This picture is used in {uses} {(uses == 1 ? "story" : "stories")}: take it out of {(uses == 1 ? "it" : "them")} first.";
            Response.StatusCode = StatusCodes.Status409Conflict;
            await LoadAsync(ct);
            return Page();
        }
        // Authors and shows would lose the picture without a word (their reference is cleared on delete).
        var elsewhere = await MediaUsage.ElsewhereAsync(db, id, ct);
        if (elsewhere.Count > 0)
        {
            DeleteError = $"This picture is {string.Join(" and ", elsewhere)}: choose another there first.";
            Response.StatusCode = StatusCodes.Status409Conflict;
            await LoadAsync(ct);
            return Page();
        }
        try
        {
            await library.DeleteAsync(image, ct);
        }
        catch (DbUpdateException)
        {
            // Another row (a slide, a creative, a show) still points at it.
            db.ChangeTracker.Clear();
            DeleteError = "This picture is still used elsewhere on the site (an ad creative): take it out there first.";
            Response.StatusCode = StatusCodes.Status409Conflict;
            await LoadAsync(ct);
            return Page();
        }
        Flash = $"Picture #{id} and its renditions were deleted.";
        return Redirect("/newsroom/media" + FilterQuery());
    }

    private async Task<IActionResult> RefuseFocusAsync(string message, CancellationToken ct)
    {
        FocusError = message;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
        return Page();
    }

    private static int StatusOf(string code) => code switch
    {
        "too-large" => StatusCodes.Status413PayloadTooLarge,
        "not-an-image" => StatusCodes.Status415UnsupportedMediaType,
        "quota-exceeded" => StatusCodes.Status429TooManyRequests,
        "store-unavailable" => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status400BadRequest,
    };

    private static ObjectResult Problem(int status, string code, string detail) => new(new ProblemDetails
    {
        Status = status,
        Title = "The picture was not uploaded",
        Detail = detail,
        Extensions = { ["code"] = code },
    })
    { StatusCode = status, ContentTypes = { "application/problem+json" } };

    private async Task<IActionResult> RefuseAsync(string code, string message, CancellationToken ct)
    {
        UploadError = message;
        UploadErrorCode = code;
        Response.StatusCode = StatusOf(code) == StatusCodes.Status415UnsupportedMediaType ? StatusCodes.Status400BadRequest : StatusOf(code);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Title = "Media library";
        Area = "media";
        var zone = Settings.TimeZone is { Length: > 0 } z ? new Dateline(z).Zone : TimeZoneInfo.Utc;
        var filter = new MediaFilter(Q,
            MediaFilter.Types.Any(t => t.Type == Type) ? Type : null,
            From is { } from ? Dateline.StartOfDayUtc(from, zone) : null,
            To is { } to ? Dateline.StartOfDayUtc(to.AddDays(1), zone) : null,
            string.IsNullOrWhiteSpace(Uploader) ? null : Uploader.Trim());
        var page = await MediaQuery.SearchAsync(db, filter, Math.Max(1, PageNumber), PageSize, ct);
        Images = page.Items;
        HasNext = page.HasMore;
        Uploaders = await MediaQuery.UploadersAsync(db, ct);
        if (Id is { } id && await db.Images.FindAsync([id], ct) is { } selected)
        {
            Selected = selected;
            (UseCount, Uses) = await MediaUsage.OfAsync(db, selected, UsesShown, ct);
        }
    }
}

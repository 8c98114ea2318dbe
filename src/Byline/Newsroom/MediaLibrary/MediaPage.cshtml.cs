using Byline.Content;
using Byline.Media;
using Byline.Newsroom;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Byline.Newsroom.MediaLibrary;

/// <summary>The media library: a searchable grid of pictures and the upload form.</summary>
[Authorize(Policy = Policies.Newsroom)]
// Let the body of an oversize upload be read so the page can say why it was refused (the limit
// that matters is Byline:Media:MaxUploadBytes, checked by MediaLibrary).
[RequestSizeLimit(MediaOptions.RequestLimit)]
[RequestFormLimits(MultipartBodyLengthLimit = MediaOptions.RequestLimit)]
public sealed class MediaPageModel(BylineDb db, PictureUploads uploads, MediaOptions options) : NewsroomPageModel
{
    public const int PageSize = 36;

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    /// <summary>From <c>?page=</c>, read by hand: "page" is also Razor Pages' own route value, which model binding would pick up.</summary>
    public int PageNumber { get; private set; } = 1;

    private bool ReadPage()
    {
        var raw = Request.Query["page"].ToString();
        if (raw.Length == 0)
        {
            return true;
        }
        if (!int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var page))
        {
            return false;
        }
        PageNumber = page;
        return true;
    }

    [BindProperty] public IFormFile? Upload { get; set; }
    [BindProperty] public string? Alt { get; set; }
    [BindProperty] public string? Caption { get; set; }
    [BindProperty] public string? Credit { get; set; }

    public IReadOnlyList<Image> Images { get; private set; } = [];
    public bool HasNext { get; private set; }
    public string? UploadError { get; private set; }
    public string? UploadErrorCode { get; private set; }
    public Image? Uploaded { get; private set; }
    public long MaxUploadBytes => options.MaxUploadBytes;

    public async Task<IActionResult> OnGetAsync(int? uploaded, CancellationToken ct)
    {
        if (!ReadPage() || PageNumber is < 1 or > 1000)
        {
            return BadRequest();
        }
        if (uploaded is { } id)
        {
            Uploaded = await db.Images.FindAsync([id], ct);
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Upload is null || Upload.Length == 0)
        {
            return await RefuseAsync("no-file", "Choose a picture to upload.", ct);
        }
        await using var stream = Upload.OpenReadStream();
        var result = await uploads.UploadAsync(User, stream, Upload.Length, Alt ?? "", Caption ?? "", Credit ?? "", ct);
        if (result.Error is { } error)
        {
            return await RefuseAsync(error.Code, error.Message, ct);
        }
        return Redirect($"/newsroom/media?uploaded={result.Image!.Id}");
    }

    private async Task<IActionResult> RefuseAsync(string code, string message, CancellationToken ct)
    {
        UploadError = message;
        UploadErrorCode = code;
        Response.StatusCode = code switch
        {
            "too-large" => StatusCodes.Status413PayloadTooLarge,
            "quota-exceeded" => StatusCodes.Status429TooManyRequests,
            _ => StatusCodes.Status400BadRequest,
        };
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Title = "Media library";
        Area = "media";
        var page = await MediaQuery.SearchAsync(db, Q, Math.Max(1, PageNumber), PageSize, ct);
        Images = page.Items;
        HasNext = page.HasMore;
    }
}

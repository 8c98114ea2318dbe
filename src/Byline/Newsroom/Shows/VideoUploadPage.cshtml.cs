using System.Security.Claims;
using Byline.Media;
using Byline.Site.Shows;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Newsroom.Shows;

/// <summary>
/// Uploads an episode's MP4 into the media store. The story editor posts here from script and gets
/// JSON back (the address goes into the video field); without script the page shows the address to paste.
/// </summary>
[Authorize(Policy = Policies.Newsroom)]
// Read oversize bodies so the answer can say why (the limit that matters is Byline:Media:MaxVideoBytes).
[RequestSizeLimit(VideoOptions.RequestLimit)]
[RequestFormLimits(MultipartBodyLengthLimit = VideoOptions.RequestLimit)]
public sealed class VideoUploadPageModel(VideoFiles videos, BylineDb db, AuditLog audit, UploadQuota quota) : NewsroomPageModel
{
    [BindProperty] public IFormFile? Video { get; set; }

    public string? UploadedUrl { get; private set; }
    public string? Error { get; private set; }
    public string? ErrorCode { get; private set; }
    public long MaxBytes => videos.MaxBytes;

    public void OnGet()
    {
        Title = "Upload a video";
        Area = "media";
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Title = "Upload a video";
        Area = "media";
        VideoUpload result;
        var userId = User.FindFirstValue(ClaimTypes.NameIdentifier);
        if (Video is null || Video.Length == 0)
        {
            result = new VideoUpload(null, "no-file", "Choose an MP4 file to upload.");
        }
        else if (await quota.CheckAsync(userId, Video.Length, ct) is { } over)
        {
            result = new VideoUpload(null, over.Code, over.Message);
        }
        else
        {
            await using var stream = Video.OpenReadStream();
            result = await videos.SaveAsync(stream, Video.Length, ct);
        }
        var wantsJson = Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);
        if (result.Url is null)
        {
            var status = result.Code == "quota-exceeded" ? StatusCodes.Status429TooManyRequests : StatusCodes.Status400BadRequest;
            if (wantsJson)
            {
                return new JsonResult(new { status, code = result.Code, title = result.Message }) { StatusCode = status, ContentType = "application/problem+json" };
            }
            (Error, ErrorCode) = (result.Message, result.Code);
            Response.StatusCode = status;
            return Page();
        }
        quota.Record(userId, Video!.Length, UploadQuota.VideoKind);
        audit.Record(db, User, ShowAuditActions.VideoUploaded, "video", result.Url, Video!.FileName.Length > 200 ? Video.FileName[..200] : Video.FileName, ClientIp);
        await db.SaveChangesAsync(ct);
        if (wantsJson)
        {
            return new JsonResult(new { url = result.Url });
        }
        UploadedUrl = result.Url;
        return Page();
    }
}

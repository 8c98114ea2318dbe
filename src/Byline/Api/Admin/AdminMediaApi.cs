using System.Globalization;
using Byline.Content;
using Byline.Media;
using Microsoft.AspNetCore.Http.Features;

namespace Byline.Api.Admin;

/// <summary>
/// Picture upload through the API: the request body is the file itself (any client can stream it with
/// its length, no multipart), and it goes through the newsroom's own <see cref="PictureUploads"/> — the
/// account's daily allowance, the type read from the first bytes, the size and pixel limits, renditions,
/// the <c>media.uploaded</c> event. An oversize file is refused by its declared length before a byte is read.
/// </summary>
public static class AdminMediaApi
{
    public static RouteGroupBuilder MapAdminMedia(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        admin.MapPost("/media", UploadAsync).WithName("AdminUploadPicture")
            .WithMetadata(AdminWrite.Instance, new AdminBody(null, "image/jpeg", "image/png", "image/webp", "image/gif", "application/octet-stream"))
            .WithSummary("Upload a picture: the body is the file (JPEG, PNG, WebP or GIF, by its contents) with its Content-Length; alt, caption and credit in the query.")
            .Produces<AdminImage>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status411LengthRequired)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return admin;
    }

    private static async Task<IResult> UploadAsync(HttpContext http, PictureUploads uploads, MediaOptions options, CancellationToken ct)
    {
        var q = new ApiQuery(http, "alt", "caption", "credit");
        var caller = AdminGate.Caller(http);
        if (http.Request.ContentLength is not long length)
        {
            return ApiProblems.Body(StatusCodes.Status411LengthRequired, ApiProblems.LengthRequired, "Send the file with its Content-Length.");
        }
        if (length > options.MaxUploadBytes)
        {
            return ApiProblems.Body(StatusCodes.Status413PayloadTooLarge, "too_large",
                $"Pictures may be at most {options.MaxUploadBytes.ToString(CultureInfo.InvariantCulture)} bytes.");
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // The server's own cap follows the media limit, so a configured larger limit is not cut short by Kestrel's default.
            limit.MaxRequestBodySize = Math.Max(options.MaxUploadBytes, 1);
        }
        UploadResult result;
        try
        {
            result = await uploads.UploadAsync(caller.User, http.Request.Body, length, q["alt"] ?? "", q["caption"] ?? "", q["credit"] ?? "", ct);
        }
        catch (IOException)
        {
            // Fewer bytes than the Content-Length promised (Kestrel's BadHttpRequestException), or a stream that ended early.
            return ApiProblems.Body(StatusCodes.Status400BadRequest, ApiProblems.IncompleteBody, "The file ended before its Content-Length.");
        }
        if (result.Error is { } error)
        {
            var status = error.Code switch
            {
                "too-large" => StatusCodes.Status413PayloadTooLarge,
                "not-an-image" => StatusCodes.Status415UnsupportedMediaType,
                "quota-exceeded" => StatusCodes.Status429TooManyRequests,
                "store-unavailable" => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status400BadRequest,
            };
            // The library's codes, in the API's spelling.
            return ApiProblems.Body(status, error.Code.Replace('-', '_'), error.Message, "");
        }
        var image = result.Image!;
        return TypedResults.Json(new AdminImage(image.Id, MediaPaths.NearestUrl(image.Key, image.Widths, 1200), MediaPaths.SrcSet(image.Key, image.Widths, "jpg"),
            image.Width, image.Height, image.Alt, image.Caption, image.Credit, image.CreatedAt), ApiJson.Options, statusCode: StatusCodes.Status201Created);
    }
}

using System.Globalization;
using Byline.Content;
using Microsoft.Net.Http.Headers;

namespace Byline.Media;

/// <summary>Serves image renditions from the media store. Every file is immutable once written.</summary>
public static class MediaEndpoints
{
    private const int MaxKeyLength = 100;

    public static IEndpointRouteBuilder MapMedia(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/media/{key}/{file}", [HttpMethods.Get, HttpMethods.Head], Serve)
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Serve(string key, string file, MediaStore store, HttpContext context)
    {
        if (!TryResolve(key, file, out var contentType))
        {
            return Results.NotFound();
        }
        if (RedirectToPublicHost(context) is { } moved)
        {
            return moved;
        }
        var ct = context.RequestAborted;
        try
        {
            var crop = TryParseCrop(file, out var cropWidth, out var cropHeight);
            if (store.PublicUrl(key, file) is { } direct)
            {
                // A CDN in front of the bucket serves the bytes; a crop it lacks is made here first.
                if (crop && await store.InfoAsync(key, file, ct) is null
                    && !await Renditions.CropFromLargestAsync(store, key, cropWidth, cropHeight, ct))
                {
                    return Results.NotFound();
                }
                return Results.Redirect(direct.AbsoluteUri, permanent: true, preserveMethod: true);
            }
            var stored = await store.OpenAsync(key, file, ct);
            // A crop of a picture stored before crops existed is made once, on its first request.
            if (stored is null && crop && await Renditions.CropFromLargestAsync(store, key, cropWidth, cropHeight, ct))
            {
                stored = await store.OpenAsync(key, file, ct);
            }
            if (stored is null)
            {
                return Results.NotFound();
            }
            return ServeFile(context, stored, file, contentType, ranges: false);
        }
        catch (MediaStoreException)
        {
            // Logged by the store; the reader's browser may try again.
            context.Response.Headers.RetryAfter = "10";
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>
    /// Answers with a stored file: from disk through the server's own file sending, or streamed from a remote
    /// store, with the same validators either way. A file never changes under its URL (a new picture gets a
    /// new key), so caches may keep it for a year.
    /// </summary>
    internal static IResult ServeFile(HttpContext context, StoredFile stored, string file, string contentType, bool ranges)
    {
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        AddFileHeaders(context.Response, file);
        var info = stored.Info;
        var etag = EntityTagHeaderValue.TryParse(info.ETag, out var parsed) ? parsed : null;
        if (stored.PhysicalPath is { } path)
        {
            return Results.File(path, contentType, lastModified: info.LastModified, entityTag: etag, enableRangeProcessing: ranges);
        }
        // Results.Stream disposes the stream once the answer is written (or the request ends).
        return Results.Stream(stored.TakeContent(), contentType, lastModified: info.LastModified, entityTag: etag, enableRangeProcessing: ranges);
    }

    /// <summary>
    /// What every uploaded file is served with: the type we chose is final (<c>nosniff</c>), the file is
    /// shown inline under its own name and never as a document of this origin — if a browser were talked
    /// into opening one as a page, the sandbox gives it no script and no origin.
    /// </summary>
    internal static void AddFileHeaders(HttpResponse response, string fileName)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentDisposition = $"inline; filename=\"{fileName}\"";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
    }

    /// <summary>With <c>Byline:Media:PublicHost</c> set, a media request on any other host is sent there (308: method and range kept).</summary>
    internal static IResult? RedirectToPublicHost(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<MediaOptions>();
        if (string.IsNullOrWhiteSpace(options.PublicHost)
            || !Uri.TryCreate(options.PublicHost, UriKind.Absolute, out var media)
            || string.Equals(media.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var target = new Uri(media, context.Request.Path.Value + context.Request.QueryString.Value);
        return Results.Redirect(target.AbsoluteUri, permanent: true, preserveMethod: true);
    }

    /// <summary>"1200x900.jpg": exactly one of the crop sizes the store writes, as a JPEG; nothing else.</summary>
    internal static bool TryParseCrop(string file, out int width, out int height)
    {
        foreach (var (w, h) in MediaPaths.Crops)
        {
            if (string.Equals(file, Path.GetFileName(MediaPaths.CropUrl("x", w, h)), StringComparison.Ordinal))
            {
                (width, height) = (w, h);
                return true;
            }
        }
        (width, height) = (0, 0);
        return false;
    }

    /// <summary>
    /// Maps a request onto a file of the media store, or refuses it. Only lower-case keys,
    /// plain decimal widths and the two rendition formats pass, so no request can name a path
    /// outside the store.
    /// </summary>
    internal static bool TryResolve(string key, string file, out string contentType)
    {
        contentType = "";
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength || !key.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'))
        {
            return false;
        }
        if (TryParseCrop(file, out _, out _))
        {
            contentType = "image/jpeg";
            return true;
        }
        var dot = file.IndexOf('.', StringComparison.Ordinal);
        if (dot is <= 0 or > 5)
        {
            return false;
        }
        var digits = file.AsSpan(0, dot);
        if (digits[0] == '0' || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return false;
        }
        switch (file[(dot + 1)..])
        {
            case "jpg":
                contentType = "image/jpeg";
                break;
            case "webp":
                contentType = "image/webp";
                break;
            default:
                return false;
        }
        return true;
    }
}

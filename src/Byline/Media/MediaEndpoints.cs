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
        if (!TryResolve(store.Root, key, file, out var path, out var contentType))
        {
            return Results.NotFound();
        }
        var info = new FileInfo(path);
        // A crop of a picture stored before crops existed is made once, on its first request.
        if (!info.Exists && TryParseCrop(file, out var cropWidth, out var cropHeight)
            && await Renditions.CropFromLargestAsync(store.Root, key, cropWidth, cropHeight, context.RequestAborted))
        {
            info = new FileInfo(path);
        }
        if (!info.Exists)
        {
            return Results.NotFound();
        }
        if (RedirectToPublicHost(context) is { } moved)
        {
            return moved;
        }
        // A rendition never changes under its URL (a new picture gets a new key), so caches may keep it forever.
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        AddFileHeaders(context.Response, file);
        var etag = new EntityTagHeaderValue(string.Create(CultureInfo.InvariantCulture,
            $"\"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}\""));
        return Results.File(info.FullName, contentType, lastModified: info.LastWriteTimeUtc, entityTag: etag);
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
    /// Maps a request onto a file under the media root, or refuses it. Only lower-case keys,
    /// plain decimal widths and the two rendition formats pass, so no request can name a path
    /// outside the store.
    /// </summary>
    internal static bool TryResolve(string root, string key, string file, out string path, out string contentType)
    {
        path = "";
        contentType = "";
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength || !key.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'))
        {
            return false;
        }
        if (TryParseCrop(file, out var cropWidth, out var cropHeight))
        {
            contentType = "image/jpeg";
            path = MediaPaths.CropFile(root, key, cropWidth, cropHeight);
            return true;
        }
        var dot = file.IndexOf('.', StringComparison.Ordinal);
        if (dot is <= 0 or > 5)
        {
            return false;
        }
        var digits = file.AsSpan(0, dot);
        if (digits[0] == '0' || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var width))
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
        path = MediaPaths.File(root, key, width, file[(dot + 1)..]);
        var full = Path.GetFullPath(path);
        return full.StartsWith(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }
}

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

    private static IResult Serve(string key, string file, MediaStore store, HttpContext context)
    {
        if (!TryResolve(store.Root, key, file, out var path, out var contentType))
        {
            return Results.NotFound();
        }
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return Results.NotFound();
        }
        // A rendition never changes under its URL (a new picture gets a new key), so caches may keep it forever.
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        var etag = new EntityTagHeaderValue(string.Create(CultureInfo.InvariantCulture,
            $"\"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}\""));
        return Results.File(info.FullName, contentType, lastModified: info.LastWriteTimeUtc, entityTag: etag);
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

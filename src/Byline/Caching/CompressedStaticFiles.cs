using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Byline.Caching;

/// <summary>
/// The site's text assets (stylesheets, scripts, SVG) held in memory with their gzip and Brotli
/// copies, compressed once at start at the highest settings, so every reader downloads the smallest
/// bytes without the server compressing per request. Each coding has its own strong ETag (the
/// content hash, suffixed like the output cache's), answered with 304 on a match. A file that changes
/// on disk (a developer editing site.css) is re-read and recompressed on its next request.
/// </summary>
public sealed class CompressedStaticFiles
{
    private static readonly string[] Extensions = [".css", ".js", ".svg"];
    private static readonly StringValues VaryValue = new(HeaderNames.AcceptEncoding);
    private static readonly StringValues GzipValue = new("gzip");
    private static readonly StringValues BrotliValue = new("br");
    private readonly IFileProvider _files;
    private readonly FileExtensionContentTypeProvider _types = new();
    private readonly ConcurrentDictionary<string, Asset> _assets = new(StringComparer.Ordinal);

    public CompressedStaticFiles(IWebHostEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(env);
        _files = env.WebRootFileProvider;
        foreach (var path in TextAssets(_files, ""))
        {
            Load(path);
        }
    }

    /// <summary>Request paths this serves, e.g. "/site.css".</summary>
    public IEnumerable<string> Paths => _assets.Keys;

    /// <summary>Answers a GET or HEAD for a held asset; false leaves the request to the next middleware.</summary>
    public async Task<bool> TryServeAsync(HttpContext context, bool immutable)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) || request.Path.Value is not { } path)
        {
            return false;
        }
        if (!_assets.TryGetValue(path, out var asset))
        {
            return false;
        }
        var file = _files.GetFileInfo(path);
        if (!file.Exists)
        {
            return false;
        }
        if (file.Length != asset.SourceLength || file.LastModified != asset.LastModified)
        {
            asset = Load(path) ?? asset;
        }

        var coding = OutputCacheMiddleware.Negotiate(request.Headers.AcceptEncoding) switch
        {
            // A file that compression would not shrink is sent as it is.
            Coding.Brotli when asset.Brotli is null => Coding.Identity,
            Coding.Gzip when asset.Gzip is null => Coding.Identity,
            var c => c,
        };
        var body = coding switch { Coding.Brotli => asset.Brotli!, Coding.Gzip => asset.Gzip!, _ => asset.Identity };
        var etag = coding switch { Coding.Brotli => asset.ETag + "-br", Coding.Gzip => asset.ETag + "-gz", _ => asset.ETag };
        var quoted = "\"" + etag + "\"";
        var response = context.Response;
        var headers = response.Headers;
        headers.ETag = quoted;
        headers.Vary = VaryValue;
        headers.CacheControl = immutable ? "public, max-age=31536000, immutable" : "public, max-age=3600";
        headers.LastModified = asset.LastModified.ToString("R", CultureInfo.InvariantCulture);
        if (Matches(request.Headers.IfNoneMatch, etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return true;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = asset.ContentType;
        response.ContentLength = body.Length;
        if (coding == Coding.Brotli)
        {
            headers.ContentEncoding = BrotliValue;
        }
        else if (coding == Coding.Gzip)
        {
            headers.ContentEncoding = GzipValue;
        }
        if (HttpMethods.IsGet(request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted);
        }
        return true;
    }

    private static bool Matches(StringValues ifNoneMatch, string etag)
    {
        foreach (var header in ifNoneMatch)
        {
            if (header is null)
            {
                continue;
            }
            foreach (var range in header.AsSpan().Split(','))
            {
                var tag = header.AsSpan(range).Trim();
                if (tag.SequenceEqual("*"))
                {
                    return true;
                }
                if (tag.StartsWith("W/", StringComparison.Ordinal))
                {
                    tag = tag[2..];
                }
                if (tag.Length == etag.Length + 2 && tag[0] == '"' && tag[^1] == '"' && tag[1..^1].SequenceEqual(etag))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private Asset? Load(string path)
    {
        var file = _files.GetFileInfo(path);
        if (!file.Exists || file.IsDirectory)
        {
            _assets.TryRemove(path, out _);
            return null;
        }
        byte[] identity;
        using (var stream = file.CreateReadStream())
        using (var buffer = new MemoryStream())
        {
            stream.CopyTo(buffer);
            identity = buffer.ToArray();
        }
        var gzip = OutputCacheMiddleware.Gzip(identity);
        var brotli = OutputCacheMiddleware.Brotli(identity, 11);
        var type = _types.TryGetContentType(path, out var t) ? t : "application/octet-stream";
        if (type.StartsWith("text/", StringComparison.Ordinal) || type.EndsWith("javascript", StringComparison.Ordinal))
        {
            type += "; charset=utf-8";
        }
        var asset = new Asset(
            identity,
            gzip.Length < identity.Length ? gzip : null,
            brotli.Length < identity.Length ? brotli : null,
            Convert.ToHexStringLower(SHA256.HashData(identity).AsSpan(0, 12)),
            type,
            file.Length,
            file.LastModified);
        _assets[path] = asset;
        return asset;
    }

    private static IEnumerable<string> TextAssets(IFileProvider files, string folder)
    {
        foreach (var entry in files.GetDirectoryContents(folder))
        {
            var path = folder + "/" + entry.Name;
            if (entry.IsDirectory)
            {
                foreach (var inner in TextAssets(files, path))
                {
                    yield return inner;
                }
            }
            else if (Extensions.Any(e => entry.Name.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            {
                yield return path;
            }
        }
    }

    private sealed record Asset(byte[] Identity, byte[]? Gzip, byte[]? Brotli, string ETag, string ContentType, long SourceLength, DateTimeOffset LastModified);
}

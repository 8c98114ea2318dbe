using System.Buffers.Text;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using Byline.Content;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Byline.Caching;

/// <summary>
/// Serves reader pages, feeds and sitemaps from <see cref="OutputCacheStore"/>. A hit writes stored,
/// already compressed bytes: no routing, no rendering, no compression. A miss renders once (others
/// asking for the same page wait for that render, or get the stale copy meanwhile), compresses the
/// result into gzip and Brotli, and stores it with the content keys the page declared.
/// </summary>
public sealed class OutputCacheMiddleware(RequestDelegate next, OutputCacheStore store, IOptionsMonitor<CacheOptions> options, TimeProvider clock, SessionCookieCheck sessions, SharedPageStore shared)
{
    /// <summary>Headers the middleware owns or that must never be replayed to another reader.</summary>
    private static readonly HashSet<string> NotStored = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Date, HeaderNames.Server, HeaderNames.ContentLength, HeaderNames.TransferEncoding, HeaderNames.SetCookie,
        HeaderNames.CacheControl, HeaderNames.ETag, HeaderNames.Vary, HeaderNames.ContentEncoding, HeaderNames.Connection,
        HeaderNames.KeepAlive, CacheHeaders.XCache, CacheHeaders.SurrogateKey, CacheHeaders.CacheTag,
    };

    private static readonly StringValues VaryValue = new(HeaderNames.AcceptEncoding);
    private static readonly StringValues[] Codings = [StringValues.Empty, new("gzip"), new("br")];
    private static readonly StringValues Hit = new("HIT");
    private static readonly StringValues Miss = new("MISS");
    private static readonly StringValues Stale = new("STALE");
    private static readonly StringValues Shared = new("SHARED");

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var opts = options.CurrentValue;
        if (!opts.Enabled || !IsEligible(context.Request, opts)
            || (SessionCookieCheck.MayCarrySession(context.Request, opts) && sessions.IsSignedIn(context)))
        {
            await next(context);
            return;
        }
        // The page renders with only the parameters it reads, so what it shows is exactly what the key says.
        var query = CanonicalQuery(context.Request.QueryString, opts.QueryParameters);
        if (query != context.Request.QueryString)
        {
            context.Request.QueryString = query;
        }
        var key = KeyOf(context.Request);
        var coding = Negotiate(context.Request.Headers.AcceptEncoding);
        var now = clock.GetTimestamp();
        var entry = store.Get(key);
        if (entry is not null && entry.IsFresh(now))
        {
            entry.LastUsed = now;
            if (entry.Probation)
            {
                store.Promote(entry);
            }
            store.CountHit();
            await ServeAsync(context, entry, coding, Hit, opts);
            return;
        }
        if (store.TryBeginRender(key, out var flight))
        {
            if (shared.Enabled && await TryServeSharedAsync(context, key, coding, opts))
            {
                return;
            }
            await RenderAsync(context, key, coding, opts, entry);
            return;
        }
        if (entry is not null)
        {
            // Someone is already re-rendering this page: the previous copy is good enough for now.
            store.CountStale();
            await ServeAsync(context, entry, coding, Stale, opts);
            return;
        }
        var rendered = await flight.WaitAsync(context.RequestAborted);
        if (rendered is not null)
        {
            store.CountHit();
            await ServeAsync(context, rendered, coding, Hit, opts);
            return;
        }
        // The render turned out not cacheable (a 404, a redirect, a cookie): answer this one ourselves.
        await next(context);
    }

    /// <summary>
    /// The holder of the flight asks the pages other nodes rendered first (<see cref="SharedPageStore"/>):
    /// taken when it is current here and kept by this node's store, else the caller renders.
    /// </summary>
    private async Task<bool> TryServeSharedAsync(HttpContext context, string key, Coding coding, CacheOptions opts)
    {
        // Noted before the read: an eviction while Redis answers makes the store refuse the page.
        var generation = store.Generation;
        CacheEntry? found;
        try
        {
            found = await shared.TryGetAsync(key, context.RequestAborted);
        }
        catch
        {
            store.EndRender(key, null);
            throw;
        }
        if (found is null || !store.TryStore(found, generation) || found.Stale)
        {
            return false;
        }
        store.CountShared();
        store.EndRender(key, found);
        await ServeAsync(context, found, coding, Shared, opts);
        return true;
    }

    /// <param name="stale">The expired copy, if any: served instead when the render was shed under overload.</param>
    private async Task RenderAsync(HttpContext context, string key, Coding coding, CacheOptions opts, CacheEntry? stale)
    {
        var generation = store.Generation;
        var stamp = shared.Begin();
        store.CountRender(key);
        // An anonymous render the cache keeps may read the replica; the generation above refuses to store
        // it if an eviction (which waits for the replica to have the change) came while it rendered.
        Storage.ReplicaReads.Allow(context);
        var tags = new CacheTags();
        context.Features.Set(tags);
        var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var capture = new CaptureStream(original.Stream, opts.MaxEntryBytes);
        var captureFeature = new StreamResponseBodyFeature(capture, original);
        CacheEntry? entry = null;
        try
        {
            context.Features.Set<IHttpResponseBodyFeature>(captureFeature);
            await next(context);
            // Flushes what a writer of the PipeWriter still holds into the capture.
            await captureFeature.CompleteAsync();
            entry = Build(context, key, capture, tags, opts, clock);
            if (entry is not null)
            {
                if (store.TryStore(entry, generation) && stamp is { } s)
                {
                    shared.Put(entry, s);
                }
            }
            else if (!Hosting.LoadShedding.WasShed(context))
            {
                store.Remove(key);
            }
        }
        finally
        {
            context.Features.Set(original);
            store.EndRender(key, entry);
        }
        if (entry is not null)
        {
            await ServeAsync(context, entry, coding, Miss, opts);
            return;
        }
        if (stale is not null && Hosting.LoadShedding.WasShed(context))
        {
            context.Response.Clear();
            store.CountStale();
            await ServeAsync(context, stale, coding, Stale, opts);
            return;
        }
        var body = capture.Captured;
        if (!capture.Overflowed && body.Count > 0)
        {
            context.Response.ContentLength ??= body.Count;
            await original.Stream.WriteAsync(body.AsMemory(), context.RequestAborted);
        }
    }

    private static CacheEntry? Build(HttpContext context, string key, CaptureStream capture, CacheTags tags, CacheOptions opts, TimeProvider clock)
    {
        var response = context.Response;
        if (tags.IsEmpty || capture.Overflowed || response.StatusCode != StatusCodes.Status200OK || context.RequestAborted.IsCancellationRequested
            || response.Headers.ContainsKey(HeaderNames.SetCookie) || response.Headers.ContainsKey(HeaderNames.ContentEncoding)
            || string.IsNullOrEmpty(response.ContentType))
        {
            return null;
        }
        var cacheControl = response.Headers.CacheControl.ToString();
        if (cacheControl.Contains("no-store", StringComparison.OrdinalIgnoreCase) || cacheControl.Contains("private", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var vary = response.Headers.Vary.ToString();
        if (vary.Length > 0 && !string.Equals(vary, HeaderNames.AcceptEncoding, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var identity = capture.Captured.AsSpan().ToArray();
        var headers = response.Headers.Where(h => !NotStored.Contains(h.Key)).ToArray();
        return new CacheEntry(key, identity, Gzip(identity), Brotli(identity, opts.BrotliQuality), EtagOf(identity), headers,
            tags.Hard, tags.Soft, clock.GetTimestamp() + (long)((tags.MaxLifetime is { } max && max < opts.Lifetime ? max : opts.Lifetime).TotalSeconds * clock.TimestampFrequency));
    }

    private static Task ServeAsync(HttpContext context, CacheEntry entry, Coding coding, StringValues state, CacheOptions opts)
    {
        var response = context.Response;
        var headers = response.Headers;
        foreach (var (name, value) in entry.Headers)
        {
            headers[name] = value;
        }
        headers.Vary = VaryValue;
        headers.CacheControl = opts.CacheControl;
        headers.ETag = entry.ETags[(int)coding];
        headers[CacheHeaders.SurrogateKey] = entry.SurrogateKey;
        if (opts.Cdn.Kind == CdnKind.Cloudflare)
        {
            headers[CacheHeaders.CacheTag] = entry.CacheTag;
        }
        if (opts.DebugHeader)
        {
            headers[CacheHeaders.XCache] = state;
        }
        if (Matches(context.Request.Headers.IfNoneMatch, entry) || NotModifiedSince(context.Request.Headers, entry))
        {
            headers.Remove(HeaderNames.ContentType);
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        response.StatusCode = StatusCodes.Status200OK;
        if (coding != Coding.Identity)
        {
            headers.ContentEncoding = Codings[(int)coding];
        }
        var body = entry.Body(coding);
        headers.ContentLength = body.Length;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return Task.CompletedTask;
        }
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>
    /// If-Modified-Since counts only without If-None-Match (RFC 9110 §13.2.2), and only for responses
    /// that named their own Last-Modified (feeds and sitemaps do; pages carry an ETag only).
    /// </summary>
    internal static bool NotModifiedSince(IHeaderDictionary request, CacheEntry entry)
    {
        if (!StringValues.IsNullOrEmpty(request.IfNoneMatch) || StringValues.IsNullOrEmpty(request.IfModifiedSince))
        {
            return false;
        }
        var lastModified = entry.Headers.FirstOrDefault(h => string.Equals(h.Key, HeaderNames.LastModified, StringComparison.OrdinalIgnoreCase)).Value;
        return !StringValues.IsNullOrEmpty(lastModified)
            && DateTimeOffset.TryParse(lastModified, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var modified)
            && DateTimeOffset.TryParse(request.IfModifiedSince, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var since)
            && modified <= since;
    }

    /// <summary>If-None-Match uses the weak comparison: any coding's tag of the same bytes (or *) matches.</summary>
    internal static bool Matches(StringValues ifNoneMatch, CacheEntry entry)
    {
        if (StringValues.IsNullOrEmpty(ifNoneMatch))
        {
            return false;
        }
        foreach (var header in ifNoneMatch)
        {
            foreach (var raw in (header ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (raw == "*")
                {
                    return true;
                }
                var tag = raw.StartsWith("W/", StringComparison.Ordinal) ? raw[2..] : raw;
                if (Array.IndexOf(entry.ETags, tag) >= 0)
                {
                    return true;
                }
            }
        }
        return false;
    }

    internal static bool IsEligible(HttpRequest request, CacheOptions opts)
    {
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            return false;
        }
        if (request.Headers.ContainsKey(HeaderNames.Authorization))
        {
            return false;
        }
        var path = request.Path.Value ?? "/";
        foreach (var prefix in opts.BypassPrefixes)
        {
            if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && (path.Length == prefix.Length || path[prefix.Length] == '/'))
            {
                return false;
            }
        }
        // Static files (site.css, favicon.ico) have their own headers; feeds, sitemaps and robots.txt are ours.
        var last = path.AsSpan(path.LastIndexOf('/') + 1);
        if (last.Contains('.') && !last.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) && !last.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return true;
    }

    /// <summary>
    /// The query string with only the parameters of <paramref name="allowed"/> (names compared decoded and
    /// case-insensitively, as the pages read them), in their order; the same instance when nothing is dropped.
    /// </summary>
    internal static QueryString CanonicalQuery(QueryString query, IReadOnlyCollection<string> allowed)
    {
        var raw = query.Value;
        if (string.IsNullOrEmpty(raw) || raw.Length == 1)
        {
            return string.IsNullOrEmpty(raw) ? query : QueryString.Empty;
        }
        List<string>? kept = null;
        var dropped = false;
        foreach (var part in raw[1..].Split('&'))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString((eq < 0 ? part : part[..eq]).Replace('+', ' '));
            if (part.Length > 0 && allowed.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                (kept ??= []).Add(part);
            }
            else
            {
                dropped = true;
            }
        }
        if (!dropped)
        {
            return query;
        }
        return kept is null ? QueryString.Empty : new QueryString("?" + string.Join('&', kept));
    }

    /// <summary>Scheme and host are part of the key: pages carry absolute canonical links built from them.</summary>
    internal static string KeyOf(HttpRequest request) =>
        string.Concat(request.Scheme, "://", request.Host.Value, request.PathBase.Value, request.Path.Value, request.QueryString.Value);

    /// <summary>Brotli when accepted, else gzip, else identity; a coding with q=0 is refused.</summary>
    internal static Coding Negotiate(StringValues acceptEncoding)
    {
        var br = false;
        var gzip = false;
        foreach (var header in acceptEncoding)
        {
            if (header is null)
            {
                continue;
            }
            foreach (var range in header.AsSpan().Split(','))
            {
                var item = header.AsSpan(range).Trim();
                var semi = item.IndexOf(';');
                var name = (semi < 0 ? item : item[..semi]).Trim();
                var accepted = semi < 0 || !IsZeroQuality(item[(semi + 1)..]);
                if (name.Equals("br", StringComparison.OrdinalIgnoreCase))
                {
                    br = accepted;
                }
                else if (name.Equals("gzip", StringComparison.OrdinalIgnoreCase))
                {
                    gzip = accepted;
                }
                else if (name.SequenceEqual("*"))
                {
                    br = gzip = accepted;
                }
            }
        }
        return br ? Coding.Brotli : gzip ? Coding.Gzip : Coding.Identity;
    }

    private static bool IsZeroQuality(ReadOnlySpan<char> parameters)
    {
        var p = parameters.Trim();
        if (!p.StartsWith("q=", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return double.TryParse(p[2..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var q) && q <= 0;
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream(data.Length / 3 + 64);
        using (var gz = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(data);
        }
        return output.ToArray();
    }

    internal static byte[] Brotli(byte[] data, int quality)
    {
        var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(data.Length)];
        return BrotliEncoder.TryCompress(data, buffer, out var written, Math.Clamp(quality, 0, 11), 22)
            ? buffer.AsSpan(0, written).ToArray()
            : throw new InvalidOperationException("Brotli could not compress a page into its maximum size.");
    }

    private static string EtagOf(byte[] identity)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(identity, hash);
        return Base64Url.EncodeToString(hash[..16]);
    }
}

public static class CacheHeaders
{
    /// <summary>
    /// HIT (stored bytes), MISS (this request rendered), STALE (an old copy while another request re-renders),
    /// SHARED (the page another node rendered, taken from Redis).
    /// </summary>
    public const string XCache = "X-Cache";

    /// <summary>The content keys of the response, space-separated, for a CDN to purge by.</summary>
    public const string SurrogateKey = "Surrogate-Key";

    /// <summary>The same keys comma-separated, as Cloudflare reads them (sent when <c>Byline:Cache:Cdn:Kind</c> is <c>cloudflare</c>).</summary>
    public const string CacheTag = "Cache-Tag";
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Byline.Media;
using Byline.Outbound;
using Microsoft.Extensions.Options;

namespace Byline.Wire;

public enum FetchStatus
{
    Ok,
    NotModified,
    Failed,
}

#pragma warning disable CA1819 // The body as read, handed once to the parser (or the media library).
public sealed record FetchResult(FetchStatus Status, byte[]? Bytes = null, string? ETag = null, string? LastModified = null, string? Error = null);

/// <summary>A picture's bytes (sniffed: JPEG, PNG, WebP or GIF), or why there are none.</summary>
public sealed record PictureFetch(byte[]? Bytes, string? Error);
#pragma warning restore CA1819

/// <summary>The user name and password a source's polls send (HTTP Basic).</summary>
public sealed record WireCredentials(string User, string Password);

/// <summary>
/// One conditional GET of a feed: <c>If-None-Match</c>/<c>If-Modified-Since</c> from the last answer, a timeout
/// over the whole exchange, a cap on the body read, and every connection (redirects included) through the
/// <see cref="PrivateAddressGuard"/> with the wire's own allowance (<c>Byline:Wire:AllowedHosts</c>).
/// Agency pictures go the same way, with their own time and size limits.
/// </summary>
public sealed class WireFetcher(IHttpClientFactory clients, IOptionsMonitor<WireOptions> options)
{
    public const string ClientName = "byline-wire";

    public async Task<FetchResult> FetchAsync(Uri url, string? etag, string? lastModified, WireCredentials? credentials, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        var o = options.CurrentValue;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(o.FetchTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (!string.IsNullOrEmpty(etag) && EntityTagHeaderValue.TryParse(etag, out var tag))
        {
            request.Headers.IfNoneMatch.Add(tag);
        }
        if (!string.IsNullOrEmpty(lastModified) && DateTimeOffset.TryParse(lastModified, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var since))
        {
            request.Headers.IfModifiedSince = since;
        }
        if (credentials is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials.User + ":" + credentials.Password)));
        }
        try
        {
            using var client = clients.CreateClient(ClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new FetchResult(FetchStatus.NotModified, ETag: etag, LastModified: lastModified);
            }
            if (!response.IsSuccessStatusCode)
            {
                return Failed($"the feed answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }
            var bytes = await ReadCappedAsync(response, o.MaxDocumentBytes, timeout.Token);
            if (bytes is null)
            {
                return Failed($"the feed is larger than {o.MaxDocumentBytes:N0} bytes");
            }
            return new FetchResult(FetchStatus.Ok, bytes, response.Headers.ETag?.ToString(),
                response.Content.Headers.LastModified?.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }
#pragma warning disable CA1031 // Only the failures Why names are caught; anything else propagates.
        catch (Exception e) when (Why(e, "the feed", o.FetchTimeout, ct) is { } why)
#pragma warning restore CA1031
        {
            return Failed(why);
        }
    }

    /// <summary>
    /// One agency picture: public addresses only (redirects included), <see cref="WireOptions.PictureTimeout"/> over
    /// the whole exchange, at most <see cref="WireOptions.MaxPictureBytes"/>, a page or document answer refused by
    /// its type before its body is read, and the bytes sniffed (the type the server claims decides nothing).
    /// </summary>
    public async Task<PictureFetch> FetchPictureAsync(string address, CancellationToken ct)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return new PictureFetch(null, "the picture's address is not an http:// or https:// address");
        }
        var o = options.CurrentValue;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(o.PictureTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("image/*");
        try
        {
            using var client = clients.CreateClient(ClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return new PictureFetch(null, $"the picture's address answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }
            var type = response.Content.Headers.ContentType?.MediaType ?? "";
            if (type.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || type.Contains("html", StringComparison.OrdinalIgnoreCase)
                || type.Contains("json", StringComparison.OrdinalIgnoreCase) || type.Contains("xml", StringComparison.OrdinalIgnoreCase))
            {
                return new PictureFetch(null, $"the picture's address answered with {type}, not a picture");
            }
            var bytes = await ReadCappedAsync(response, o.MaxPictureBytes, timeout.Token);
            if (bytes is null)
            {
                return new PictureFetch(null, $"the picture is larger than {o.MaxPictureBytes:N0} bytes");
            }
            return MediaLibrary.Sniff(bytes) is null
                ? new PictureFetch(null, "the file is not a JPEG, PNG, WebP or GIF picture")
                : new PictureFetch(bytes, null);
        }
#pragma warning disable CA1031 // As above.
        catch (Exception e) when (Why(e, "the picture's address", o.PictureTimeout, ct) is { } why)
#pragma warning restore CA1031
        {
            return new PictureFetch(null, why);
        }
    }

    /// <summary>The body, or null as soon as it passes the cap (a declared length over it is refused unread).</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpResponseMessage response, long max, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > max)
        {
            return null;
        }
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await body.ReadAsync(buffer, ct)) > 0)
        {
            if (copy.Length + n > max)
            {
                return null;
            }
            copy.Write(buffer, 0, n);
        }
        return copy.ToArray();
    }

    /// <summary>Why a fetch failed, said for people; null for an exception that is not a failed fetch (it propagates).</summary>
    private static string? Why(Exception e, string what, TimeSpan limit, CancellationToken ct) => e switch
    {
        HttpRequestException h => (h as RefusedAddressException ?? h.InnerException as RefusedAddressException)?.Message ?? "the fetch failed: " + h.Message,
        OperationCanceledException when !ct.IsCancellationRequested => $"{what} did not answer within {limit.TotalSeconds:0.#} s",
        IOException io => "the connection failed: " + io.Message,
        _ => null,
    };

    private static FetchResult Failed(string error) => new(FetchStatus.Failed, Error: error);
}

using System.Net;
using Byline.Outbound;

namespace Byline.Importing;

/// <summary>
/// Fetches media over HTTP only from public addresses: every connection (redirects included) resolves
/// the host itself and connects to an address it has checked, so neither a hostile export nor DNS
/// rebinding can point the importer at the machine itself, the private network or cloud metadata.
/// Refused: everything <see cref="PrivateAddressGuard"/> refuses (loopback, private, link-local,
/// carrier-grade NAT, documentation and reserved ranges, multicast) — unless an admin named the host in <c>Byline:Importing:AllowedHosts</c> (as <c>Byline:Webhooks:AllowedHosts</c>
/// does for webhooks: an intranet source, or the tests' own page server on loopback).
/// </summary>
public sealed class PublicAddressGuard : IDisposable
{
    private readonly HttpClient _http;
    private readonly long _maxBytes;
    private readonly HashSet<string> _allowed;

    public PublicAddressGuard(TimeSpan timeout, long maxBytes, IEnumerable<string>? allowedHosts = null)
    {
        _maxBytes = maxBytes;
        _allowed = new HashSet<string>((allowedHosts ?? []).Select(h => h.Trim().Trim('[', ']')), StringComparer.OrdinalIgnoreCase);
#pragma warning disable CA2000 // the client owns the handler (disposeHandler: true)
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            AutomaticDecompression = DecompressionMethods.None,
            MaxAutomaticRedirections = 3,
            ConnectTimeout = timeout,
        };
#pragma warning restore CA2000
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = timeout };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Byline-Importer/1.0");
    }

    /// <summary>The body of a public http(s) address, at most the limit; the error names why otherwise.</summary>
    public async Task<(byte[]? Bytes, string? Error)> FetchAsync(Uri uri, CancellationToken ct)
    {
        var page = await FetchPageAsync(uri, null, ct);
        return (page.Bytes, page.Error);
    }

    /// <summary>A fetched page: its bytes, media type and address after redirects, or why not.</summary>
    internal sealed record Fetched(byte[]? Bytes, string? Error, string? MediaType, Uri? Address);

    /// <summary>
    /// Like <see cref="FetchAsync"/>; when <paramref name="mediaTypes"/> is given, a response of another
    /// type is refused before its body is read.
    /// </summary>
    internal async Task<Fetched> FetchPageAsync(Uri uri, IReadOnlyCollection<string>? mediaTypes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return new(null, "not an http(s) address", null, null);
        }
        try
        {
            using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct);
            var type = response.Content.Headers.ContentType?.MediaType;
            var address = response.RequestMessage?.RequestUri ?? uri;
            if (!response.IsSuccessStatusCode)
            {
                return new(null, $"the site answered {(int)response.StatusCode}", type, address);
            }
            if (mediaTypes is not null && !mediaTypes.Contains(type ?? "", StringComparer.OrdinalIgnoreCase))
            {
                return new(null, $"not a web page ({type ?? "no content type"})", type, address);
            }
            if (response.Content.Headers.ContentLength > _maxBytes)
            {
                return new(null, $"larger than {_maxBytes:N0} bytes", type, address);
            }
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var copy = new MemoryStream();
            var buffer = new byte[81920];
            int n;
            while ((n = await body.ReadAsync(buffer, ct)) > 0)
            {
                if (copy.Length + n > _maxBytes)
                {
                    return new(null, $"larger than {_maxBytes:N0} bytes", type, address);
                }
                copy.Write(buffer, 0, n);
            }
            return new(copy.ToArray(), null, type, address);
        }
        catch (HttpRequestException e)
        {
            return new(null, (e as RefusedAddressException ?? e.InnerException as RefusedAddressException) is { } r ? r.Message : "fetch failed: " + e.Message, null, null);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(null, "timed out", null, null);
        }
    }

    // Checked on every connection, redirects included: an allowed host may reach any of its addresses.
    private ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct) =>
        PrivateAddressGuard.ConnectAsync(context, _allowed, ct);

    /// <summary>True for an address on the public internet.</summary>
    public static bool IsPublic(IPAddress address) => !PrivateAddressGuard.IsPrivate(address);

    public void Dispose() => _http.Dispose();
}

using System.Net;
using Byline.Outbound;

namespace Byline.Importing;

/// <summary>
/// Fetches media over HTTP only from public addresses: every connection (redirects included) resolves
/// the host itself and connects to an address it has checked, so neither a hostile export nor DNS
/// rebinding can point the importer at the machine itself, the private network or cloud metadata.
/// Refused: everything <see cref="PrivateAddressGuard"/> refuses; the importer allows no host.
/// </summary>
public sealed class PublicAddressGuard : IDisposable
{
    private readonly HttpClient _http;
    private readonly long _maxBytes;

    public PublicAddressGuard(TimeSpan timeout, long maxBytes)
    {
        _maxBytes = maxBytes;
#pragma warning disable CA2000 // the client owns the handler (disposeHandler: true)
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectPublicAsync,
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
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return (null, "not an http(s) address");
        }
        try
        {
            using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"the old site answered {(int)response.StatusCode}");
            }
            if (response.Content.Headers.ContentLength > _maxBytes)
            {
                return (null, $"larger than {_maxBytes:N0} bytes");
            }
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var copy = new MemoryStream();
            var buffer = new byte[81920];
            int n;
            while ((n = await body.ReadAsync(buffer, ct)) > 0)
            {
                if (copy.Length + n > _maxBytes)
                {
                    return (null, $"larger than {_maxBytes:N0} bytes");
                }
                copy.Write(buffer, 0, n);
            }
            return (copy.ToArray(), null);
        }
        catch (HttpRequestException e)
        {
            return (null, (e as RefusedAddressException ?? e.InnerException as RefusedAddressException) is { } r ? r.Message : "fetch failed: " + e.Message);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, "timed out");
        }
    }

    private static ValueTask<Stream> ConnectPublicAsync(SocketsHttpConnectionContext context, CancellationToken ct) =>
        PrivateAddressGuard.ConnectAsync(context, [], ct);

    /// <summary>True for an address on the public internet.</summary>
    public static bool IsPublic(IPAddress address) => !PrivateAddressGuard.IsPrivate(address);

    public void Dispose() => _http.Dispose();
}

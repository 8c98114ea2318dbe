using System.Net;
using System.Net.Sockets;

namespace Byline.Importing;

/// <summary>
/// Fetches media over HTTP only from public addresses: every connection (redirects included) resolves
/// the host itself and connects to an address it has checked, so neither a hostile export nor DNS
/// rebinding can point the importer at the machine itself, the private network or cloud metadata.
/// Refused: loopback, private ranges (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16,
/// fe80::/10), carrier-grade NAT (100.64/10), unspecified, multicast and broadcast addresses — unless
/// an admin named the host in <c>Byline:Importing:AllowedHosts</c> (as <c>Byline:Webhooks:AllowedHosts</c>
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
            return new(null, e.InnerException is RefusedAddressException r ? r.Message : "fetch failed: " + e.Message, null, null);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(null, "timed out", null, null);
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        // Checked on every connection, redirects included: an allowed host may reach any of its addresses.
        var allowed = _allowed.Contains(host.Trim('[', ']')) ? addresses : addresses.Where(IsPublic).ToArray();
        if (allowed.Length == 0)
        {
            throw new RefusedAddressException($"refused: {host} is a private, loopback or link-local address");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>True for an address on the public internet.</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127 ||
                (b[0] == 172 && b[1] >= 16 && b[1] <= 31) ||
                (b[0] == 192 && b[1] == 168) ||
                (b[0] == 169 && b[1] == 254) ||
                (b[0] == 100 && b[1] >= 64 && b[1] <= 127) ||
                b[0] >= 224);
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (b[0] & 0xFE) == 0xFC);
        }
        return false;
    }

    public void Dispose() => _http.Dispose();

    private sealed class RefusedAddressException(string message) : IOException(message);
}

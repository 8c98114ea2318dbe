using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Byline.Outbound;
using Microsoft.Extensions.Options;

namespace Byline.Wire;

public enum FetchStatus
{
    Ok,
    NotModified,
    Failed,
}

#pragma warning disable CA1819 // The body as read, handed once to the parser.
public sealed record FetchResult(FetchStatus Status, byte[]? Bytes = null, string? ETag = null, string? LastModified = null, string? Error = null);
#pragma warning restore CA1819

/// <summary>The user name and password a source's polls send (HTTP Basic).</summary>
public sealed record WireCredentials(string User, string Password);

/// <summary>
/// One conditional GET of a feed: <c>If-None-Match</c>/<c>If-Modified-Since</c> from the last answer, a timeout
/// over the whole exchange, a cap on the body read, and every connection (redirects included) through the
/// <see cref="PrivateAddressGuard"/> with the wire's own allowance (<c>Byline:Wire:AllowedHosts</c>).
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
            if (response.Content.Headers.ContentLength > o.MaxDocumentBytes)
            {
                return Failed($"the feed is larger than {o.MaxDocumentBytes:N0} bytes");
            }
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var copy = new MemoryStream();
            var buffer = new byte[81920];
            int n;
            while ((n = await body.ReadAsync(buffer, timeout.Token)) > 0)
            {
                if (copy.Length + n > o.MaxDocumentBytes)
                {
                    return Failed($"the feed is larger than {o.MaxDocumentBytes:N0} bytes");
                }
                copy.Write(buffer, 0, n);
            }
            return new FetchResult(FetchStatus.Ok, copy.ToArray(), response.Headers.ETag?.ToString(),
                response.Content.Headers.LastModified?.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (HttpRequestException e)
        {
            return Failed((e as RefusedAddressException ?? e.InnerException as RefusedAddressException)?.Message ?? "the fetch failed: " + e.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Failed($"the feed did not answer within {o.FetchTimeout.TotalSeconds:0.#} s");
        }
        catch (IOException e)
        {
            return Failed("the connection failed: " + e.Message);
        }
    }

    private static FetchResult Failed(string error) => new(FetchStatus.Failed, Error: error);
}

using System.Net.Http.Headers;
using AngleSharp.Html.Parser;
using Byline.Content;
using Byline.Outbound;
using Microsoft.Extensions.Options;

namespace Byline.Media;

/// <summary><c>Byline:LinkCards</c>: how the editor's link cards fetch the page a pasted link names.</summary>
public sealed class LinkCardOptions
{
    /// <summary>Hosts (names or literal addresses) the fetch may reach even though they are private; empty in production.</summary>
    public IReadOnlyList<string> AllowedHosts { get; set; } = [];
    /// <summary>The most of a page that is read; its head is all a card needs.</summary>
    public int MaxBytes { get; set; } = 512 * 1024;
    /// <summary>The whole fetch (connect, redirects, body) must end within this.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>How long a card (or a failure) is kept before the page is asked again.</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Fetches the page behind a link pasted into the editor and reads its card (Open Graph title and
/// description, else the page's title and meta description). Through the private-address guard (checked
/// before and again at every connection, redirects included), at most <see cref="LinkCardOptions.MaxBytes"/>
/// read, within <see cref="LinkCardOptions.Timeout"/>, no cookies; answers (and failures) cached by URL.
/// </summary>
public sealed class LinkCards(IHttpClientFactory clients, LinkCardCache cache, IOptionsMonitor<LinkCardOptions> options, ILogger<LinkCards> log)
{
    public const string ClientName = "byline-link-cards";
    private const int MaxTitle = 200;
    private const int MaxDescription = 400;

    public async Task<LinkCardResult> FetchAsync(Uri url, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (cache.TryGet(url.AbsoluteUri, out var cached))
        {
            return cached!;
        }
        var o = options.CurrentValue;
        if (await PrivateAddressGuard.CheckAsync(url, o.AllowedHosts, ct) is { } refused)
        {
            return new LinkCardResult(null, "private-address", refused + " Link cards are fetched from public addresses only.");
        }
        var result = await ReadAsync(url, o, ct);
        cache.Set(url.AbsoluteUri, result, o.CacheFor);
        return result;
    }

    private async Task<LinkCardResult> ReadAsync(Uri url, LinkCardOptions o, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(o.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return new LinkCardResult(null, "unreachable", $"The page answered {(int)response.StatusCode}.");
            }
            if (response.Content.Headers.ContentType?.MediaType is not ("text/html" or "application/xhtml+xml"))
            {
                return new LinkCardResult(null, "not-a-page", "The link is not a web page.");
            }
            var text = await ReadCappedAsync(response.Content, o.MaxBytes, timeout.Token);
            return Read(text, url) is { } card
                ? new LinkCardResult(card, null, null)
                : new LinkCardResult(null, "no-title", "The page has no title to show.");
        }
        catch (HttpRequestException e) when (e is RefusedAddressException || e.InnerException is RefusedAddressException)
        {
            return new LinkCardResult(null, "private-address", "The link leads to a loopback, link-local or private address. Link cards are fetched from public addresses only.");
        }
        catch (HttpRequestException e)
        {
            log.LogInformation("Link card for {Url} not fetched: {Reason}", url, e.Message);
            return new LinkCardResult(null, "unreachable", "The page could not be reached.");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new LinkCardResult(null, "timeout", "The page took too long to answer.");
        }
    }

    // Only the first MaxBytes are read: a card comes from the page's head.
    private static async Task<string> ReadCappedAsync(HttpContent content, int maxBytes, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[maxBytes];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0)
            {
                break;
            }
            read += n;
        }
        return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <summary>The card a page's markup describes, or null when it names no title.</summary>
    public static LinkCard? Read(string html, Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var doc = new HtmlParser().ParseDocument(html ?? "");
        string? Meta(string name) => doc.QuerySelectorAll("meta")
            .FirstOrDefault(m => string.Equals(m.GetAttribute("property") ?? m.GetAttribute("name"), name, StringComparison.OrdinalIgnoreCase))
            ?.GetAttribute("content");
        var title = Clean(Meta("og:title") ?? Meta("twitter:title") ?? doc.QuerySelector("title")?.TextContent, MaxTitle);
        if (title.Length == 0)
        {
            return null;
        }
        var description = Clean(Meta("og:description") ?? Meta("description") ?? Meta("twitter:description"), MaxDescription);
        var site = Clean(Meta("og:site_name"), MaxTitle);
        return new LinkCard(title, description, site.Length > 0 ? site : url.Host);
    }

    private static string Clean(string? text, int max)
    {
        var collapsed = string.Join(' ', (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length <= max ? collapsed : collapsed[..(max - 1)].TrimEnd() + "…";
    }
}

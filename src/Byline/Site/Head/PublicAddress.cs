namespace Byline.Site.Head;

/// <summary>
/// The scheme and host that absolute URLs (canonical links, feeds, sitemaps, structured data) are
/// written with: <c>Byline:PublicBaseUrl</c> when set (behind a CDN or proxy that rewrites the host),
/// otherwise the request's own.
/// </summary>
public sealed class PublicAddress(IConfiguration config)
{
    private readonly string? _configured = Normalise(config["Byline:PublicBaseUrl"]);

    public string BaseFor(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _configured ?? $"{request.Scheme}://{request.Host}";
    }

    public string Absolute(HttpRequest request, string pathAndQuery) => BaseFor(request) + pathAndQuery;

    /// <summary>The host name alone, for ids that must not change with the scheme (tag: URIs).</summary>
    public string HostFor(HttpRequest request) => new Uri(BaseFor(request)).Host;

    private static string? Normalise(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"Byline:PublicBaseUrl must be an absolute http(s) URL, not '{value}'.");
        }
        return uri.GetLeftPart(UriPartial.Authority);
    }
}

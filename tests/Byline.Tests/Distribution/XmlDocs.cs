using System.Globalization;
using System.Net;
using System.Xml.Linq;
using Byline.Tests.Support;

namespace Byline.Tests.Distribution;

/// <summary>Fetching and reading the XML documents the distribution endpoints serve.</summary>
internal static class XmlDocs
{
    public static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    public static readonly XNamespace Sitemap = "http://www.sitemaps.org/schemas/sitemap/0.9";
    public static readonly XNamespace Image = "http://www.google.com/schemas/sitemap-image/1.1";
    public static readonly XNamespace News = "http://www.google.com/schemas/sitemap-news/0.9";
    public static readonly XNamespace Media = "http://search.yahoo.com/mrss/";
    public static readonly XNamespace Content = "http://purl.org/rss/1.0/modules/content/";
    public static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";

    /// <summary>GETs a document that must answer 200 with the given media type, and parses it (a parse error fails the test).</summary>
    public static async Task<XDocument> GetAsync(BylineApp app, string path, string mediaType)
    {
        using var response = await app.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}");
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        return XDocument.Parse(body);
    }

    public static string Required(this XElement parent, XName name)
    {
        var e = parent.Element(name);
        Assert.True(e is not null, $"<{parent.Name.LocalName}> lacks <{name.LocalName}>");
        Assert.False(string.IsNullOrWhiteSpace(e!.Value), $"<{name.LocalName}> in <{parent.Name.LocalName}> is empty");
        return e.Value;
    }

    /// <summary>RFC 822 with a four-digit year and a numeric offset: "Fri, 25 Apr 2025 23:25:55 +0530".</summary>
    public static DateTimeOffset Rfc822(string value)
    {
        Assert.True(DateTimeOffset.TryParseExact(value, "ddd, dd MMM yyyy HH:mm:ss zzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            || DateTimeOffset.TryParseExact(value.Insert(value.Length - 2, ":"), "ddd, dd MMM yyyy HH:mm:ss zzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out parsed),
            $"'{value}' is not an RFC 822 date with a numeric offset");
        return parsed;
    }

    /// <summary>RFC 3339 / W3C datetime with an explicit offset (or Z).</summary>
    public static DateTimeOffset Rfc3339(string value)
    {
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", value);
        return DateTimeOffset.Parse(value, CultureInfo.InvariantCulture);
    }

    /// <summary>Path and query of an absolute URL the document wrote.</summary>
    public static string PathOf(string url)
    {
        Assert.True(Uri.TryCreate(url, UriKind.Absolute, out var uri), $"'{url}' is not an absolute URL");
        return uri!.PathAndQuery;
    }
}

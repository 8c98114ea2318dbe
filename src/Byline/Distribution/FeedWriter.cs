using System.Globalization;
using System.Text;
using System.Xml;
using Byline.Content;
using Byline.Site.Articles;
using Byline.Site.Head;

namespace Byline.Distribution;

/// <summary>Everything one feed document is written from.</summary>
public sealed record FeedDocument(
    FeedSource Source,
    IReadOnlyList<FeedItem> Items,
    string BaseUrl,
    string Host,
    string SelfPath,
    SiteSettings Settings,
    Dateline Dateline,
    string? MediaRoot,
    DateTime NowUtc)
{
    public string Absolute(string path) => BaseUrl + path;

    /// <summary>The newest change among the items: the feed's "updated" and Last-Modified.</summary>
    public DateTime UpdatedUtc => Items.Count == 0 ? NowUtc : Items.Max(i => i.ChangedAt);

    /// <summary>
    /// A tag: URI (RFC 4151) naming the story by its id, which never changes, unlike its URL (a new
    /// slug or section moves the story, and readers must not see it twice).
    /// </summary>
    public string ItemId(int id) => $"tag:{Host},2025:article:{id.ToString(CultureInfo.InvariantCulture)}";

    public string FeedId => $"tag:{Host},2025:feed:{Source.Scope.ToString().ToLowerInvariant()}:{Source.Id.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Writes RSS 2.0 and Atom 1.0 with an async <see cref="XmlWriter"/> straight to the response: the
/// document is never held whole in memory.
/// </summary>
public static class FeedWriter
{
    private const string AtomNs = "http://www.w3.org/2005/Atom";
    private const string ContentNs = "http://purl.org/rss/1.0/modules/content/";
    private const string DcNs = "http://purl.org/dc/elements/1.1/";
    private const string MediaNs = "http://search.yahoo.com/mrss/";
    private const string Generator = "Byline";

    public static XmlWriterSettings Settings { get; } = new()
    {
        Async = true,
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = false,
        CloseOutput = false,
    };

    public static async Task WriteRssAsync(Stream output, FeedDocument feed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(feed);
        await using var x = XmlWriter.Create(output, Settings);
        await x.WriteStartDocumentAsync();
        await x.WriteStartElementAsync(null, "rss", null);
        await x.WriteAttributeStringAsync(null, "version", null, "2.0");
        await x.WriteAttributeStringAsync("xmlns", "atom", null, AtomNs);
        await x.WriteAttributeStringAsync("xmlns", "content", null, ContentNs);
        await x.WriteAttributeStringAsync("xmlns", "dc", null, DcNs);
        await x.WriteAttributeStringAsync("xmlns", "media", null, MediaNs);
        await x.WriteStartElementAsync(null, "channel", null);
        await x.WriteElementStringAsync(null, "title", null, feed.Source.Name);
        await x.WriteElementStringAsync(null, "link", null, feed.Absolute(feed.Source.PagePath));
        await x.WriteElementStringAsync(null, "description", null, NonEmpty(feed.Source.Description, feed.Source.Name));
        await x.WriteElementStringAsync(null, "language", null, feed.Settings.Language.ToLowerInvariant());
        await x.WriteElementStringAsync(null, "copyright", null, feed.Settings.Copyright.Replace("{year}", feed.NowUtc.Year.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        await x.WriteElementStringAsync(null, "lastBuildDate", null, Rfc822(feed.Dateline, feed.UpdatedUtc));
        await x.WriteElementStringAsync(null, "generator", null, Generator);
        await x.WriteElementStringAsync(null, "ttl", null, "5");
        await x.WriteStartElementAsync("atom", "link", AtomNs);
        await x.WriteAttributeStringAsync(null, "href", null, feed.Absolute(feed.SelfPath));
        await x.WriteAttributeStringAsync(null, "rel", null, "self");
        await x.WriteAttributeStringAsync(null, "type", null, "application/rss+xml");
        await x.WriteEndElementAsync();
        foreach (var item in feed.Items)
        {
            ct.ThrowIfCancellationRequested();
            await x.WriteStartElementAsync(null, "item", null);
            await x.WriteElementStringAsync(null, "title", null, item.Headline);
            await x.WriteElementStringAsync(null, "link", null, feed.Absolute(item.Path));
            await x.WriteStartElementAsync(null, "guid", null);
            await x.WriteAttributeStringAsync(null, "isPermaLink", null, "false");
            await x.WriteStringAsync(feed.ItemId(item.Id));
            await x.WriteEndElementAsync();
            await x.WriteElementStringAsync(null, "pubDate", null, Rfc822(feed.Dateline, item.PublishedAt));
            await x.WriteElementStringAsync(null, "description", null, NonEmpty(item.Summary, item.Headline));
            if (item.Body is { } body)
            {
                await x.WriteStartElementAsync("content", "encoded", ContentNs);
                await x.WriteStringAsync(BodyHtml(body));
                await x.WriteEndElementAsync();
            }
            foreach (var author in item.Authors)
            {
                await x.WriteElementStringAsync("dc", "creator", DcNs, author);
            }
            await x.WriteElementStringAsync(null, "category", null, item.SectionName);
            foreach (var tag in item.Tags)
            {
                await x.WriteElementStringAsync(null, "category", null, tag);
            }
            if (item.Image is { } image)
            {
                var (path, width, height, length) = Rendition(feed, image);
                await x.WriteStartElementAsync(null, "enclosure", null);
                await x.WriteAttributeStringAsync(null, "url", null, feed.Absolute(path));
                await x.WriteAttributeStringAsync(null, "length", null, length.ToString(CultureInfo.InvariantCulture));
                await x.WriteAttributeStringAsync(null, "type", null, "image/jpeg");
                await x.WriteEndElementAsync();
                await WriteMediaContentAsync(x, feed, image, path, width, height, length);
            }
            await x.WriteEndElementAsync();
        }
        await x.WriteEndElementAsync();
        await x.WriteEndElementAsync();
        await x.WriteEndDocumentAsync();
        await x.FlushAsync();
    }

    public static async Task WriteAtomAsync(Stream output, FeedDocument feed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(feed);
        await using var x = XmlWriter.Create(output, Settings);
        await x.WriteStartDocumentAsync();
        await x.WriteStartElementAsync(null, "feed", AtomNs);
        await x.WriteAttributeStringAsync("xmlns", "media", null, MediaNs);
        await x.WriteAttributeStringAsync("xml", "lang", null, feed.Settings.Language);
        await x.WriteElementStringAsync(null, "id", AtomNs, feed.FeedId);
        await x.WriteElementStringAsync(null, "title", AtomNs, feed.Source.Name);
        if (!string.IsNullOrWhiteSpace(feed.Source.Description))
        {
            await x.WriteElementStringAsync(null, "subtitle", AtomNs, feed.Source.Description);
        }
        await x.WriteElementStringAsync(null, "updated", AtomNs, feed.Dateline.Iso(feed.UpdatedUtc));
        await WriteLinkAsync(x, "alternate", "text/html", feed.Absolute(feed.Source.PagePath));
        await WriteLinkAsync(x, "self", "application/atom+xml", feed.Absolute(feed.SelfPath));
        // A feed-level author makes every entry valid, even a story with no byline.
        await x.WriteStartElementAsync(null, "author", AtomNs);
        await x.WriteElementStringAsync(null, "name", AtomNs, feed.Settings.PublicationName);
        await x.WriteElementStringAsync(null, "uri", AtomNs, feed.Absolute("/"));
        await x.WriteEndElementAsync();
        await x.WriteElementStringAsync(null, "generator", AtomNs, Generator);
        await x.WriteElementStringAsync(null, "icon", AtomNs, feed.Absolute(DistributionAssets.Icon192));
        await x.WriteElementStringAsync(null, "logo", AtomNs, feed.Absolute(DistributionAssets.Logo));
        await x.WriteElementStringAsync(null, "rights", AtomNs, feed.Settings.Copyright.Replace("{year}", feed.NowUtc.Year.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        foreach (var item in feed.Items)
        {
            ct.ThrowIfCancellationRequested();
            await x.WriteStartElementAsync(null, "entry", AtomNs);
            await x.WriteElementStringAsync(null, "id", AtomNs, feed.ItemId(item.Id));
            await x.WriteElementStringAsync(null, "title", AtomNs, item.Headline);
            await WriteLinkAsync(x, "alternate", "text/html", feed.Absolute(item.Path));
            await x.WriteElementStringAsync(null, "published", AtomNs, feed.Dateline.Iso(item.PublishedAt));
            await x.WriteElementStringAsync(null, "updated", AtomNs, feed.Dateline.Iso(item.ChangedAt));
            foreach (var author in item.Authors)
            {
                await x.WriteStartElementAsync(null, "author", AtomNs);
                await x.WriteElementStringAsync(null, "name", AtomNs, author);
                await x.WriteEndElementAsync();
            }
            await WriteCategoryAsync(x, item.SectionName);
            foreach (var tag in item.Tags)
            {
                await WriteCategoryAsync(x, tag);
            }
            await x.WriteElementStringAsync(null, "summary", AtomNs, NonEmpty(item.Summary, item.Headline));
            if (item.Body is { } body)
            {
                await x.WriteStartElementAsync(null, "content", AtomNs);
                await x.WriteAttributeStringAsync(null, "type", null, "html");
                await x.WriteStringAsync(BodyHtml(body));
                await x.WriteEndElementAsync();
            }
            if (item.Image is { } image)
            {
                var (path, width, height, length) = Rendition(feed, image);
                await x.WriteStartElementAsync(null, "link", AtomNs);
                await x.WriteAttributeStringAsync(null, "rel", null, "enclosure");
                await x.WriteAttributeStringAsync(null, "type", null, "image/jpeg");
                await x.WriteAttributeStringAsync(null, "length", null, length.ToString(CultureInfo.InvariantCulture));
                await x.WriteAttributeStringAsync(null, "href", null, feed.Absolute(path));
                await x.WriteEndElementAsync();
                await WriteMediaContentAsync(x, feed, image, path, width, height, length);
            }
            await x.WriteEndElementAsync();
        }
        await x.WriteEndElementAsync();
        await x.WriteEndDocumentAsync();
        await x.FlushAsync();
    }

    /// <summary>RFC 822 (with a four-digit year, as RSS 2.0 asks) in the publication's zone: "Fri, 25 Apr 2025 23:25:55 +0530".</summary>
    public static string Rfc822(Dateline dateline, DateTime utc)
    {
        ArgumentNullException.ThrowIfNull(dateline);
        var local = dateline.ToLocal(utc);
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return local.ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture)
            + string.Create(CultureInfo.InvariantCulture, $" {sign}{abs.Hours:00}{abs.Minutes:00}");
    }

    private static async Task WriteMediaContentAsync(XmlWriter x, FeedDocument feed, FeedImage image, string path, int width, int height, long length)
    {
        await x.WriteStartElementAsync("media", "content", MediaNs);
        await x.WriteAttributeStringAsync(null, "url", null, feed.Absolute(path));
        await x.WriteAttributeStringAsync(null, "type", null, "image/jpeg");
        await x.WriteAttributeStringAsync(null, "medium", null, "image");
        await x.WriteAttributeStringAsync(null, "width", null, width.ToString(CultureInfo.InvariantCulture));
        await x.WriteAttributeStringAsync(null, "height", null, height.ToString(CultureInfo.InvariantCulture));
        if (length > 0)
        {
            await x.WriteAttributeStringAsync(null, "fileSize", null, length.ToString(CultureInfo.InvariantCulture));
        }
        var description = string.IsNullOrWhiteSpace(image.Caption) ? image.Alt : image.Caption;
        if (!string.IsNullOrWhiteSpace(description))
        {
            await x.WriteStartElementAsync("media", "description", MediaNs);
            await x.WriteAttributeStringAsync(null, "type", null, "plain");
            await x.WriteStringAsync(description);
            await x.WriteEndElementAsync();
        }
        if (!string.IsNullOrWhiteSpace(image.Credit))
        {
            await x.WriteElementStringAsync("media", "credit", MediaNs, image.Credit);
        }
        await x.WriteEndElementAsync();
    }

    private static async Task WriteLinkAsync(XmlWriter x, string rel, string type, string href)
    {
        await x.WriteStartElementAsync(null, "link", AtomNs);
        await x.WriteAttributeStringAsync(null, "rel", null, rel);
        await x.WriteAttributeStringAsync(null, "type", null, type);
        await x.WriteAttributeStringAsync(null, "href", null, href);
        await x.WriteEndElementAsync();
    }

    private static async Task WriteCategoryAsync(XmlWriter x, string term)
    {
        await x.WriteStartElementAsync(null, "category", AtomNs);
        await x.WriteAttributeStringAsync(null, "term", null, term);
        await x.WriteEndElementAsync();
    }

    /// <summary>The rendition a feed points at and its size in bytes (0 when the file is not on this node's disk, as the RSS profile advises).</summary>
    private static (string Path, int Width, int Height, long Length) Rendition(FeedDocument feed, FeedImage image)
    {
        var height = image.Width > 0 ? (int)Math.Round(image.Height * (double)image.RenditionWidth / image.Width) : image.Height;
        // Asking a remote store for every item's size would cost a request each; the profile allows 0.
        var file = feed.MediaRoot is null ? null : new FileInfo(MediaPaths.File(feed.MediaRoot, image.Key, image.RenditionWidth, "jpg"));
        return (MediaPaths.Url(image.Key, image.RenditionWidth, "jpg"), image.RenditionWidth, height, file is { Exists: true } ? file.Length : 0);
    }

    private static string BodyHtml(IReadOnlyList<BodyBlock> body) => string.Concat(body.Select(ArticleBody.Html));

    private static string NonEmpty(string value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value;
}

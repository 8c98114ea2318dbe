namespace Byline.Site.Head;

/// <summary>An alternate feed of a page, linked from its head.</summary>
public sealed record FeedLink(string Title, string RssPath, string AtomPath)
{
    public static FeedLink For(string title, string pagePath)
    {
        var (rss, atom) = PathsFor(pagePath);
        return new FeedLink(title, rss, atom);
    }

    /// <summary>The feed paths for an HTML page's path ("/" → "/rss.xml", "/world" → "/world/rss.xml"), as Distribution's feed routes serve them.</summary>
    public static (string Rss, string Atom) PathsFor(string pagePath) =>
        pagePath == "/" ? ("/rss.xml", "/atom.xml") : (pagePath + "/rss.xml", pagePath + "/atom.xml");
}

/// <summary>The article-only social card fields (Open Graph's article namespace).</summary>
public sealed record ArticleCard(string PublishedTime, string ModifiedTime, string Section, IReadOnlyList<string> Tags);

/// <summary>
/// What a page hands the layout for its head beyond title, description and canonical URL: feeds,
/// structured data and the social card. Page models fill it; Distribution/_HeadTags renders it.
/// </summary>
public sealed class PageHead
{
    public IList<FeedLink> Feeds { get; } = [];

    /// <summary>JSON-LD documents, already serialised by <see cref="StructuredData"/> (script-safe).</summary>
    public IList<string> StructuredData { get; } = [];

    public string OgType { get; set; } = "website";

    /// <summary>The social card picture; the site icon when a page has none.</summary>
    public ImageRendition? Image { get; set; }

    public string? ImageAlt { get; set; }

    public ArticleCard? Article { get; set; }
}

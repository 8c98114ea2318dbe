using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Byline.Content;

namespace Byline.Importing;

/// <summary>What a converted body needs from the rest of the import: which host is the old site, and the imported pictures.</summary>
public interface IBodyContext
{
    /// <summary>True for an absolute address on the old site (any of its hosts, http or https).</summary>
    bool IsOldSite(Uri uri);

    /// <summary>The new address of an old upload (<c>2019/04/photo-300x200.jpg</c>), or null when it was not imported.</summary>
    ImportedPicture? Picture(string uploadPath);

    /// <summary>The picture imported for an attachment id (galleries name their pictures by id).</summary>
    ImportedPicture? Attachment(string attachmentId);

    /// <summary>
    /// The key of an old upload's address, or null when the address is not an upload: WordPress's
    /// path below <c>wp-content/uploads/</c> unless the source stores its pictures elsewhere (Ghost).
    /// </summary>
    string? UploadPath(Uri uri) => WordPressBody.UploadPath(uri);
}

/// <summary>
/// A picture written to the media store: its new address (the largest rendition), the <c>srcset</c> of
/// every rendition (empty when there is only one) and what the reader needs to see it.
/// </summary>
public sealed record ImportedPicture(int ImageId, string Url, string Alt, string Caption, string SrcSet = "")
{
    /// <summary>The width a body picture takes on the reader's page: the text column, or the whole narrow screen.</summary>
    public const string BodySizes = "(min-width: 760px) 720px, 100vw";

    /// <summary>How a body shows a picture from the media store: its largest rendition, and the others beside it.</summary>
    public static ImportedPicture Of(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var widths = MediaPaths.ParseWidths(image.Widths);
        return new ImportedPicture(image.Id, MediaPaths.Url(image.Key, widths.Length == 0 ? 0 : widths.Max(), "jpg"), image.Alt, image.Caption,
            widths.Length > 1 ? MediaPaths.SrcSet(image.Key, image.Widths, "jpg") : "");
    }

    /// <summary>The <c>srcset</c> and <c>sizes</c> attributes of an <c>img</c> (with a leading space), or nothing.</summary>
    public string SrcSetAttributes() =>
        SrcSet.Length == 0 ? "" : $" srcset=\"{System.Net.WebUtility.HtmlEncode(SrcSet)}\" sizes=\"{BodySizes}\"";
}

/// <summary>A body ready for Byline: the Markdown source (sanitised HTML blocks), the old addresses it links to, and what was lost.</summary>
public sealed record ConvertedBody(string Markdown, IReadOnlyList<string> OldLinks, IReadOnlyList<string> Losses)
{
    /// <summary>The pictures of the body's galleries (<c>[gallery]</c> or a Gutenberg gallery), in order.</summary>
    public IReadOnlyList<Slide> Gallery { get; init; } = [];

    /// <summary>The body without its gallery pictures: what a photo story made of it keeps as its text.</summary>
    public string Intro { get; init; } = "";
}

/// <summary>
/// Turns a WordPress post body — classic HTML with <c>wpautop</c> paragraphs, Gutenberg block comments,
/// <c>[caption]</c>, <c>[embed]</c>, <c>[gallery]</c> and other shortcodes — into Byline's body: each
/// top-level block one HTML block of the Markdown source, which <see cref="BodyDocument.Render"/> then
/// sanitises into the stored blocks exactly as a newsroom save would. Links to the old site become its
/// old paths (the redirect table answers them, and the import rewrites them to the new addresses once
/// they are known); pictures from the old uploads point at their imported renditions.
/// </summary>
public static partial class WordPressBody
{
    private static readonly HtmlParser Parser = new();

    /// <summary>Elements that stand as blocks of their own; anything else is inline text gathered into paragraphs.</summary>
    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "P", "H1", "H2", "H3", "H4", "H5", "H6", "BLOCKQUOTE", "UL", "OL", "DL", "TABLE", "PRE", "HR", "FIGURE", "IMG",
        "DIV", "SECTION", "ARTICLE", "ASIDE", "HEADER", "FOOTER", "MAIN", "NAV", "IFRAME", "VIDEO", "AUDIO", "OBJECT", "EMBED",
        "SCRIPT", "STYLE", "FORM", "NOSCRIPT", "BYLINE-EMBED", "CENTER", "ADDRESS", "DETAILS",
    };

    /// <summary>Shortcodes WordPress itself or common plugins register; any other bracketed word is text.</summary>
    private static readonly HashSet<string> KnownShortcodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "caption", "wp_caption", "embed", "gallery", "video", "audio", "playlist", "contact-form-7", "contact-form", "wpforms",
        "youtube", "vimeo", "tweet", "instagram", "soundcloud", "googlemaps", "pullquote", "button", "columns", "column",
    };

    [GeneratedRegex(@"<!--\s*wp:(?<name>(?:core-embed/[\w-]+)|(?:core/)?embed)\s+(?<attrs>\{.*?\})\s*-->(?<inner>.*?)<!--\s*/wp:\k<name>\s*-->", RegexOptions.Singleline | RegexOptions.CultureInvariant, 2000)]
    private static partial Regex GutenbergEmbed();

    [GeneratedRegex(@"<!--\s*wp:(?<name>[a-z][\w/-]*)(?<attrs>\s+\{.*?\})?\s*/-->", RegexOptions.Singleline | RegexOptions.CultureInvariant, 2000)]
    private static partial Regex GutenbergDynamic();

    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline | RegexOptions.CultureInvariant, 2000)]
    private static partial Regex Comment();

    [GeneratedRegex(@"\[(?<close>/)?(?<name>[a-zA-Z][\w-]*)(?<attrs>(?:\s[^\]]*)?)\]", RegexOptions.CultureInvariant, 2000)]
    private static partial Regex Shortcode();

    [GeneratedRegex(@"(?<name>[\w-]+)\s*=\s*(?:""(?<v>[^""]*)""|'(?<v>[^']*)'|(?<v>[^\s""']+))", RegexOptions.CultureInvariant, 2000)]
    private static partial Regex Attribute();

    [GeneratedRegex(@"-\d{1,5}x\d{1,5}(?=\.[A-Za-z0-9]{2,5}$)", RegexOptions.CultureInvariant)]
    private static partial Regex SizeSuffix();

    [GeneratedRegex(@"\n[ \t]*\n+", RegexOptions.CultureInvariant)]
    private static partial Regex BlankLines();

    public static ConvertedBody Convert(string html, IBodyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var losses = new List<string>();
        var oldLinks = new List<string>();
        var text = (html ?? "").Replace("\r\n", "\n", StringComparison.Ordinal);
        try
        {
            text = Gutenberg(text, losses);
            text = Shortcodes(text, context, losses);
        }
        catch (RegexMatchTimeoutException)
        {
            losses.Add("body too tangled to read its blocks and shortcodes; imported as plain HTML");
        }
        var document = Parser.ParseDocument("<!DOCTYPE html><html><body>" + text + "</body></html>");
        var chunks = new List<string>();
        var paragraph = new StringBuilder();
        Walk(document.Body!, chunks, paragraph, context, oldLinks, losses);
        FlushParagraph(chunks, paragraph);
        var gallery = new List<Slide>();
        var intro = new List<string>();
        for (var i = 0; i < chunks.Count; i++)
        {
            if (!chunks[i].Contains(GalleryMark, StringComparison.Ordinal))
            {
                intro.Add(chunks[i]);
                continue;
            }
            var figure = Parser.ParseFragment(chunks[i], document.Body!).OfType<IElement>().FirstOrDefault(x => x.HasAttribute(GalleryMark));
            if (figure is not null && int.TryParse(figure.GetAttribute(GalleryMark), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var imageId))
            {
                figure.RemoveAttribute(GalleryMark);
                var caption = figure.QuerySelector("figcaption")?.TextContent.Trim() ?? "";
                gallery.Add(new Slide(imageId, Text: WordPressMapping.Clip(caption, 1000), Alt: WordPressMapping.Clip(figure.QuerySelector("img")?.GetAttribute("alt") ?? "", 300)));
                chunks[i] = Html(figure.OuterHtml);
            }
        }
        return new ConvertedBody(string.Join("\n\n", chunks), oldLinks.Distinct(StringComparer.Ordinal).ToList(), losses.Distinct(StringComparer.Ordinal).ToList())
        {
            Gallery = gallery,
            Intro = string.Join("\n\n", intro),
        };
    }

    /// <summary>Pictures a gallery needs before its post is imported as a photo story.</summary>
    public const int PhotoStoryMinPictures = 3;

    /// <summary>Words of text beside the gallery past which the post is an article that holds a gallery.</summary>
    public const int PhotoStoryMaxWords = 300;

    /// <summary>
    /// Whether a post is a gallery with a few words around it (then a photo story: its pictures the slides,
    /// the words its introduction) rather than an article with pictures in it.
    /// </summary>
    public static bool IsPhotoStory(ConvertedBody body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return body.Gallery.Count >= PhotoStoryMinPictures && body.Gallery.Count <= Publishing.FormatRules.MaxSlides
            && BodyDocument.CountWords(body.Intro) <= PhotoStoryMaxWords;
    }

    /// <summary>Gutenberg's embed blocks become a URL on a line of its own (Byline's embed); other block comments go.</summary>
    private static string Gutenberg(string text, List<string> losses)
    {
        if (!text.Contains("<!-- wp:", StringComparison.Ordinal) && !text.Contains("<!--wp:", StringComparison.Ordinal))
        {
            return Comment().Replace(text, "");
        }
        text = GutenbergEmbed().Replace(text, m =>
        {
            var url = "";
            try
            {
                using var attrs = JsonDocument.Parse(m.Groups["attrs"].Value);
                url = attrs.RootElement.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() ?? "" : "";
            }
            catch (JsonException)
            {
                // The URL is also the wrapper's text; the walk finds it there.
            }
            return url.Length > 0 ? EmbedMarker(url) : m.Groups["inner"].Value;
        });
        text = GutenbergDynamic().Replace(text, m =>
        {
            // Self-closing blocks are rendered by PHP at view time (latest posts, archives, widgets): nothing to carry over.
            losses.Add($"dynamic block wp:{m.Groups["name"].Value} dropped (rendered by WordPress at view time)");
            return "";
        });
        return Comment().Replace(text, "");
    }

    private static string EmbedMarker(string url) => $"\n\n<byline-embed data-url=\"{System.Net.WebUtility.HtmlEncode(url.Trim())}\"></byline-embed>\n\n";

    private static string Shortcodes(string text, IBodyContext context, List<string> losses)
    {
        if (!text.Contains('[', StringComparison.Ordinal))
        {
            return text;
        }
        var sb = new StringBuilder(text.Length);
        var at = 0;
        foreach (Match m in Shortcode().Matches(text))
        {
            if (m.Index < at)
            {
                continue;
            }
            var name = m.Groups["name"].Value;
            var closing = m.Groups["close"].Success;
            var attrs = m.Groups["attrs"].Value;
            var closeTag = $"[/{name}]";
            var closeAt = closing ? -1 : text.IndexOf(closeTag, m.Index + m.Length, StringComparison.OrdinalIgnoreCase);
            if (!KnownShortcodes.Contains(name) && closeAt < 0 && !closing && !attrs.Contains('=', StringComparison.Ordinal))
            {
                // "[sic]", "[1]": bracketed text, not a shortcode.
                continue;
            }
            sb.Append(text, at, m.Index - at);
            at = m.Index + m.Length;
            if (closing)
            {
                continue;
            }
            var inner = "";
            if (closeAt >= 0)
            {
                inner = text[(m.Index + m.Length)..closeAt];
                at = closeAt + closeTag.Length;
            }
            var a = Attribute().Matches(attrs).ToDictionary(x => x.Groups["name"].Value.ToLowerInvariant(), x => x.Groups["v"].Value, StringComparer.Ordinal);
            switch (name.ToLowerInvariant())
            {
                case "caption" or "wp_caption":
                    sb.Append(Caption(inner, a));
                    break;
                case "embed" or "youtube" or "vimeo" or "tweet" or "instagram":
                    var url = (inner.Length > 0 ? inner : a.GetValueOrDefault("url") ?? a.GetValueOrDefault("src") ?? "").Trim();
                    if (Uri.TryCreate(url, UriKind.Absolute, out _))
                    {
                        sb.Append(EmbedMarker(url));
                    }
                    else
                    {
                        losses.Add($"[{name}] without an address dropped");
                    }
                    break;
                case "gallery":
                    sb.Append(Gallery(a, context, losses));
                    break;
                case "video" or "audio":
                    var src = a.GetValueOrDefault("src") ?? a.GetValueOrDefault("mp4") ?? a.GetValueOrDefault("mp3") ?? inner.Trim();
                    losses.Add($"[{name}] kept as a link (Byline does not play media files from a body)");
                    if (Uri.TryCreate(src, UriKind.Absolute, out _))
                    {
                        sb.Append("\n\n<p><a href=\"" + System.Net.WebUtility.HtmlEncode(src) + "\">" + System.Net.WebUtility.HtmlEncode(src) + "</a></p>\n\n");
                    }
                    break;
                default:
                    losses.Add($"unknown shortcode [{name}] removed, its text kept");
                    sb.Append(inner);
                    break;
            }
        }
        sb.Append(text, at, text.Length - at);
        return sb.ToString();
    }

    private static string Caption(string inner, Dictionary<string, string> attrs)
    {
        // [caption]<a><img></a> The caption text[/caption]: the picture first, the rest is the caption.
        var document = Parser.ParseDocument("<!DOCTYPE html><html><body>" + inner + "</body></html>");
        var img = document.QuerySelector("img");
        if (img is null)
        {
            return inner;
        }
        var picture = img.Closest("a") ?? img;
        var pictureHtml = picture.OuterHtml;
        picture.Remove();
        var caption = (document.Body?.InnerHtml ?? "").Trim();
        if (caption.Length == 0 && attrs.TryGetValue("caption", out var c))
        {
            caption = System.Net.WebUtility.HtmlEncode(c);
        }
        return $"\n\n<figure>{pictureHtml}{(caption.Length > 0 ? $"<figcaption>{caption}</figcaption>" : "")}</figure>\n\n";
    }

    private static string Gallery(Dictionary<string, string> attrs, IBodyContext context, List<string> losses)
    {
        var ids = (attrs.GetValueOrDefault("ids") ?? attrs.GetValueOrDefault("include") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length == 0)
        {
            losses.Add("[gallery] of the post's own attachments (no ids) dropped");
            return "";
        }
        var sb = new StringBuilder("\n\n");
        foreach (var id in ids)
        {
            if (context.Attachment(id) is { } p)
            {
                sb.Append(Figure(p)).Append("\n\n");
            }
            else
            {
                losses.Add($"[gallery] picture {id} missing (not imported)");
            }
        }
        return sb.ToString();
    }

    /// <summary>Marks a gallery's picture while the body is walked; taken off again before the body is kept.</summary>
    private const string GalleryMark = "data-byline-gallery";

    private static string Figure(ImportedPicture p) =>
        $"<figure {GalleryMark}=\"{p.ImageId.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"><img src=\"{System.Net.WebUtility.HtmlEncode(p.Url)}\"{p.SrcSetAttributes()} alt=\"{System.Net.WebUtility.HtmlEncode(p.Alt)}\" loading=\"lazy\">" +
        (p.Caption.Length > 0 ? $"<figcaption>{System.Net.WebUtility.HtmlEncode(p.Caption)}</figcaption>" : "") + "</figure>";

    private static void Walk(INode parent, List<string> chunks, StringBuilder paragraph, IBodyContext context, List<string> oldLinks, List<string> losses)
    {
        foreach (var node in parent.ChildNodes.ToArray())
        {
            if (node is IText t)
            {
                AppendText(t.Data, chunks, paragraph);
                continue;
            }
            if (node is not IElement e)
            {
                continue;
            }
            if (!Blocks.Contains(e.TagName))
            {
                Rewrite(e, context, oldLinks, losses);
                paragraph.Append(e.OuterHtml);
                continue;
            }
            FlushParagraph(chunks, paragraph);
            switch (e.TagName.ToUpperInvariant())
            {
                case "DIV" or "SECTION" or "ARTICLE" or "ASIDE" or "HEADER" or "FOOTER" or "MAIN" or "CENTER" or "NAV":
                    // Layout wrappers (wp-block-group, columns, page builders): their contents are the blocks.
                    Walk(e, chunks, paragraph, context, oldLinks, losses);
                    FlushParagraph(chunks, paragraph);
                    break;
                case "BYLINE-EMBED":
                    chunks.Add("<" + (e.GetAttribute("data-url") ?? "") + ">");
                    break;
                case "IFRAME" or "EMBED" or "OBJECT" or "VIDEO" or "AUDIO":
                    var src = e.GetAttribute("src") ?? e.QuerySelector("source")?.GetAttribute("src") ?? "";
                    if (PlayerUrl(src) is { } watch)
                    {
                        chunks.Add("<" + watch + ">");
                    }
                    else
                    {
                        losses.Add($"<{e.TagName.ToLowerInvariant()}> dropped{(src.Length > 0 ? " (" + src + ")" : "")}");
                    }
                    break;
                case "SCRIPT" or "STYLE" or "FORM" or "NOSCRIPT":
                    losses.Add($"<{e.TagName.ToLowerInvariant()}> dropped");
                    break;
                case "IMG":
                    Rewrite(e, context, oldLinks, losses);
                    chunks.Add(Html("<figure>" + e.OuterHtml + "</figure>"));
                    break;
                case "FIGURE" when e.QuerySelectorAll("figure").Length > 0:
                    // A Gutenberg gallery: a figure of figures, each picture a block of its own.
                    foreach (var inner in e.QuerySelectorAll("figure").ToArray())
                    {
                        if (inner.QuerySelector("img")?.GetAttribute("src") is { } pictured && Uri.TryCreate(pictured, UriKind.Absolute, out var at)
                            && context.IsOldSite(at) && context.UploadPath(at) is { } upload && context.Picture(upload) is { } known)
                        {
                            inner.SetAttribute(GalleryMark, known.ImageId.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        }
                        Rewrite(inner, context, oldLinks, losses);
                        chunks.Add(Html(inner.OuterHtml));
                    }
                    break;
                case "FIGURE" when e.QuerySelector("iframe") is { } frame && PlayerUrl(frame.GetAttribute("src") ?? "") is { } player:
                    chunks.Add("<" + player + ">");
                    break;
                case "FIGURE" when e.QuerySelector("img") is null && e.TextContent.Trim() is var url && Uri.TryCreate(url, UriKind.Absolute, out _) && !url.Contains(' ', StringComparison.Ordinal):
                    // An embed block whose comment was lost: the wrapper holds the URL alone.
                    chunks.Add("<" + url + ">");
                    break;
                case "H1":
                    // The page's one h1 is the headline.
                    Rewrite(e, context, oldLinks, losses);
                    chunks.Add(Html("<h2>" + e.InnerHtml + "</h2>"));
                    break;
                default:
                    Rewrite(e, context, oldLinks, losses);
                    if (e.TextContent.Trim().Length > 0 || e.QuerySelector("img") is not null || e.TagName == "HR")
                    {
                        chunks.Add(Html(e.OuterHtml));
                    }
                    break;
            }
        }
    }

    /// <summary>wpautop: in classic bodies a blank line separates paragraphs and a single newline is a line break.</summary>
    private static void AppendText(string data, List<string> chunks, StringBuilder paragraph)
    {
        var parts = BlankLines().Split(data);
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                FlushParagraph(chunks, paragraph);
            }
            paragraph.Append(System.Net.WebUtility.HtmlEncode(parts[i]));
        }
    }

    private static void FlushParagraph(List<string> chunks, StringBuilder paragraph)
    {
        var html = paragraph.ToString().Trim();
        paragraph.Clear();
        if (html.Length == 0)
        {
            return;
        }
        chunks.Add(Html("<p>" + html.Replace("\n", "<br>\n", StringComparison.Ordinal) + "</p>"));
    }

    /// <summary>One HTML block of the Markdown source: a blank line would end it early, so none stays inside.</summary>
    private static string Html(string html) => BlankLines().Replace(html.Trim(), "\n");

    /// <summary>Links to the old site become its old paths; pictures from its uploads become their imported renditions.</summary>
    private static void Rewrite(IElement root, IBodyContext context, List<string> oldLinks, List<string> losses)
    {
        IEnumerable<IElement> Self(string tag) => root.TagName.Equals(tag, StringComparison.OrdinalIgnoreCase) ? [root] : [];
        foreach (var a in Self("A").Concat(root.QuerySelectorAll("a[href]")).ToArray())
        {
            var href = a.GetAttribute("href");
            if (href is null || !Uri.TryCreate(href, UriKind.Absolute, out var uri) || !context.IsOldSite(uri))
            {
                continue;
            }
            if (context.UploadPath(uri) is { } upload)
            {
                if (context.Picture(upload) is { } p)
                {
                    a.SetAttribute("href", p.Url);
                }
                continue;
            }
            if (Redirects.RedirectPaths.Normalise(uri.PathAndQuery) is { } key)
            {
                a.SetAttribute("href", key);
                oldLinks.Add(key);
            }
            else
            {
                a.SetAttribute("href", "/");
            }
        }
        foreach (var img in Self("IMG").Concat(root.QuerySelectorAll("img")).ToArray())
        {
            if ((img.GetAttribute("src") ?? "").StartsWith("/media/", StringComparison.Ordinal))
            {
                // Already one of ours (a gallery's picture): its srcset names this site's renditions.
                continue;
            }
            img.RemoveAttribute("srcset");
            img.RemoveAttribute("sizes");
            img.RemoveAttribute("class");
            img.RemoveAttribute("style");
            var src = img.GetAttribute("src") ?? "";
            if (!Uri.TryCreate(src, UriKind.Absolute, out var uri) || !context.IsOldSite(uri) || context.UploadPath(uri) is not { } upload)
            {
                continue;
            }
            if (context.Picture(upload) is { } p)
            {
                // The old srcset named the old site's sizes; the new one names this picture's renditions.
                img.SetAttribute("src", p.Url);
                if (p.SrcSet.Length > 0)
                {
                    img.SetAttribute("srcset", p.SrcSet);
                    img.SetAttribute("sizes", ImportedPicture.BodySizes);
                }
                img.SetAttribute("loading", "lazy");
                if (string.IsNullOrEmpty(img.GetAttribute("alt")) && p.Alt.Length > 0)
                {
                    img.SetAttribute("alt", p.Alt);
                }
            }
            else
            {
                losses.Add($"picture not imported, still pointing at the old site: {upload}");
            }
        }
    }

    /// <summary>The path below <c>wp-content/uploads/</c> with WordPress's size suffix (<c>-300x200</c>) taken off.</summary>
    public static string? UploadPath(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        const string Marker = "/wp-content/uploads/";
        var path = Uri.UnescapeDataString(uri.AbsolutePath);
        var at = path.IndexOf(Marker, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }
        return SizeSuffix().Replace(path[(at + Marker.Length)..], "");
    }

    /// <summary>The watch address of a YouTube or Vimeo player frame, which Byline's embeds take.</summary>
    private static string? PlayerUrl(string src)
    {
        if (!Uri.TryCreate(src.StartsWith("//", StringComparison.Ordinal) ? "https:" + src : src, UriKind.Absolute, out var uri))
        {
            return null;
        }
        var host = uri.Host.ToLowerInvariant();
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if ((host.EndsWith("youtube.com", StringComparison.Ordinal) || host.EndsWith("youtube-nocookie.com", StringComparison.Ordinal)) && segments is ["embed", var id])
        {
            return "https://www.youtube.com/watch?v=" + Uri.EscapeDataString(id);
        }
        if (host == "player.vimeo.com" && segments is ["video", var vid])
        {
            return "https://vimeo.com/" + Uri.EscapeDataString(vid);
        }
        return null;
    }
}

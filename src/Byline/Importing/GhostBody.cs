using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Byline.Importing;

/// <summary>
/// Ghost's stored bodies — Lexical JSON (Ghost 5), mobiledoc JSON (Ghost 1–4) — rendered to plain HTML
/// that the shared body converter (<see cref="WordPressBody.Convert"/>) then splits into Byline's blocks
/// and sanitises. Cards Byline has no block for (buttons, sign-up forms, products, paywall markers)
/// become their text or go, and each is named in the losses.
/// </summary>
public static class GhostBody
{
    /// <summary>The HTML of a post: from Lexical if present, else mobiledoc, else Ghost's rendered html.</summary>
    public static string Html(string? lexical, string? mobiledoc, string? html, ICollection<string> losses)
    {
        ArgumentNullException.ThrowIfNull(losses);
        try
        {
            if (!string.IsNullOrWhiteSpace(lexical))
            {
                using var doc = JsonDocument.Parse(lexical);
                var sb = new StringBuilder();
                if (doc.RootElement.TryGetProperty("root", out var root))
                {
                    Children(root, sb, losses);
                }
                return sb.ToString();
            }
            if (!string.IsNullOrWhiteSpace(mobiledoc))
            {
                using var doc = JsonDocument.Parse(mobiledoc);
                return Mobiledoc(doc.RootElement, losses);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException)
        {
            losses.Add("the body's Lexical/mobiledoc JSON could not be read; Ghost's rendered HTML was used");
        }
        return html ?? "";
    }

    private static string Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";

    private static string Enc(string s) => WebUtility.HtmlEncode(s);

    // ---- Lexical --------------------------------------------------------------------------------

    private static void Children(JsonElement node, StringBuilder sb, ICollection<string> losses)
    {
        if (node.TryGetProperty("children", out var children) && children.ValueKind == JsonValueKind.Array)
        {
            foreach (var child in children.EnumerateArray())
            {
                Node(child, sb, losses);
            }
        }
    }

    private static void Node(JsonElement n, StringBuilder sb, ICollection<string> losses)
    {
        var type = Text(n, "type");
        switch (type)
        {
            case "paragraph":
                sb.Append("<p>");
                Children(n, sb, losses);
                sb.Append("</p>\n");
                break;
            case "heading" or "extended-heading":
                var tag = Text(n, "tag") is { Length: 2 } t && t[0] == 'h' && t[1] is >= '1' and <= '6' ? t : "h2";
                sb.Append('<').Append(tag).Append('>');
                Children(n, sb, losses);
                sb.Append("</").Append(tag).Append(">\n");
                break;
            case "quote" or "extended-quote" or "aside":
                sb.Append("<blockquote>");
                Children(n, sb, losses);
                sb.Append("</blockquote>\n");
                break;
            case "list":
                var list = Text(n, "listType") == "number" ? "ol" : "ul";
                sb.Append('<').Append(list).Append('>');
                Children(n, sb, losses);
                sb.Append("</").Append(list).Append(">\n");
                break;
            case "listitem":
                sb.Append("<li>");
                Children(n, sb, losses);
                sb.Append("</li>");
                break;
            case "link" or "autolink":
                sb.Append("<a href=\"").Append(Enc(Text(n, "url"))).Append("\">");
                Children(n, sb, losses);
                sb.Append("</a>");
                break;
            case "text" or "extended-text":
                Formatted(n, sb);
                break;
            case "linebreak":
                sb.Append("<br>");
                break;
            case "tab":
                sb.Append(' ');
                break;
            case "horizontalrule":
                sb.Append("<hr>\n");
                break;
            case "image":
                Figure(sb, Text(n, "src"), Text(n, "alt"), Text(n, "caption"), Text(n, "href"));
                break;
            case "gallery":
                if (n.TryGetProperty("images", out var images) && images.ValueKind == JsonValueKind.Array)
                {
                    foreach (var image in images.EnumerateArray())
                    {
                        Figure(sb, Text(image, "src"), Text(image, "alt"), Text(image, "caption"), "");
                    }
                }
                break;
            case "embed":
                Embed(sb, Text(n, "url"), Text(n, "html"), losses);
                break;
            case "bookmark":
                var url = Text(n, "url");
                var title = n.TryGetProperty("metadata", out var meta) ? Text(meta, "title") : "";
                sb.Append("<p><a href=\"").Append(Enc(url)).Append("\">").Append(Enc(title.Length > 0 ? title : url)).Append("</a></p>\n");
                break;
            case "html":
                sb.Append('\n').Append(Text(n, "html")).Append('\n');
                break;
            case "markdown":
                sb.Append('\n').Append(Markdig.Markdown.ToHtml(Text(n, "markdown"))).Append('\n');
                break;
            case "codeblock":
                sb.Append("<pre><code>").Append(Enc(Text(n, "code"))).Append("</code></pre>\n");
                break;
            case "callout":
                sb.Append("<blockquote>").Append(Text(n, "calloutText")).Append("</blockquote>\n");
                break;
            case "toggle":
                sb.Append("<h3>").Append(Text(n, "heading")).Append("</h3>\n<p>").Append(Text(n, "content")).Append("</p>\n");
                break;
            case "button":
                sb.Append("<p><a href=\"").Append(Enc(Text(n, "buttonUrl"))).Append("\">").Append(Enc(Text(n, "buttonText"))).Append("</a></p>\n");
                losses.Add("button card kept as a link");
                break;
            case "video" or "audio" or "file":
                var src = Text(n, "src");
                losses.Add($"{type} card kept as a link (Byline does not play media files from a body)");
                sb.Append("<p><a href=\"").Append(Enc(src)).Append("\">").Append(Enc(Text(n, "fileName") is { Length: > 0 } f ? f : src)).Append("</a></p>\n");
                break;
            case "paywall":
                losses.Add("members-only marker (paywall card) dropped");
                break;
            case "":
                break;
            default:
                losses.Add($"{type} card dropped (Byline has no block for it)");
                break;
        }
    }

    private static void Formatted(JsonElement n, StringBuilder sb)
    {
        var format = n.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetInt32() : 0;
        // Lexical's text format bits, outermost first.
        (int Bit, string Tag)[] marks = [(1, "strong"), (2, "em"), (4, "s"), (8, "u"), (16, "code"), (32, "sub"), (64, "sup")];
        foreach (var (bit, tag) in marks)
        {
            if ((format & bit) != 0)
            {
                sb.Append('<').Append(tag).Append('>');
            }
        }
        sb.Append(Enc(Text(n, "text")));
        foreach (var (bit, tag) in marks.Reverse())
        {
            if ((format & bit) != 0)
            {
                sb.Append("</").Append(tag).Append('>');
            }
        }
    }

    private static void Figure(StringBuilder sb, string src, string alt, string caption, string href)
    {
        if (src.Length == 0)
        {
            return;
        }
        var img = $"<img src=\"{Enc(src)}\" alt=\"{Enc(alt)}\">";
        // Ghost stores captions as HTML.
        sb.Append("<figure>").Append(href.Length > 0 ? $"<a href=\"{Enc(href)}\">{img}</a>" : img)
            .Append(caption.Length > 0 ? $"<figcaption>{caption}</figcaption>" : "").Append("</figure>\n");
    }

    private static void Embed(StringBuilder sb, string url, string html, ICollection<string> losses)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            // Byline's own embed, which plays privacy-respecting or shows a link card.
            sb.Append("<byline-embed data-url=\"").Append(Enc(url)).Append("\"></byline-embed>\n");
        }
        else if (html.Length > 0)
        {
            sb.Append('\n').Append(html).Append('\n');
        }
        else
        {
            losses.Add("embed card without an address dropped");
        }
    }

    // ---- mobiledoc ------------------------------------------------------------------------------

    private static string Mobiledoc(JsonElement doc, ICollection<string> losses)
    {
        var markups = doc.TryGetProperty("markups", out var m) ? m.EnumerateArray().ToList() : [];
        var atoms = doc.TryGetProperty("atoms", out var a) ? a.EnumerateArray().ToList() : [];
        var cards = doc.TryGetProperty("cards", out var c) ? c.EnumerateArray().ToList() : [];
        var sb = new StringBuilder();
        if (!doc.TryGetProperty("sections", out var sections))
        {
            return "";
        }
        foreach (var section in sections.EnumerateArray())
        {
            var kind = section[0].GetInt32();
            switch (kind)
            {
                case 1:
                    var tag = (section[1].GetString() ?? "p").ToLowerInvariant();
                    tag = tag is "p" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "blockquote" ? tag : tag == "aside" ? "blockquote" : "p";
                    sb.Append('<').Append(tag).Append('>');
                    Markers(section[2], markups, atoms, sb);
                    sb.Append("</").Append(tag).Append(">\n");
                    break;
                case 3:
                    var list = section[1].GetString() == "ol" ? "ol" : "ul";
                    sb.Append('<').Append(list).Append('>');
                    foreach (var item in section[2].EnumerateArray())
                    {
                        sb.Append("<li>");
                        Markers(item, markups, atoms, sb);
                        sb.Append("</li>");
                    }
                    sb.Append("</").Append(list).Append(">\n");
                    break;
                case 10:
                    var card = cards[section[1].GetInt32()];
                    MobiledocCard(card[0].GetString() ?? "", card.GetArrayLength() > 1 ? card[1] : default, sb, losses);
                    break;
                default:
                    break;
            }
        }
        return sb.ToString();
    }

    private static void Markers(JsonElement markers, List<JsonElement> markups, List<JsonElement> atoms, StringBuilder sb)
    {
        var open = new Stack<string>();
        foreach (var marker in markers.EnumerateArray())
        {
            foreach (var index in marker[1].EnumerateArray())
            {
                var markup = markups[index.GetInt32()];
                var tag = (markup[0].GetString() ?? "span").ToLowerInvariant();
                tag = tag is "a" or "b" or "strong" or "i" or "em" or "u" or "s" or "code" or "sub" or "sup" ? tag : "span";
                sb.Append('<').Append(tag);
                if (tag == "a" && markup.GetArrayLength() > 1)
                {
                    var attrs = markup[1].EnumerateArray().Select(x => x.GetString() ?? "").ToList();
                    var at = attrs.IndexOf("href");
                    if (at >= 0 && at + 1 < attrs.Count)
                    {
                        sb.Append(" href=\"").Append(Enc(attrs[at + 1])).Append('"');
                    }
                }
                sb.Append('>');
                open.Push(tag);
            }
            if (marker[0].GetInt32() == 1)
            {
                var atom = atoms[marker[3].GetInt32()];
                sb.Append(atom[0].GetString() == "soft-return" ? "<br>" : Enc(atom[1].GetString() ?? ""));
            }
            else
            {
                sb.Append(Enc(marker[3].GetString() ?? ""));
            }
            for (var i = marker[2].GetInt32(); i > 0 && open.Count > 0; i--)
            {
                sb.Append("</").Append(open.Pop()).Append('>');
            }
        }
        while (open.Count > 0)
        {
            sb.Append("</").Append(open.Pop()).Append('>');
        }
    }

    private static void MobiledocCard(string name, JsonElement payload, StringBuilder sb, ICollection<string> losses)
    {
        switch (name)
        {
            case "image":
                Figure(sb, Text(payload, "src"), Text(payload, "alt"), Text(payload, "caption"), Text(payload, "href"));
                break;
            case "gallery":
                if (payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("images", out var images))
                {
                    foreach (var image in images.EnumerateArray())
                    {
                        Figure(sb, Text(image, "src"), Text(image, "alt"), Text(image, "caption"), "");
                    }
                }
                break;
            case "html":
                sb.Append('\n').Append(Text(payload, "html")).Append('\n');
                break;
            case "markdown" or "card-markdown":
                sb.Append('\n').Append(Markdig.Markdown.ToHtml(Text(payload, "markdown"))).Append('\n');
                break;
            case "embed":
                Embed(sb, Text(payload, "url"), Text(payload, "html"), losses);
                break;
            case "hr":
                sb.Append("<hr>\n");
                break;
            case "code":
                sb.Append("<pre><code>").Append(Enc(Text(payload, "code"))).Append("</code></pre>\n");
                break;
            case "bookmark":
                var url = Text(payload, "url");
                sb.Append("<p><a href=\"").Append(Enc(url)).Append("\">").Append(Enc(url)).Append("</a></p>\n");
                break;
            case "paywall":
                losses.Add("members-only marker (paywall card) dropped");
                break;
            default:
                losses.Add(string.Create(CultureInfo.InvariantCulture, $"{name} card dropped (Byline has no block for it)"));
                break;
        }
    }
}

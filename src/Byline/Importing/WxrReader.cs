using System.Globalization;
using System.Text;
using System.Xml;

namespace Byline.Importing;

/// <summary>The export's site: where its old addresses live.</summary>
public sealed record WxrSite(string Title, string Link, string BaseSiteUrl, string BaseBlogUrl);

/// <summary>A <c>wp:author</c>: the login the posts name in <c>dc:creator</c>, and the display name.</summary>
public sealed record WxrAuthor(string Id, string Login, string DisplayName, string FirstName, string LastName);

/// <summary>A category or tag (<c>wp:category</c>, <c>wp:tag</c>); <see cref="Parent"/> is the parent category's slug.</summary>
public sealed record WxrTerm(bool IsCategory, string Id, string Slug, string Name, string Parent, string Description);

/// <summary>A term named by an item: <c>&lt;category domain="post_tag" nicename="x"&gt;X&lt;/category&gt;</c>.</summary>
public sealed record WxrItemTerm(string Domain, string Slug, string Name);

/// <summary>One <c>item</c>: a post, page, attachment or anything else the site stored as a post.</summary>
public sealed record WxrItem(
    string Id, string Title, string Link, string GuidText, string Type, string Status, string Name,
    string Date, string DateGmt, string ModifiedGmt, string Creator, string Content, string Excerpt,
    string Parent, string AttachmentUrl, string Password, IReadOnlyList<WxrItemTerm> Terms, IReadOnlyDictionary<string, string> Meta,
    int Comments, long Line)
{
    public string? MetaValue(string key) => Meta.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v : null;
}

/// <summary>Why an export cannot be read, with the line it stopped at; the import writes nothing from a file that fails the first pass.</summary>
public sealed class WxrException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads a WordPress export (WXR) as a stream: one element at a time, so a file of any size takes the
/// memory of its largest item. Document type definitions are refused and nothing outside the file is
/// ever resolved (no entity expansion, no XXE); an ill-formed, truncated or wrongly encoded file stops
/// with the line where it went wrong.
/// </summary>
public static class WxrReader
{
    private const string ContentNs = "http://purl.org/rss/1.0/modules/content/";
    private const string DcNs = "http://purl.org/dc/elements/1.1/";

    static WxrReader()
    {
        // Old exports declare windows-1252 or ISO-8859-x; the code-page encodings are not on by default.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public static XmlReaderSettings Settings => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CheckCharacters = true,
        CloseInput = false,
    };

    /// <summary>The export's parts in file order: <see cref="WxrSite"/> once the channel header is read, then authors, terms and items.</summary>
    public static IEnumerable<object> Read(Stream stream, int maxItemChars)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = XmlReader.Create(stream, Settings);
        var info = (IXmlLineInfo)reader;
        var enumerator = ReadParts(reader, maxItemChars).GetEnumerator();
        try
        {
            while (true)
            {
                object part;
                try
                {
                    if (!enumerator.MoveNext())
                    {
                        yield break;
                    }
                    part = enumerator.Current;
                }
                catch (XmlException e)
                {
                    throw new WxrException(Describe(e), e);
                }
                catch (DecoderFallbackException e)
                {
                    throw new WxrException($"the file is not in the encoding it declares (line {info.LineNumber}): {e.Message}", e);
                }
                catch (ArgumentException e) when (e.Message.Contains("encoding", StringComparison.OrdinalIgnoreCase))
                {
                    throw new WxrException($"the file declares an encoding this system cannot read: {e.Message}", e);
                }
                yield return part;
            }
        }
        finally
        {
            enumerator.Dispose();
        }
    }

    private static string Describe(XmlException e)
    {
        if (e.Message.Contains("DTD", StringComparison.Ordinal))
        {
            return $"the file carries a document type definition (line {e.LineNumber}), which an export never has; refused (entity expansion and external entities are never read)";
        }
        if (e.Message.Contains("Unexpected end of file", StringComparison.OrdinalIgnoreCase))
        {
            return $"the file ends in the middle of the export (line {e.LineNumber}): it is truncated";
        }
        if (e.Message.Contains("encoding", StringComparison.OrdinalIgnoreCase))
        {
            return $"the file is not in the encoding it declares (line {e.LineNumber}, position {e.LinePosition})";
        }
        return $"the file is not well-formed XML: {e.Message}";
    }

    private static IEnumerable<object> ReadParts(XmlReader reader, int maxItemChars)
    {
        if (!reader.ReadToFollowing("rss"))
        {
            throw new WxrException("the file is not a WordPress export: it has no <rss> element");
        }
        if (!reader.ReadToDescendant("channel"))
        {
            throw new WxrException("the file is not a WordPress export: it has no <channel> element");
        }
        string title = "", link = "", baseSite = "", baseBlog = "";
        var siteSent = false;
        var sawWxr = false;
        reader.Read();
        while (!reader.EOF)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }
            var wp = IsWp(reader);
            var local = reader.LocalName;
            if (!siteSent && (local is "item" or "author" or "category" or "tag" or "term") && (local == "item" || wp))
            {
                if (!sawWxr)
                {
                    throw new WxrException("the file is an RSS feed, not a WordPress export: it has no <wp:wxr_version>");
                }
                siteSent = true;
                yield return new WxrSite(title, link, baseSite.Length > 0 ? baseSite : link, baseBlog.Length > 0 ? baseBlog : link);
            }
            switch (local)
            {
                case "title" when !wp && !siteSent:
                    title = reader.ReadElementContentAsString();
                    break;
                case "link" when !wp && !siteSent:
                    link = reader.ReadElementContentAsString().Trim();
                    break;
                case "wxr_version" when wp:
                    sawWxr = true;
                    reader.Skip();
                    break;
                case "base_site_url" when wp:
                    baseSite = reader.ReadElementContentAsString().Trim();
                    break;
                case "base_blog_url" when wp:
                    baseBlog = reader.ReadElementContentAsString().Trim();
                    break;
                case "author" when wp:
                    yield return ReadAuthor(reader);
                    break;
                case "category" when wp:
                    yield return ReadTerm(reader, isCategory: true);
                    break;
                case "tag" when wp:
                    yield return ReadTerm(reader, isCategory: false);
                    break;
                case "item":
                    yield return ReadItem(reader, maxItemChars);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (!siteSent)
        {
            if (!sawWxr)
            {
                throw new WxrException("the file is an RSS feed, not a WordPress export: it has no <wp:wxr_version>");
            }
            yield return new WxrSite(title, link, baseSite.Length > 0 ? baseSite : link, baseBlog.Length > 0 ? baseBlog : link);
        }
    }

    private static bool IsWp(XmlReader reader) =>
        reader.NamespaceURI.StartsWith("http://wordpress.org/export/", StringComparison.Ordinal);

    /// <summary>The children of the current element as name → text (the last of a repeated name wins).</summary>
    private static Dictionary<string, string> Children(XmlReader reader)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return values;
        }
        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF && reader.Depth > depth)
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                values[reader.LocalName] = reader.ReadElementContentAsString();
            }
            else
            {
                reader.Read();
            }
        }
        reader.Read();
        return values;
    }

    private static WxrAuthor ReadAuthor(XmlReader reader)
    {
        var v = Children(reader);
        return new WxrAuthor(Get(v, "author_id"), Get(v, "author_login").Trim(), Get(v, "author_display_name").Trim(),
            Get(v, "author_first_name").Trim(), Get(v, "author_last_name").Trim());
    }

    private static WxrTerm ReadTerm(XmlReader reader, bool isCategory)
    {
        var v = Children(reader);
        return isCategory
            ? new WxrTerm(true, Get(v, "term_id"), Get(v, "category_nicename").Trim(), Get(v, "cat_name").Trim(), Get(v, "category_parent").Trim(), Get(v, "category_description"))
            : new WxrTerm(false, Get(v, "term_id"), Get(v, "tag_slug").Trim(), Get(v, "tag_name").Trim(), "", Get(v, "tag_description"));
    }

    private static WxrItem ReadItem(XmlReader reader, int maxItemChars)
    {
        var line = ((IXmlLineInfo)reader).LineNumber;
        var v = new Dictionary<string, string>(StringComparer.Ordinal);
        var terms = new List<WxrItemTerm>();
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        var comments = 0;
        string content = "", excerpt = "", creator = "";
        if (reader.IsEmptyElement)
        {
            reader.Read();
        }
        else
        {
            var depth = reader.Depth;
            reader.Read();
            while (!reader.EOF && reader.Depth > depth)
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    reader.Read();
                    continue;
                }
                var local = reader.LocalName;
                var ns = reader.NamespaceURI;
                if (local == "encoded" && ns == ContentNs)
                {
                    content = ReadLimited(reader, maxItemChars);
                }
                else if (local == "encoded")
                {
                    excerpt = ReadLimited(reader, maxItemChars);
                }
                else if (local == "creator" && ns == DcNs)
                {
                    creator = reader.ReadElementContentAsString().Trim();
                }
                else if (local == "category" && ns.Length == 0)
                {
                    var domain = reader.GetAttribute("domain") ?? "";
                    var nicename = reader.GetAttribute("nicename") ?? "";
                    terms.Add(new WxrItemTerm(domain, nicename.Trim(), reader.ReadElementContentAsString().Trim()));
                }
                else if (local == "postmeta" && IsWp(reader))
                {
                    var m = Children(reader);
                    if (m.TryGetValue("meta_key", out var key) && key.Length > 0)
                    {
                        meta[key] = m.GetValueOrDefault("meta_value") ?? "";
                    }
                }
                else if (local == "comment" && IsWp(reader))
                {
                    comments++;
                    reader.Skip();
                }
                else if (reader.IsEmptyElement)
                {
                    v[local] = "";
                    reader.Read();
                }
                else if (local is "title" or "link" or "guid" || IsWp(reader))
                {
                    v[local] = reader.ReadElementContentAsString();
                }
                else
                {
                    reader.Skip();
                }
            }
            reader.Read();
        }
        return new WxrItem(Get(v, "post_id").Trim(), Get(v, "title").Trim(), Get(v, "link").Trim(), Get(v, "guid").Trim(),
            Get(v, "post_type").Trim(), Get(v, "status").Trim(), Get(v, "post_name").Trim(),
            Get(v, "post_date").Trim(), Get(v, "post_date_gmt").Trim(), Get(v, "post_modified_gmt").Trim(), creator,
            content, excerpt, Get(v, "post_parent").Trim(), Get(v, "attachment_url").Trim(), Get(v, "post_password"), terms, meta, comments, line);
    }

    /// <summary>
    /// An element's text, but never more than <paramref name="max"/> characters held: past it the rest is
    /// read and dropped and the text ends with <see cref="Overlong"/>, so a 100 MB body costs no memory.
    /// </summary>
    private static string ReadLimited(XmlReader reader, int max)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return "";
        }
        var sb = new StringBuilder();
        var buffer = new char[16 * 1024];
        var depth = reader.Depth;
        var overlong = false;
        reader.Read();
        while (!reader.EOF && reader.Depth > depth)
        {
            if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace)
            {
                // In chunks: reading Value would hold the whole text node however long it is.
                int n;
                while ((n = reader.ReadValueChunk(buffer, 0, buffer.Length)) > 0)
                {
                    if (!overlong && sb.Length + n > max)
                    {
                        overlong = true;
                    }
                    if (!overlong)
                    {
                        sb.Append(buffer, 0, n);
                    }
                }
            }
            reader.Read();
        }
        reader.Read();
        return overlong ? Overlong : sb.ToString();
    }

    /// <summary>Stands for a body longer than the limit; the importer reports the item instead of cutting it.</summary>
    public const string Overlong = "\u0000overlong";

    private static string Get(Dictionary<string, string> v, string key) => v.TryGetValue(key, out var s) ? s : "";

    /// <summary>WordPress dates ("2024-03-01 09:30:00"), GMT; null for the zero date of drafts.</summary>
    public static DateTime? ParseDate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.StartsWith("0000", StringComparison.Ordinal))
        {
            return null;
        }
        return DateTime.TryParseExact(text.Trim(), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d) ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : null;
    }
}

using System.Xml;
using System.Xml.Linq;
using Byline.Storage;

namespace Byline.Wire;

/// <summary>RSS 2.0 (<c>guid</c>, else <c>link</c>, is the id) and Atom 1.0 (<c>id</c>). Neither carries versions.</summary>
internal static class RssAtomParser
{
    public static WireDocument Parse(byte[] bytes, int maxItemBytes)
    {
        XDocument doc;
        try
        {
            doc = WireXml.Load(bytes);
        }
        catch (XmlException e)
        {
            return WireDocument.Failed(WireXml.Why(e), bytes);
        }
        var root = doc.Root!;
        IEnumerable<XElement> entries = root.Name.LocalName switch
        {
            "rss" => root.Child("channel")?.Children("item") ?? [],
            "RDF" => root.Children("item"),
            "feed" => root.Children("entry"),
            _ => [],
        };
        if (root.Name.LocalName is not ("rss" or "RDF" or "feed"))
        {
            return WireDocument.Failed($"the document is <{root.Name.LocalName}>, not an RSS or Atom feed", bytes);
        }
        var items = new List<ParsedItem>();
        var refused = new List<Refusal>();
        foreach (var entry in entries)
        {
            var atom = root.Name.LocalName == "feed";
            var id = atom ? entry.Child("id").Text() : Blank(entry.Child("guid").Text()) ?? entry.Child("link").Text();
            var excerpt = WireDocument.Excerpt(entry.ToString(SaveOptions.DisableFormatting));
            if (id.Length == 0)
            {
                refused.Add(new Refusal("the item has no id (guid, link or atom:id)", excerpt));
                continue;
            }
            var headline = entry.Child("title").Text();
            if (headline.Length == 0)
            {
                refused.Add(new Refusal("the item has no headline", excerpt, id));
                continue;
            }
            var body = atom
                ? Blank(entry.Child("content").Text()) ?? entry.Child("summary").Text()
                : Blank(entry.Child("encoded").Text()) ?? entry.Child("description").Text();
            var pictures = atom
                ? entry.Children("link").Where(l => l.Attr("rel") == "enclosure" && (l.Attr("type") ?? "").StartsWith("image/", StringComparison.Ordinal)).Select(l => l.Attr("href") ?? "")
                : entry.Children("enclosure").Where(l => (l.Attr("type") ?? "").StartsWith("image/", StringComparison.Ordinal)).Select(l => l.Attr("url") ?? "")
                    .Concat(entry.Children("content").Where(c => c.Name.NamespaceName.Contains("mrss", StringComparison.Ordinal) && c.Attr("medium") is null or "image").Select(c => c.Attr("url") ?? ""));
            var subjects = atom
                ? entry.Children("category").Select(c => c.Attr("label") ?? c.Attr("term") ?? "")
                : entry.Children("category").Select(c => c.Text()).Concat(entry.Children("subject").Select(c => c.Text()));
            var item = new ParsedItem
            {
                AgencyId = id,
                Headline = headline,
                BodyHtml = body,
                Subjects = [.. subjects.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal)],
                Pictures = [.. pictures.Where(p => p.Length > 0).Distinct(StringComparer.Ordinal)],
                SentAt = WireXml.Time(atom ? entry.Child("updated").Text() : entry.Child("pubDate").Text()),
            };
            if (WireParser.Check(item, maxItemBytes) is { } why)
            {
                refused.Add(new Refusal(why, excerpt, id));
                continue;
            }
            items.Add(item);
        }
        return new WireDocument(items, refused);
    }

    private static string? Blank(string s) => s.Length == 0 ? null : s;
}

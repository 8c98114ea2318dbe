using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Byline.Storage;

namespace Byline.Wire;

/// <summary>
/// IPTC NewsML-G2: a <c>newsItem</c> (or a <c>newsMessage</c> with several) — <c>@guid</c>, <c>@version</c>,
/// <c>itemMeta/pubStatus</c> (stat:canceled is a kill, stat:withheld a withdrawal), <c>itemMeta/signal</c>
/// (sig:correction), <c>itemMeta/embargoed</c>, <c>contentMeta</c> urgency, subjects, headline and dateline,
/// the XHTML body of <c>contentSet/inlineXML</c>, and pictures linked from <c>itemMeta/link</c> or
/// <c>contentSet/remoteContent</c> with an image content type.
/// </summary>
internal static class NewsMlParser
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
        if (root.Name.LocalName is not ("newsItem" or "newsMessage"))
        {
            return WireDocument.Failed($"the document is <{root.Name.LocalName}>, not a NewsML-G2 newsItem or newsMessage", bytes);
        }
        var entries = root.Name.LocalName == "newsItem" ? [root] : root.Descendants().Where(e => e.Name.LocalName == "newsItem").ToList();
        var items = new List<ParsedItem>();
        var refused = new List<Refusal>();
        foreach (var entry in entries)
        {
            var excerpt = WireDocument.Excerpt(entry.ToString(SaveOptions.DisableFormatting));
            var id = entry.Attr("guid") ?? "";
            if (id.Length == 0)
            {
                refused.Add(new Refusal("the newsItem has no guid", excerpt));
                continue;
            }
            var versionText = entry.Attr("version");
            int? version = null;
            if (versionText is not null)
            {
                if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < 1)
                {
                    refused.Add(new Refusal($"the version \"{Short(versionText)}\" is not a positive whole number", excerpt, id));
                    continue;
                }
                version = v;
            }
            var meta = entry.Child("itemMeta");
            var content = entry.Child("contentMeta");
            var set = entry.Child("contentSet");
            var headline = content?.Child("headline").Text() ?? "";
            if (headline.Length == 0)
            {
                refused.Add(new Refusal("the newsItem has no headline", excerpt, id));
                continue;
            }
            int? urgency = null;
            if (content?.Child("urgency") is { } u)
            {
                if (!int.TryParse(u.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    refused.Add(new Refusal("the urgency is not a number", excerpt, id));
                    continue;
                }
                urgency = n;
            }
            var status = meta?.Child("pubStatus").Attr("qcode") ?? "";
            var signals = meta?.Children("signal").Select(s => s.Attr("qcode") ?? "").ToList() ?? [];
            var signal = status.EndsWith("canceled", StringComparison.OrdinalIgnoreCase) ? WireSignal.Kill
                : status.EndsWith("withheld", StringComparison.OrdinalIgnoreCase) ? WireSignal.Withdraw
                : signals.Any(s => s.EndsWith("correction", StringComparison.OrdinalIgnoreCase)) ? WireSignal.Correction
                : WireSignal.None;
            var inline = set?.Child("inlineXML");
            var body = inline?.Descendants().FirstOrDefault(e => e.Name.LocalName == "body") is { } b ? WireXml.InnerHtml(b)
                : inline is not null ? WireXml.InnerHtml(inline)
                : set?.Child("inlineData").Text() ?? "";
            var pictures = (meta?.Children("link") ?? []).Concat(set?.Children("remoteContent") ?? [])
                .Where(l => (l.Attr("contenttype") ?? "").StartsWith("image/", StringComparison.Ordinal))
                .Select(l => l.Attr("href") ?? "").Where(h => h.Length > 0).Distinct(StringComparer.Ordinal);
            var item = new ParsedItem
            {
                AgencyId = id,
                Version = version,
                Urgency = urgency,
                Subjects = [.. (content?.Children("subject") ?? []).Select(s => s.Child("name").Text() is { Length: > 0 } name ? name : s.Attr("qcode") ?? "")
                    .Where(s => s.Length > 0).Distinct(StringComparer.Ordinal)],
                Dateline = content?.Child("dateline").Text() ?? "",
                Headline = headline,
                BodyHtml = body,
                Pictures = [.. pictures],
                EmbargoUntil = WireXml.Time(meta?.Child("embargoed").Text()),
                Signal = signal,
                SentAt = WireXml.Time(meta?.Child("versionCreated").Text()),
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

    private static string Short(string s) => s.Length <= 40 ? s : s[..40];
}

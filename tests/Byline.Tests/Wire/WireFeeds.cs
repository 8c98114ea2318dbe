using System.Globalization;
using System.Security;
using System.Text;
using System.Text.Json;

namespace Byline.Tests.Wire;

/// <summary>One generated agency item.</summary>
#pragma warning disable CA1819 // Test data: subjects as written.
public sealed record WireCopy(string Id, string Headline, string Body, int Version = 1, int? Urgency = null, string[]? Subjects = null,
    DateTime? Embargo = null, string? PubStatus = null, string? Picture = null, string Dateline = "");
#pragma warning restore CA1819

/// <summary>Generates RSS, ninjs and NewsML-G2 documents from <see cref="WireCopy"/> items, and prose to fill them.</summary>
public static class WireFeeds
{
    private static readonly string[] Vocabulary =
    [
        "minister", "budget", "parliament", "farmers", "monsoon", "court", "river", "election", "railway", "port", "exports", "tariff",
        "hospital", "vaccine", "cricket", "captain", "stadium", "police", "protest", "bridge", "metro", "airline", "fuel", "prices",
        "students", "exam", "village", "flood", "relief", "governor", "coalition", "senate", "market", "shares", "rupee", "inflation",
    ];

    /// <summary>A paragraph of made-up news prose, the same for the same seed.</summary>
    public static string Prose(int seed, int words = 120)
    {
        var random = new Random(seed);
        var sb = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            sb.Append(Vocabulary[random.Next(Vocabulary.Length)]).Append(i % 15 == 14 ? ". " : " ");
        }
        return sb.ToString().Trim();
    }

    public static string Rss(params WireCopy[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\"><channel><title>Agency</title>");
        foreach (var i in items)
        {
            sb.Append("<item><guid isPermaLink=\"false\">").Append(X(i.Id)).Append("</guid><title>").Append(X(i.Headline)).Append("</title><description>")
                .Append(X("<p>" + i.Body + "</p>")).Append("</description>");
            foreach (var s in i.Subjects ?? [])
            {
                sb.Append("<category>").Append(X(s)).Append("</category>");
            }
            if (i.Picture is not null)
            {
                sb.Append("<enclosure url=\"").Append(X(i.Picture)).Append("\" type=\"image/jpeg\" length=\"1000\"/>");
            }
            sb.Append("</item>");
        }
        return sb.Append("</channel></rss>").ToString();
    }

    public static string Ninjs(params WireCopy[] items) => JsonSerializer.Serialize(new { items = items.Select(NinjsItem) });

    public static object NinjsItem(WireCopy i)
    {
        ArgumentNullException.ThrowIfNull(i);
        var item = new Dictionary<string, object?>
        {
            ["uri"] = i.Id,
            ["version"] = i.Version.ToString(CultureInfo.InvariantCulture),
            ["headlines"] = new[] { new { value = i.Headline } },
            ["bodies"] = new[] { new { contenttype = "text/html", value = "<p>" + i.Body + "</p>" } },
            ["pubstatus"] = i.PubStatus ?? "usable",
            ["located"] = i.Dateline,
        };
        if (i.Urgency is { } u)
        {
            item["urgency"] = u;
        }
        if (i.Subjects is { } s)
        {
            item["subjects"] = s.Select(x => new { name = x });
        }
        if (i.Embargo is { } e)
        {
            item["embargoed"] = e.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        }
        if (i.Picture is { } p)
        {
            item["associations"] = new[] { new { name = "featureimage", type = "picture", renditions = new[] { new { href = p } } } };
        }
        return item;
    }

    public static string NewsMl(params WireCopy[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><newsMessage xmlns=\"http://iptc.org/std/nar/2006-10-01/\"><itemSet>");
        foreach (var i in items)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<newsItem guid=\"{X(i.Id)}\" version=\"{i.Version}\" standard=\"NewsML-G2\" standardversion=\"2.29\">")
                .Append("<itemMeta><itemClass qcode=\"ninat:text\"/>")
                .Append(CultureInfo.InvariantCulture, $"<pubStatus qcode=\"stat:{i.PubStatus ?? "usable"}\"/>");
            if (i.Embargo is { } e)
            {
                sb.Append("<embargoed>").Append(e.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append("</embargoed>");
            }
            if (i.Picture is { } p)
            {
                sb.Append("<link rel=\"irel:seeAlso\" contenttype=\"image/jpeg\" href=\"").Append(X(p)).Append("\"/>");
            }
            sb.Append("</itemMeta><contentMeta>");
            if (i.Urgency is { } u)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<urgency>{u}</urgency>");
            }
            foreach (var s in i.Subjects ?? [])
            {
                sb.Append("<subject type=\"cpnat:abstract\"><name>").Append(X(s)).Append("</name></subject>");
            }
            sb.Append("<headline>").Append(X(i.Headline)).Append("</headline><dateline>").Append(X(i.Dateline)).Append("</dateline></contentMeta>")
                .Append("<contentSet><inlineXML contenttype=\"application/xhtml+xml\"><html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>")
                .Append(X(i.Body)).Append("</p></body></html></inlineXML></contentSet></newsItem>");
        }
        return sb.Append("</itemSet></newsMessage>").ToString();
    }

    private static string X(string s) => SecurityElement.Escape(s) ?? "";
}

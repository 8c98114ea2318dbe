using System.Globalization;
using System.Text.Json;
using Byline.Storage;

namespace Byline.Wire;

/// <summary>
/// IPTC ninjs, 2.x and the 1.x names beside them: <c>uri</c> (the id), <c>version</c>, <c>urgency</c>,
/// <c>headlines[0].value</c> or <c>headline</c>, <c>bodies[0].value</c> or <c>body_html</c>, <c>subjects</c>
/// or <c>subject</c> (names), <c>located</c> or <c>dateline</c>, <c>embargoed</c>, <c>versioncreated</c>,
/// <c>pubstatus</c> (canceled is a kill, withheld a withdrawal), <c>signals</c> (correction), and picture
/// associations (their <c>uri</c> or first rendition's <c>href</c>). A document is one item, an array, or
/// <c>{"items": [...]}</c>.
/// </summary>
internal static class NinjsParser
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32, CommentHandling = JsonCommentHandling.Skip };

    public static WireDocument Parse(byte[] bytes, int maxItemBytes)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, Options);
        }
        catch (JsonException e)
        {
            return WireDocument.Failed("the document is not valid JSON: " + e.Message, bytes);
        }
        using (doc)
        {
            var root = doc.RootElement;
            IEnumerable<JsonElement> entries = root.ValueKind switch
            {
                JsonValueKind.Array => root.EnumerateArray(),
                JsonValueKind.Object when root.TryGetProperty("items", out var list) && list.ValueKind == JsonValueKind.Array => list.EnumerateArray(),
                JsonValueKind.Object => [root],
                _ => [],
            };
            if (root.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object))
            {
                return WireDocument.Failed("the document is not a ninjs item or a list of them", bytes);
            }
            var items = new List<ParsedItem>();
            var refused = new List<Refusal>();
            foreach (var entry in entries)
            {
                var excerpt = WireDocument.Excerpt(entry.GetRawText());
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    refused.Add(new Refusal("the entry is not a JSON object", excerpt));
                    continue;
                }
                var id = String(entry, "uri") ?? String(entry, "guid") ?? "";
                if (id.Length == 0)
                {
                    refused.Add(new Refusal("the item has no uri", excerpt));
                    continue;
                }
                try
                {
                    var item = Read(entry, id);
                    if (WireParser.Check(item, maxItemBytes) is { } why)
                    {
                        refused.Add(new Refusal(why, excerpt, id));
                        continue;
                    }
                    items.Add(item);
                }
                catch (FormatException e)
                {
                    refused.Add(new Refusal(e.Message, excerpt, id));
                }
            }
            return new WireDocument(items, refused);
        }
    }

    private static ParsedItem Read(JsonElement e, string id)
    {
        var headline = First(e, "headlines") ?? String(e, "headline") ?? "";
        if (headline.Trim().Length == 0)
        {
            throw new FormatException("the item has no headline");
        }
        int? version = null;
        if (e.TryGetProperty("version", out var v) && v.ValueKind != JsonValueKind.Null)
        {
            var text = v.ValueKind == JsonValueKind.Number ? v.GetRawText() : v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
            version = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
                ? n : throw new FormatException("the version is not a positive whole number");
        }
        int? urgency = null;
        if (e.TryGetProperty("urgency", out var u) && u.ValueKind != JsonValueKind.Null)
        {
            urgency = u.ValueKind == JsonValueKind.Number && u.TryGetInt32(out var n) ? n : throw new FormatException("the urgency is not a number");
        }
        var status = String(e, "pubstatus") ?? "";
        var signals = e.TryGetProperty("signals", out var s) && s.ValueKind == JsonValueKind.Array
            ? [.. s.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : String(x, "name") ?? String(x, "uri") ?? "")]
            : new List<string>();
        var signal = status.Equals("canceled", StringComparison.OrdinalIgnoreCase) || signals.Any(x => x.EndsWith("kill", StringComparison.OrdinalIgnoreCase)) ? WireSignal.Kill
            : status.Equals("withheld", StringComparison.OrdinalIgnoreCase) || signals.Any(x => x.EndsWith("withdraw", StringComparison.OrdinalIgnoreCase)) ? WireSignal.Withdraw
            : signals.Any(x => x.EndsWith("correction", StringComparison.OrdinalIgnoreCase)) ? WireSignal.Correction
            : WireSignal.None;
        return new ParsedItem
        {
            AgencyId = id,
            Version = version,
            Urgency = urgency,
            Subjects = [.. Names(e, "subjects").Concat(Names(e, "subject")).Distinct(StringComparer.Ordinal)],
            Dateline = String(e, "located") ?? String(e, "dateline") ?? "",
            Headline = headline.Trim(),
            BodyHtml = First(e, "bodies") ?? String(e, "body_html") ?? String(e, "body_text") ?? "",
            Pictures = [.. Pictures(e)],
            EmbargoUntil = Time(e, "embargoed"),
            Signal = signal,
            SentAt = Time(e, "versioncreated"),
        };
    }

    private static string? String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    /// <summary>ninjs 2.x lists headlines and bodies as objects with a <c>value</c>.</summary>
    private static string? First(JsonElement e, string name) =>
        e.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0 ? String(list[0], "value") : null;

    private static IEnumerable<string> Names(JsonElement e, string name) =>
        e.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : String(x, "name") ?? String(x, "code") ?? "").Where(x => x.Length > 0)
            : [];

    private static DateTime? Time(JsonElement e, string name)
    {
        var text = String(e, name);
        if (text is null)
        {
            return null;
        }
        return WireXml.Time(text) ?? throw new FormatException($"\"{name}\" is not a date and time");
    }

    private static IEnumerable<string> Pictures(JsonElement e)
    {
        if (!e.TryGetProperty("associations", out var a))
        {
            yield break;
        }
        var entries = a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().ToList()
            : a.ValueKind == JsonValueKind.Object ? [.. a.EnumerateObject().Select(p => p.Value)] : [];
        foreach (var x in entries.Where(x => x.ValueKind == JsonValueKind.Object && String(x, "type") is "picture" or "image"))
        {
            var href = x.TryGetProperty("renditions", out var r) ? Rendition(r) : null;
            if ((href ?? String(x, "uri")) is { Length: > 0 } url && (url.StartsWith("http://", StringComparison.Ordinal) || url.StartsWith("https://", StringComparison.Ordinal)))
            {
                yield return url;
            }
        }
    }

    private static string? Rendition(JsonElement r) => r.ValueKind switch
    {
        JsonValueKind.Array => r.EnumerateArray().Select(x => String(x, "href")).FirstOrDefault(h => h is not null),
        JsonValueKind.Object => r.EnumerateObject().Select(p => String(p.Value, "href")).FirstOrDefault(h => h is not null),
        _ => null,
    };
}

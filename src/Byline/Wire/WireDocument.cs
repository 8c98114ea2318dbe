using System.Security.Cryptography;
using System.Text;
using Byline.Storage;

namespace Byline.Wire;

/// <summary>One item as a feed gave it, before it is cleaned and stored.</summary>
public sealed record ParsedItem
{
    public required string AgencyId { get; init; }
    /// <summary>The agency's version; null for RSS and Atom, which have none (a changed item makes the next one).</summary>
    public int? Version { get; init; }
    public int? Urgency { get; init; }
    public IReadOnlyList<string> Subjects { get; init; } = [];
    public string Dateline { get; init; } = "";
    public required string Headline { get; init; }
    public string BodyHtml { get; init; } = "";
    public IReadOnlyList<string> Pictures { get; init; } = [];
    public DateTime? EmbargoUntil { get; init; }
    public WireSignal Signal { get; init; }
    public DateTime? SentAt { get; init; }

    /// <summary>What identifies this content: the same item sent again hashes the same.</summary>
    public string ContentHash()
    {
        var text = string.Join('\u001f', Headline, BodyHtml, Dateline, Urgency?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            string.Join('|', Subjects), string.Join('|', Pictures), EmbargoUntil?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "", Signal.ToString());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}

/// <summary>Something the parser refused: one item (with its id when it had one) or the whole document.</summary>
public sealed record Refusal(string Reason, string Excerpt, string? AgencyId = null);

/// <summary>
/// A document read: the items it held and what was refused, each on its own, so the feed goes on.
/// <see cref="Unreadable"/> says why when the document as a whole could not be read (the source is failing).
/// </summary>
public sealed record WireDocument(IReadOnlyList<ParsedItem> Items, IReadOnlyList<Refusal> Refused, string? Unreadable = null)
{
    public static WireDocument Failed(string reason, ReadOnlySpan<byte> bytes) => new([], [new Refusal(reason, Excerpt(bytes))], reason);

    public static string Excerpt(ReadOnlySpan<byte> bytes) => Excerpt(Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 2000)]));

    public static string Excerpt(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= 2000 ? text : text[..2000];
    }
}

/// <summary>Reads a feed document of a source's kind.</summary>
public static class WireParser
{
    public static WireDocument Parse(WireFeedKind kind, byte[] bytes, int maxItemBytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (LooksLikeHtml(bytes))
        {
            return WireDocument.Failed("the source answered with an HTML page, not a feed", bytes);
        }
        return kind switch
        {
            WireFeedKind.Ninjs => NinjsParser.Parse(bytes, maxItemBytes),
            WireFeedKind.NewsMlG2 or WireFeedKind.NewsMlG2Folder => NewsMlParser.Parse(bytes, maxItemBytes),
            _ => RssAtomParser.Parse(bytes, maxItemBytes),
        };
    }

    /// <summary>An error page or a login page where the feed should be: said plainly rather than as an XML error.</summary>
    private static bool LooksLikeHtml(byte[] bytes)
    {
        var start = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 512)).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return start.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || start.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
    }

    internal static string? Check(ParsedItem item, int maxItemBytes)
    {
        if (Encoding.UTF8.GetByteCount(item.BodyHtml) > maxItemBytes)
        {
            return $"the item is larger than {maxItemBytes:N0} bytes";
        }
        if (item.AgencyId.Length > 300)
        {
            return "the item's id is longer than 300 characters";
        }
        if (item.Urgency is < 1 or > 9)
        {
            return "the urgency is not between 1 and 9";
        }
        return null;
    }
}

using System.Text.Json;
using Byline.Content;
using Byline.Storage;

namespace Byline.Ads;

/// <summary>
/// Which creatives a page may show, and what the newsroom may save. Pure functions: the endpoint, the
/// newsroom forms and the tests share them.
/// </summary>
public static class AdRules
{
    /// <summary>How far ahead a creative's start may be and still be listed: a listing is cached this long, and the browser checks the dates itself.</summary>
    public static readonly TimeSpan Lookahead = TimeSpan.FromMinutes(5);

    public static IReadOnlyList<string> Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// True when the creative can fill some enabled position of <paramref name="pageType"/> on a page of
    /// <paramref name="section"/> (empty for pages without one) at about <paramref name="now"/>.
    /// </summary>
    public static bool Eligible(AdCreative creative, AdSettings settings, string pageType, string section, DateTime now) =>
        Eligible(creative, settings, pageType, string.IsNullOrEmpty(section) ? [] : [section], now);

    /// <summary>
    /// True when the creative can fill some enabled position of <paramref name="pageType"/> on a page whose
    /// section path is <paramref name="sectionPath"/> (the page's section and its parents; empty for pages
    /// without one): a creative for a section runs on its sub-sections' pages too.
    /// </summary>
    public static bool Eligible(AdCreative creative, AdSettings settings, string pageType, IReadOnlyCollection<string> sectionPath, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(sectionPath);
        ArgumentNullException.ThrowIfNull(creative);
        ArgumentNullException.ThrowIfNull(settings);
        if (!creative.Enabled || creative.Weight <= 0)
        {
            return false;
        }
        if (creative.EndsAt is { } end && end <= now)
        {
            return false;
        }
        if (creative.StartsAt is { } start && start > now + Lookahead)
        {
            return false;
        }
        var sections = Split(creative.Sections);
        if (sections.Count > 0 && !sections.Any(s => sectionPath.Contains(s, StringComparer.OrdinalIgnoreCase)))
        {
            return false;
        }
        return PositionsOn(creative, settings, pageType).Any();
    }

    /// <summary>
    /// The section path of <paramref name="slug"/>, top-level section first, from the sections' parents by
    /// slug; empty for an unknown slug (or a loop in a hand-edited tree).
    /// </summary>
    public static IReadOnlyList<string> SectionPath(string slug, IReadOnlyDictionary<string, string?> parentOf)
    {
        ArgumentNullException.ThrowIfNull(parentOf);
        var path = new List<string>();
        for (string? at = slug; at is not null && parentOf.ContainsKey(at); at = parentOf[at])
        {
            if (path.Contains(at, StringComparer.Ordinal) || path.Count > 16)
            {
                return [];
            }
            path.Add(at);
        }
        path.Reverse();
        return path;
    }

    /// <summary>The creative's positions that exist, are enabled and belong to the page type.</summary>
    public static IEnumerable<string> PositionsOn(AdCreative creative, AdSettings settings, string pageType)
    {
        ArgumentNullException.ThrowIfNull(creative);
        ArgumentNullException.ThrowIfNull(settings);
        return Split(creative.Positions).Where(key =>
            AdSettings.Info(key) is { } info && info.PageType == pageType && settings.Position(key) is { Enabled: true });
    }

    /// <summary>True for an absolute http(s) URL without credentials or control characters: the only kind of click target.</summary>
    public static bool IsClickUrl(string? url) =>
        url is { Length: > 0 and <= AdModel.MaxUrl }
        && !url.Any(char.IsControl)
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && string.IsNullOrEmpty(uri.UserInfo);

    /// <summary>A Prebid bids block: empty, or a JSON array of objects each with a "bidder" string. Null when valid, else the problem.</summary>
    public static string? PrebidBidsProblem(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                return "Give a JSON array of bids, like [{\"bidder\": \"appnexus\", \"params\": {\"placementId\": 123}}].";
            }
            foreach (var bid in doc.RootElement.EnumerateArray())
            {
                if (bid.ValueKind != JsonValueKind.Object || !bid.TryGetProperty("bidder", out var bidder) || bidder.ValueKind != JsonValueKind.String || bidder.GetString()!.Length == 0)
                {
                    return "Each bid must be an object with a \"bidder\" name.";
                }
            }
            return null;
        }
        catch (JsonException e)
        {
            return $"This is not valid JSON: {e.Message.Split(" Path:", 2)[0]}";
        }
    }

    /// <summary>Largest picture an image creative may be, in pixels a side (the largest standard ad size).</summary>
    public const int MaxImageWidth = 970;
    public const int MaxImageHeight = 600;

    /// <summary>Largest file an image creative may be served as.</summary>
    public const long MaxImageBytes = 150 * 1024;
}

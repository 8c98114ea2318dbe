using System.Globalization;

namespace Byline.Content;

/// <summary>The kinds of reader page an ad position belongs to.</summary>
public static class AdPageTypes
{
    public const string Home = "home";
    public const string Section = "section";
    public const string Article = "article";
    public const string List = "list";
    public const string Shows = "shows";

    public static readonly IReadOnlyList<string> All = [Home, Section, Article, List, Shows];
}

/// <summary>A place on a page type where the templates render an ad slot (the catalogue is fixed; sizes and sources are configured).</summary>
public sealed record AdPositionInfo(string Key, string PageType, string Label, string MobileSizes, string DesktopSizes);

/// <summary>One position's configuration: on or off, its sizes per breakpoint and its ad-server names.</summary>
public sealed record AdPosition
{
    public required string Key { get; init; }
    public bool Enabled { get; init; } = true;
    /// <summary>Sizes on phones, "320x50,300x250"; the tallest sets the reserved height.</summary>
    public string MobileSizes { get; init; } = "300x250";
    /// <summary>Sizes from <see cref="AdSettings.DesktopMinWidth"/> up.</summary>
    public string DesktopSizes { get; init; } = "728x90";
    /// <summary>Google Ad Manager ad unit path, "/1234/home/top"; empty: no GAM for this position.</summary>
    public string GamUnit { get; init; } = "";
    /// <summary>Prebid.js bids for this position, a JSON array of {bidder, params}; empty: no header bidding.</summary>
    public string PrebidBids { get; init; } = "";
}

/// <summary>
/// The ad stack (docs/ads.md): positions with sizes per breakpoint, and three optional sources —
/// Google Ad Manager, Prebid.js and the newsroom's own creatives. Part of the site settings document.
/// </summary>
public sealed record AdSettings
{
    public const int DesktopMinWidth = 768;
    public const string DefaultGptUrl = "https://securepubads.g.doubleclick.net/tag/js/gpt.js";

    /// <summary>The fixed catalogue of positions, in page order.</summary>
    public static readonly IReadOnlyList<AdPositionInfo> Catalogue =
    [
        new("home-top", AdPageTypes.Home, "Home page, below Top Stories", "320x50,300x250", "728x90,970x250"),
        new("section-top", AdPageTypes.Section, "Section front, below the lead", "320x50,300x250", "728x90,970x250"),
        new("article-body", AdPageTypes.Article, "Article, breaks in the story", "300x250", "300x250,728x90"),
        new("list-top", AdPageTypes.List, "Tag and author pages, above the list", "320x50", "728x90"),
        new("shows-top", AdPageTypes.Shows, "Shows and episodes, above the list", "320x50,300x250", "728x90,970x250"),
    ];

    public static AdPositionInfo? Info(string key) => Catalogue.FirstOrDefault(p => p.Key == key);

    /// <summary>The label over every slot.</summary>
    public string Label { get; init; } = "Advertisement";

    /// <summary>Configured positions by key; a catalogue position not listed here is on with its default sizes.</summary>
    public IReadOnlyList<AdPosition> Positions { get; init; } = [];

    /// <summary>Google Ad Manager network code ("1234"); empty: GAM off.</summary>
    public string GamNetworkCode { get; init; } = "";
    public string GamScriptUrl { get; init; } = DefaultGptUrl;

    /// <summary>The Prebid.js build the publisher hosts; empty: header bidding off.</summary>
    public string PrebidScriptUrl { get; init; } = "";
    public int PrebidTimeoutMs { get; init; } = 1000;

    /// <summary>
    /// Hosts the bidders call from the page ("https://ib.bidder.example", one a line): added to the reader
    /// pages' connect-src, img-src and frame-src where the ad servers load (docs/ads.md, "Content-Security-Policy").
    /// </summary>
    public string PartnerHosts { get; init; } = "";

    /// <summary>When true, no third-party script loads until the page's TCF v2.2 CMP reports consent for <see cref="ConsentPurposes"/>.</summary>
    public bool ConsentRequired { get; init; }

    /// <summary>TCF purposes the ad servers need: 1 store/access, 2 basic ads, 3 and 4 personalised ads, 7 measurement.</summary>
    public static readonly IReadOnlyList<int> ConsentPurposes = [1, 2, 3, 4, 7];

    public bool GamOn => GamNetworkCode.Length > 0;
    public bool PrebidOn => PrebidScriptUrl.Length > 0;

    /// <summary>The position's configuration, the catalogue's defaults when none is stored; null for a key not in the catalogue.</summary>
    public AdPosition? Position(string key)
    {
        var info = Info(key);
        if (info is null)
        {
            return null;
        }
        return Positions.FirstOrDefault(p => p.Key == key)
            ?? new AdPosition { Key = key, MobileSizes = info.MobileSizes, DesktopSizes = info.DesktopSizes };
    }

    /// <summary>Every catalogue position with its configuration.</summary>
    public IEnumerable<(AdPositionInfo Info, AdPosition Config)> All() => Catalogue.Select(i => (i, Position(i.Key)!));

    /// <summary>Parses "320x50, 300x250"; null when any part is not WxH within 1..2000.</summary>
    public static IReadOnlyList<(int Width, int Height)>? ParseSizes(string? text)
    {
        var sizes = new List<(int, int)>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var wh = part.Split('x', 'X');
            if (wh.Length != 2
                || !int.TryParse(wh[0], NumberStyles.None, CultureInfo.InvariantCulture, out var w)
                || !int.TryParse(wh[1], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
                || w is < 1 or > 2000 || h is < 1 or > 2000)
            {
                return null;
            }
            sizes.Add((w, h));
        }
        return sizes;
    }

    /// <summary>The height to reserve for a list of sizes: the tallest (0 when none parse).</summary>
    public static int ReservedHeight(string sizes) => ParseSizes(sizes) is { Count: > 0 } s ? s.Max(x => x.Height) : 0;

    /// <summary>The stylesheet reserving each enabled position's space per breakpoint, so filling or not filling a slot moves nothing.</summary>
    public string ReservationCss()
    {
        var mobile = new System.Text.StringBuilder();
        var desktop = new System.Text.StringBuilder();
        foreach (var (info, config) in All())
        {
            if (!config.Enabled)
            {
                continue;
            }
            mobile.Append(CultureInfo.InvariantCulture, $".ad-pos-{info.Key} .ad-slot{{min-height:{ReservedHeight(config.MobileSizes)}px}}\n");
            desktop.Append(CultureInfo.InvariantCulture, $".ad-pos-{info.Key} .ad-slot{{min-height:{ReservedHeight(config.DesktopSizes)}px}}\n");
        }
        return mobile + $"@media (min-width: {DesktopMinWidth}px) {{\n" + desktop + "}\n";
    }

    /// <summary>A short version of the settings for the stylesheet's URL, so a cached page names the stylesheet of its settings.</summary>
    public string Version()
    {
        var text = string.Join('|', All().Select(p => $"{p.Config.Key}:{p.Config.Enabled}:{p.Config.MobileSizes}:{p.Config.DesktopSizes}"));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..10];
    }
}

/// <summary>One slot a page renders: its position, the page's section (empty when none) and, when a page has several of one position, which one.</summary>
public sealed record AdSlot(AdSettings Ads, string Position, string Section, string Label, int Number = 1, int Count = 1)
{
    /// <summary>Request item the slot partial sets, so the layout links the stylesheet and the script only on pages with slots.</summary>
    public const string ItemKey = "byline.ad-slots";

    /// <summary>
    /// Internal response header naming the page type of the page's slots, so the header middleware can
    /// add the ad servers' hosts to this page's policy — on cache hits too, as the cache replays it. The
    /// middleware removes it before the response leaves.
    /// </summary>
    public const string PageHeader = "Byline-Ad-Page";

    /// <summary>The landmark's name: distinct for each slot of a page.</summary>
    public string Name => Count > 1
        ? string.Create(CultureInfo.InvariantCulture, $"{Ads.Label} {Number} of {Count}")
        : Ads.Label;
}

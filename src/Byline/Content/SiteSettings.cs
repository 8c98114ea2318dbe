namespace Byline.Content;

public sealed record LinkItem(string Label, string Url);

public sealed record MenuItem(string Label, string Url, IReadOnlyList<MenuItem>? Children = null)
{
    public IReadOnlyList<MenuItem> Items => Children ?? [];
}

public sealed record LinkGroup(string Title, IReadOnlyList<LinkItem> Links);

public sealed record CallToAction(bool Enabled, string Label, string Text, string Url);

/// <summary>The breaking-news line an editor puts across the top of every reader page; <see cref="Url"/> may be empty.</summary>
public sealed record BreakingNews(string Text, string Url, DateTime SetAt);

/// <summary>
/// Where the article page puts boxes between body blocks. Counts are in paragraphs of body text;
/// a box never lands after the last block, so short stories simply get fewer boxes.
/// </summary>
public sealed record InsertionRule(
    int AdEveryParagraphs = 4,
    int MaxAds = 3,
    string AdLabel = "Advertisement — story continues below",
    int MoreFromAfterParagraph = 6,
    int ShortNewsAfterParagraph = 10)
{
    public static InsertionRule Default { get; } = new();
}

/// <summary>Everything about the publication that editors control, stored as one JSON document.</summary>
public sealed record SiteSettings
{
    public string PublicationName { get; init; } = "The Byline Times";
    public string Tagline { get; init; } = "News you can stand behind";
    public string TimeZone { get; init; } = "Asia/Kolkata";
    public string Language { get; init; } = "en-IN";
    public string Copyright { get; init; } = "© {year} The Byline Times. All rights reserved.";
    public IReadOnlyList<MenuItem> Navigation { get; init; } = [];
    /// <summary>The breaking-news banner over every reader page; null when none is up.</summary>
    public BreakingNews? Breaking { get; init; }
    /// <summary>The running story the header links to (a tournament, a budget); null for none.</summary>
    public LinkItem? TopicHub { get; init; }
    public IReadOnlyList<LinkItem> TrendingTopics { get; init; } = [];
    public IReadOnlyList<LinkItem> Shows { get; init; } = [];
    public IReadOnlyList<LinkItem> Events { get; init; } = [];
    public IReadOnlyList<LinkGroup> FooterGroups { get; init; } = [];
    public CallToAction Newsletter { get; init; } = new(true, "Subscribe", "The day's essential stories, every morning.", "/newsletters");
    public CallToAction Membership { get; init; } = new(true, "Join us", "Support independent journalism.", "/membership");
    public CallToAction PreferredSource { get; init; } = new(true, "Add as a preferred source on Google", "See more of our stories in Google results.", "https://www.google.com/preferences/source?q=byline.example");
    public InsertionRule Insertion { get; init; } = InsertionRule.Default;
    public int PageSize { get; init; } = 20;
    /// <summary>Feeds carry each story's full body (true) or only its standfirst (false).</summary>
    public bool FeedFullContent { get; init; }
    /// <summary>Unresolved editorial notes stop a story being published (true) or only ask for a confirmation (false, the default).</summary>
    public bool NotesBlockPublish { get; init; }
    /// <summary>The publication's ads.txt (IAB format), served at /ads.txt; validated when the newsroom saves it.</summary>
    public string AdsTxt { get; init; } = "";
    /// <summary>The /live page's stream (Site/Shows/LiveTv.cs); empty URL means off air.</summary>
    public LiveTvSettings LiveTv { get; init; } = new();
    /// <summary>The home page's tiers and each section block's layout (docs/front-page.md).</summary>
    public FrontPage Front { get; init; } = new();
    /// <summary>Ad positions, sources and consent (docs/ads.md).</summary>
    public AdSettings Ads { get; init; } = new();
}

/// <summary>How a section block on the home page lays out its stories.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<BlockLayout>))]
public enum BlockLayout
{
    /// <summary>The first story large with its picture and standfirst, the rest a list.</summary>
    LeadList,
    /// <summary>Four cards side by side, each with its picture.</summary>
    FourUp,
    /// <summary>A strip of headlines with their standfirsts and no pictures (columns, opinion).</summary>
    OpinionStrip,
    /// <summary>A horizontally scrolling rail of pictures (video, photo stories).</summary>
    VideoRail,
    /// <summary>The section's stories numbered, the most read first.</summary>
    MostRead,
}

/// <summary>
/// The edited front page: Top Stories are a lead, <see cref="Secondary"/> secondary stories and up to
/// <see cref="More"/> further headlines, in the curated order; each home section block has a layout.
/// </summary>
public sealed record FrontPage
{
    public const int MinSecondary = 2;
    public const int MaxSecondary = 4;
    public const int MoreCount = 4;

    public int Secondary { get; init; } = 3;

    /// <summary>Layouts by top-level section id; a section not named here is <see cref="BlockLayout.LeadList"/>.</summary>
    public IReadOnlyDictionary<int, BlockLayout> Layouts { get; init; } = new Dictionary<int, BlockLayout>();

    /// <summary>The secondary tier's size, within bounds whatever the stored document says.</summary>
    public int SecondaryCount => Math.Clamp(Secondary, MinSecondary, MaxSecondary);

    /// <summary>How many stories Top Stories shows: the lead, the secondary tier, then the more tier.</summary>
    public int TopCount => 1 + SecondaryCount + MoreCount;

    public BlockLayout LayoutOf(int sectionId) => Layouts.TryGetValue(sectionId, out var layout) && Enum.IsDefined(layout) ? layout : BlockLayout.LeadList;

    /// <summary>The layout's name in markup (data-layout) and forms: "lead-list", "four-up"…</summary>
    public static string Slug(BlockLayout layout) => layout switch
    {
        BlockLayout.FourUp => "four-up",
        BlockLayout.OpinionStrip => "opinion-strip",
        BlockLayout.VideoRail => "video-rail",
        BlockLayout.MostRead => "most-read",
        _ => "lead-list",
    };

    public static string Label(BlockLayout layout) => layout switch
    {
        BlockLayout.FourUp => "Four up",
        BlockLayout.OpinionStrip => "Opinion strip",
        BlockLayout.VideoRail => "Video rail",
        BlockLayout.MostRead => "Numbered most read",
        _ => "Lead and list",
    };

    public static BlockLayout? FromSlug(string? slug) =>
        Enum.GetValues<BlockLayout>().Cast<BlockLayout?>().FirstOrDefault(l => Slug(l!.Value) == slug);
}

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
    /// <summary>The publication's ads.txt (IAB format), served at /ads.txt; validated when the newsroom saves it.</summary>
    public string AdsTxt { get; init; } = "";
    /// <summary>The /live page's stream (Site/Shows/LiveTv.cs); empty URL means off air.</summary>
    public LiveTvSettings LiveTv { get; init; } = new();
}

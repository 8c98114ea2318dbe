namespace Byline.Discovery;

/// <summary>Settings under <c>Byline:Discovery</c>.</summary>
public sealed class DiscoveryOptions
{
    /// <summary>Accept page-view beacons. Off, POST /v still answers 204 but counts nothing.</summary>
    public bool CountViews { get; set; } = true;

    /// <summary>How often pending view and search counts are written, in one transaction.</summary>
    public double FlushSeconds { get; set; } = 5;

    /// <summary>How often the most-read, trending and most-searched snapshots are recomputed.</summary>
    public double RefreshSeconds { get; set; } = 60;

    /// <summary>Trending: a view's weight halves every this many hours.</summary>
    public double TrendingHalfLifeHours { get; set; } = 2;

    /// <summary>Most searched in the footer covers this many days.</summary>
    public int MostSearchedDays { get; set; } = 7;

    /// <summary>Distinct (story, hour) and (term, day) keys held between flushes; beyond it new keys are dropped, so a flood cannot exhaust memory.</summary>
    public int MaxPendingKeys { get; set; } = 100_000;

    /// <summary>How long a page's view token is accepted, in hours (a cached page carries the token of the hour it was rendered).</summary>
    public int ViewTokenHours { get; set; } = 3;

    /// <summary>One client counts at most one view of a story per this many minutes.</summary>
    public int ViewWindowMinutes { get; set; } = 30;

    /// <summary>Views one client (IPv4 address or IPv6 /64) may add per minute across all stories.</summary>
    public int ViewsPerClientPerMinute { get; set; } = 60;

    /// <summary>
    /// The most views one story may gain in one flush (every <see cref="FlushSeconds"/>): anything above
    /// is clipped as an anomaly. 20,000 per 5 s is 4,000 reads a second of one story.
    /// </summary>
    public int MaxViewsPerStoryPerFlush { get; set; } = 20_000;
}

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
}

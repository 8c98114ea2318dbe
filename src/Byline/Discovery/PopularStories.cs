using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Site.Stories;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Discovery;

/// <summary>Most read and trending, site-wide and per top-level section, as of <see cref="At"/>.</summary>
public sealed record PopularSnapshot(
    IReadOnlyList<StoryCard> MostRead,
    IReadOnlyList<StoryCard> Trending,
    IReadOnlyDictionary<int, IReadOnlyList<StoryCard>> MostReadBySection,
    IReadOnlyDictionary<int, IReadOnlyList<StoryCard>> TrendingBySection,
    DateTime At)
{
    public static readonly PopularSnapshot Empty = new([], [], new Dictionary<int, IReadOnlyList<StoryCard>>(), new Dictionary<int, IReadOnlyList<StoryCard>>(), DateTime.MinValue);
}

/// <summary>
/// The cache keys of the popular lists. A page showing a list tags itself with its key (softly: the
/// list is a side block); a refresh that changes the list raises the key, so the page is re-rendered
/// once, at most once per refresh interval, and stays cached otherwise.
/// </summary>
public static class PopularKeys
{
    /// <summary>Site-wide most read and trending (the home page's block).</summary>
    public const string Site = "popular";

    /// <summary>Most read and trending in one top-level section (its section pages).</summary>
    public static string Section(int topSectionId) => "popular:section:" + topSectionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Computes most read (views in the last 24 hours) and trending (views weighted by
/// 0.5^(age in hours / half-life) over hourly buckets of the last 24 hours, so a story rising now
/// beats yesterday's hit) once a minute, with the editors' pins and hides applied (a pinned story
/// leads Trending site-wide and in its own section). Pages read <see cref="Current"/> and never query
/// for it; lists that changed are announced by their <see cref="PopularKeys"/> so cached pages follow.
/// </summary>
public sealed class PopularStories(IServiceScopeFactory scopes, TimeProvider clock, DiscoveryOptions options, ContentEvents events) : IDisposable
{
    public const int SiteCount = 10;
    public const int SectionCount = 5;

    private volatile PopularSnapshot _current = PopularSnapshot.Empty;
    private readonly SemaphoreSlim _refreshWanted = new(0, 1);

    public PopularSnapshot Current => _current;

    /// <summary>True when one of the lists shows the story (an unpublished or retitled story must leave them at once).</summary>
    public bool Shows(int articleId)
    {
        var s = _current;
        return s.MostRead.Any(c => c.Id == articleId) || s.Trending.Any(c => c.Id == articleId)
            || s.MostReadBySection.Values.Any(l => l.Any(c => c.Id == articleId))
            || s.TrendingBySection.Values.Any(l => l.Any(c => c.Id == articleId));
    }

    public void Dispose() => _refreshWanted.Dispose();

    /// <summary>Asks the refresher to recompute now rather than at its next tick.</summary>
    public void RequestRefresh()
    {
        if (_refreshWanted.CurrentCount == 0)
        {
            try
            {
                _refreshWanted.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already asked.
            }
        }
    }

    /// <summary>Waits for <see cref="RequestRefresh"/> or the timeout, whichever comes first.</summary>
    internal async Task WaitForRefreshAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await _refreshWanted.WaitAsync(timeout, ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Weight of a view counted in the hour starting at <paramref name="hour"/>: its age is measured from the middle of the hour.</summary>
    public static double Decay(DateTime hour, DateTime nowUtc, double halfLifeHours)
    {
        var age = Math.Max(0, (nowUtc - hour.AddMinutes(30)).TotalHours);
        return Math.Pow(0.5, age / halfLifeHours);
    }

    public async Task<PopularSnapshot> RefreshAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var since = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc).AddHours(-24);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var rows = await (
            from v in db.ArticleViews
            where v.Hour >= since
            join a in db.Articles on v.ArticleId equals a.Id
            where a.Status == ArticleStatus.Published
            select new { v.ArticleId, v.Hour, v.Views, a.TopSectionId }).ToListAsync(ct);
        var overrides = await db.TrendingOverrides.OrderBy(o => o.Position).ThenBy(o => o.At).ToListAsync(ct);
        var hidden = overrides.Where(o => o.Kind == TrendingOverrideKind.Hide).Select(o => o.ArticleId).ToHashSet();
        var pinned = overrides.Where(o => o.Kind == TrendingOverrideKind.Pin).Select(o => o.ArticleId).ToList();

        var stories = rows.Where(r => !hidden.Contains(r.ArticleId)).GroupBy(r => r.ArticleId).Select(g => new
        {
            Id = g.Key,
            g.First().TopSectionId,
            Read = g.Where(r => r.Hour >= now.AddHours(-24)).Sum(r => (long)r.Views),
            Trend = g.Sum(r => r.Views * Decay(r.Hour, now, options.TrendingHalfLifeHours)),
        }).ToList();
        var mostRead = stories.Where(s => s.Read > 0).OrderByDescending(s => s.Read).ThenByDescending(s => s.Id).ToList();
        var trending = stories.OrderByDescending(s => s.Trend).ThenByDescending(s => s.Id).ToList();

        var siteRead = mostRead.Take(SiteCount).Select(s => s.Id).ToList();
        var siteTrend = pinned.Concat(trending.Select(s => s.Id).Where(id => !pinned.Contains(id))).Take(SiteCount).ToList();
        var readBySection = mostRead.GroupBy(s => s.TopSectionId).ToDictionary(g => g.Key, g => g.Take(SectionCount).Select(s => s.Id).ToList());
        var pinnedSections = pinned.Count == 0 ? [] : await db.Articles
            .Where(a => pinned.Contains(a.Id) && a.Status == ArticleStatus.Published)
            .Select(a => new { a.Id, a.TopSectionId }).ToDictionaryAsync(a => a.Id, a => a.TopSectionId, ct);
        var trendBySection = trending.Select(s => (s.Id, s.TopSectionId))
            .Concat(pinnedSections.Select(kv => (Id: kv.Key, TopSectionId: kv.Value)))
            .GroupBy(s => s.TopSectionId)
            .ToDictionary(g => g.Key, g =>
            {
                var sectionPins = pinned.Where(id => pinnedSections.TryGetValue(id, out var top) && top == g.Key).ToList();
                return sectionPins.Concat(g.Select(s => s.Id).Where(id => !sectionPins.Contains(id))).Distinct().Take(SectionCount).ToList();
            });

        var all = siteRead.Concat(siteTrend).Concat(readBySection.Values.SelectMany(x => x)).Concat(trendBySection.Values.SelectMany(x => x)).Distinct().ToList();
        var cards = (await scope.ServiceProvider.GetRequiredService<IStoryCards>().CardsAsync(all, ct)).ToDictionary(c => c.Id);
        IReadOnlyList<StoryCard> Cards(IEnumerable<int> ids) => [.. ids.Where(cards.ContainsKey).Select(id => cards[id])];

        var snapshot = new PopularSnapshot(
            Cards(siteRead),
            Cards(siteTrend),
            readBySection.ToDictionary(kv => kv.Key, kv => Cards(kv.Value)),
            trendBySection.ToDictionary(kv => kv.Key, kv => Cards(kv.Value)),
            now);
        var previous = _current;
        _current = snapshot;
        var changed = ChangedKeys(previous, snapshot);
        if (changed.Count > 0)
        {
            // Computed by every node from the shared counters: this process's pages follow, nothing is stored.
            await events.NotifyLocalAsync(new ContentChanged(changed, "popular"), ct);
        }
        return snapshot;
    }

    /// <summary>The keys of the lists whose stories or order differ between two snapshots.</summary>
    internal static IReadOnlyList<string> ChangedKeys(PopularSnapshot before, PopularSnapshot after)
    {
        static bool Same(IReadOnlyList<StoryCard>? a, IReadOnlyList<StoryCard>? b) =>
            (a ?? []).Select(c => c.Id).SequenceEqual((b ?? []).Select(c => c.Id));
        var keys = new List<string>();
        if (!Same(before.MostRead, after.MostRead) || !Same(before.Trending, after.Trending))
        {
            keys.Add(PopularKeys.Site);
        }
        var sections = before.MostReadBySection.Keys.Concat(before.TrendingBySection.Keys)
            .Concat(after.MostReadBySection.Keys).Concat(after.TrendingBySection.Keys).Distinct().Order();
        foreach (var id in sections)
        {
            if (!Same(before.MostReadBySection.GetValueOrDefault(id), after.MostReadBySection.GetValueOrDefault(id))
                || !Same(before.TrendingBySection.GetValueOrDefault(id), after.TrendingBySection.GetValueOrDefault(id)))
            {
                keys.Add(PopularKeys.Section(id));
            }
        }
        return keys;
    }
}

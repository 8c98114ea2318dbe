using Byline.Content;
using Byline.Hosting;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Site.Chrome;

public sealed record SectionNode(int Id, string Slug, string Name, string Description, int? ParentId, int Position, bool ShowOnHome, string Url);

public sealed record StoryLink(string Headline, string Url);

/// <summary>What every page's header, drawers and footer show, held in memory so the layout never queries.</summary>
public sealed class ChromeSnapshot
{
    public static readonly ChromeSnapshot Empty = new([], [], []);

    public ChromeSnapshot(IReadOnlyList<SectionNode> sections, IReadOnlyList<LinkItem> staticPages, IReadOnlyList<StoryLink> trending, IReadOnlyList<LinkItem>? events = null)
    {
        Events = events ?? [];
        ById = sections.ToDictionary(s => s.Id);
        BySlug = sections.ToDictionary(s => s.Slug, StringComparer.Ordinal);
        TopLevel = [.. sections.Where(s => s.ParentId is null).OrderBy(s => s.Position).ThenBy(s => s.Name, StringComparer.Ordinal)];
        Children = sections.Where(s => s.ParentId is not null)
            .GroupBy(s => s.ParentId!.Value)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<SectionNode>)[.. g.OrderBy(s => s.Position).ThenBy(s => s.Name, StringComparer.Ordinal)]);
        StaticPages = staticPages;
        Trending = trending;
    }

    public IReadOnlyDictionary<int, SectionNode> ById { get; }
    public IReadOnlyDictionary<string, SectionNode> BySlug { get; }
    public IReadOnlyList<SectionNode> TopLevel { get; }
    public IReadOnlyDictionary<int, IReadOnlyList<SectionNode>> Children { get; }
    public IReadOnlyList<LinkItem> StaticPages { get; }
    public IReadOnlyList<StoryLink> Trending { get; }
    /// <summary>The published topic hubs, newest first: the Events drawer.</summary>
    public IReadOnlyList<LinkItem> Events { get; }

    public IReadOnlyList<SectionNode> ChildrenOf(int id) => Children.TryGetValue(id, out var c) ? c : [];

    public SectionNode? Parent(SectionNode s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.ParentId is int p && ById.TryGetValue(p, out var parent) ? parent : null;
    }

    public ChromeSnapshot WithTrending(IReadOnlyList<StoryLink> trending) => new([.. ById.Values], StaticPages, trending, Events);
}

/// <summary>
/// Holds the chrome snapshot. Sections and static pages change rarely: they reload when
/// <see cref="Invalidate"/> bumps the version (the newsroom calls it), when a page meets a section
/// the snapshot lacks, or after a safety interval. The trending strip is a short-lived list, so it
/// refreshes on its own shorter interval. One request reloads while the others keep the old snapshot.
/// </summary>
public sealed class SiteChrome(IServiceScopeFactory scopes, TimeProvider clock, Discovery.PopularStories popular, ILogger<SiteChrome> log) : IDisposable
{
    private static readonly TimeSpan StructureLifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan TrendingLifetime = TimeSpan.FromSeconds(30);
    private const int TrendingCount = 8;
    private const int EventsCount = 12;

    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile ChromeSnapshot? _snapshot;
    private long _version;
    private long _loadedVersion = -1;
    private DateTimeOffset _structureAt;
    private DateTimeOffset _trendingAt;

    /// <summary>The last snapshot loaded, without touching the database (error pages use it).</summary>
    public ChromeSnapshot? LastKnown => _snapshot;

    public void Invalidate() => Interlocked.Increment(ref _version);

    public void Dispose() => _reload.Dispose();

    public async Task<ChromeSnapshot> GetAsync(CancellationToken ct)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && !IsStale())
        {
            return snapshot;
        }
        // Someone else is already reloading: serve the previous snapshot rather than queue up.
        if (snapshot is not null && !await _reload.WaitAsync(0, ct))
        {
            return snapshot;
        }
        if (snapshot is null)
        {
            await _reload.WaitAsync(ct);
        }
        try
        {
            if (_snapshot is { } fresh && !IsStale())
            {
                return fresh;
            }
            return await LoadAsync(ct);
        }
        finally
        {
            _reload.Release();
        }
    }

    /// <summary>Reloads now: a page found a section in the database that the snapshot does not know yet.</summary>
    public async Task<ChromeSnapshot> ReloadAsync(CancellationToken ct)
    {
        Invalidate();
        return await GetAsync(ct);
    }

    private bool IsStale()
    {
        var now = clock.GetUtcNow();
        return Interlocked.Read(ref _loadedVersion) != Interlocked.Read(ref _version)
            || now - _structureAt > StructureLifetime
            || now - _trendingAt > TrendingLifetime;
    }

    private async Task<ChromeSnapshot> LoadAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var version = Interlocked.Read(ref _version);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var trending = await LoadTrendingAsync(db, now.UtcDateTime, ct);
        ChromeSnapshot snapshot;
        if (_snapshot is { } old && Interlocked.Read(ref _loadedVersion) == version && now - _structureAt <= StructureLifetime)
        {
            snapshot = old.WithTrending(trending);
        }
        else
        {
            var rows = await db.Sections
                .Select(s => new { s.Id, s.Slug, s.Name, s.Description, s.ParentId, s.Position, s.ShowOnHome, ParentSlug = s.Parent == null ? null : s.Parent.Slug })
                .ToListAsync(ct);
            var sections = rows.Select(s => new SectionNode(s.Id, s.Slug, s.Name, s.Description, s.ParentId, s.Position, s.ShowOnHome,
                s.ParentSlug is null ? "/" + s.Slug : $"/{s.ParentSlug}/{s.Slug}")).ToList();
            var titles = await db.StaticPages.Select(p => new { p.Slug, p.Title }).ToDictionaryAsync(p => p.Slug, p => p.Title, StringComparer.Ordinal, ct);
            var pages = StaticPageSlugs.Order
                .Select(slug => new LinkItem(titles.GetValueOrDefault(slug) ?? StaticPageSlugs.Titles[slug], "/" + slug))
                .ToList();
            // Hubs are few; every content change but a draft's reloads the chrome (see CacheInvalidation),
            // so a hub published or taken down shows in the Events drawer with the next page render.
            var hubs = await db.Articles
                .Where(a => a.Format == StoryFormat.Hub && a.Status == ArticleStatus.Published)
                .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id)
                .Take(EventsCount)
                .Select(a => new { a.Slug, a.Headline })
                .ToListAsync(ct);
            var events = hubs.Select(h => new LinkItem(h.Headline, StoryFormats.Path(StoryFormat.Hub, "", h.Slug, 0))).ToList();
            snapshot = new ChromeSnapshot(sections, pages, trending, events);
            _structureAt = now;
            Interlocked.Exchange(ref _loadedVersion, version);
            log.LogDebug("Site chrome loaded: {Sections} sections", sections.Count);
        }
        _trendingAt = now;
        _snapshot = snapshot;
        return snapshot;
    }

    private async Task<IReadOnlyList<StoryLink>> LoadTrendingAsync(BylineDb db, DateTime nowUtc, CancellationToken ct)
    {
        var counted = popular.Current.Trending;
        if (counted.Count > 0)
        {
            return [.. counted.Take(TrendingCount).Select(s => new StoryLink(s.Headline, s.Url))];
        }
        // No views counted yet (a new site, or counting switched off): the newest stories of the last day.
        var since = nowUtc.AddDays(-1);
        var rows = await db.Articles
            .Where(a => a.Status == ArticleStatus.Published && a.Format < StoryFormats.FirstUnlisted && a.PublishedAt >= since)
            .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id)
            .Take(TrendingCount)
            .Select(a => new { a.Id, a.Slug, a.Headline, Top = db.Sections.Where(s => s.Id == a.TopSectionId).Select(s => s.Slug).First() })
            .ToListAsync(ct);
        return [.. rows.Select(r => new StoryLink(r.Headline, Slugs.ArticlePath(r.Top, r.Slug, r.Id)))];
    }
}

/// <summary>Loads the chrome at boot, once the database is ready, so no first reader pays for it.</summary>
internal sealed class SiteChromeWarmup(SiteChrome chrome, Readiness readiness, ILogger<SiteChromeWarmup> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.WhenReady.WaitAsync(stoppingToken);
            await chrome.GetAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping before start-up finished.
        }
#pragma warning disable CA1031 // a warm-up must not stop the host; pages load the chrome on demand
        catch (Exception e)
#pragma warning restore CA1031
        {
            log.LogWarning(e, "Site chrome could not be loaded at start; pages will retry");
        }
    }
}

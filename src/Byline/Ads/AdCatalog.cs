using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Byline.Content;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Ads;

/// <summary>
/// The creatives that can run now, read from the database at most every <see cref="MaxAge"/> (or at
/// once after a newsroom save on this node), and the per page type and section JSON the reader's
/// script chooses from. Anonymous requests only ever read this snapshot: no query per request.
/// </summary>
public sealed partial class AdCatalog(IServiceScopeFactory scopes, SiteSettingsStore settings, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    /// <summary>A creative as the snapshot holds it.</summary>
    public sealed record Entry(AdCreative Creative, string? ImageUrl);

    /// <param name="ParentOf">Every section's parent slug by slug (null for a top-level section).</param>
    private sealed record Snapshot(DateTime LoadedAt, AdSettings Settings, IReadOnlyDictionary<int, Entry> Entries, IReadOnlyDictionary<string, string?> ParentOf)
    {
        public ConcurrentDictionary<(string Page, string Section), byte[]> Json { get; } = new();
    }

    private volatile Snapshot? _snapshot;
    private readonly SemaphoreSlim _load = new(1, 1);

    public void Dispose() => _load.Dispose();

    /// <summary>Drops the snapshot: the next request reads the database again.</summary>
    public void Invalidate() => _snapshot = null;

    private async Task<Snapshot> CurrentAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var snapshot = _snapshot;
        if (snapshot is not null && now - snapshot.LoadedAt < MaxAge && ReferenceEquals(snapshot.Settings, settings.Current.Ads))
        {
            return snapshot;
        }
        await _load.WaitAsync(ct);
        try
        {
            snapshot = _snapshot;
            if (snapshot is not null && now - snapshot.LoadedAt < MaxAge && ReferenceEquals(snapshot.Settings, settings.Current.Ads))
            {
                return snapshot;
            }
            // Creatives that ended within the day stay known, so a click on a page cached before the end still redirects.
            var since = now.AddDays(-1);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            var creatives = await db.AdCreatives.AsNoTracking()
                .Where(c => c.Enabled && (c.EndsAt == null || c.EndsAt > since))
                .OrderBy(c => c.Id).Take(500).ToListAsync(ct);
            var imageIds = creatives.Where(c => c.ImageId != null).Select(c => c.ImageId!.Value).Distinct().ToList();
            var images = await db.Images.AsNoTracking().Where(i => imageIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
            var entries = creatives.ToDictionary(c => c.Id, c => new Entry(c,
                c.ImageId is int id && images.TryGetValue(id, out var image) ? ImageUrl(image.Key, image.Widths, c.Width) : null));
            var sections = await db.Sections.AsNoTracking().Select(x => new { x.Id, x.Slug, x.ParentId }).ToListAsync(ct);
            var slugOf = sections.ToDictionary(x => x.Id, x => x.Slug);
            var parentOf = sections.ToDictionary(x => x.Slug, x => x.ParentId is int parent ? slugOf.GetValueOrDefault(parent) : null, StringComparer.Ordinal);
            snapshot = new Snapshot(now, settings.Current.Ads, entries, parentOf);
            _snapshot = snapshot;
            return snapshot;
        }
        finally
        {
            _load.Release();
        }
    }

    /// <summary>The smallest rendition at least as wide as the slot, else the largest.</summary>
    private static string ImageUrl(string key, string widths, int width) => MediaPaths.Url(key, RenditionWidth(widths, width), "jpg");

    /// <summary>The rendition an image creative of <paramref name="width"/> is served from.</summary>
    public static int RenditionWidth(string widths, int width)
    {
        var all = MediaPaths.ParseWidths(widths);
        return all.Where(w => w >= width).DefaultIfEmpty(all.Length == 0 ? width : all.Max()).Min();
    }

    /// <summary>The creative when it is known (running, or ended within the day); null otherwise.</summary>
    public async Task<Entry?> FindAsync(int id, CancellationToken ct) =>
        (await CurrentAsync(ct)).Entries.GetValueOrDefault(id);

    /// <summary>
    /// The JSON the reader's script fills the page's slots from: settings for the page type and the eligible
    /// creatives. A section the snapshot does not know counts as none, so at most one listing per page type
    /// and known section is ever held.
    /// </summary>
    public async Task<byte[]> JsonAsync(string pageType, string section, CancellationToken ct)
    {
        var snapshot = await CurrentAsync(ct);
        var known = snapshot.ParentOf.ContainsKey(section) ? section : "";
        return snapshot.Json.GetOrAdd((pageType, known), key => Build(snapshot, key.Page, key.Section, clock.GetUtcNow().UtcDateTime));
    }

    private static byte[] Build(Snapshot snapshot, string pageType, string section, DateTime now)
    {
        var ads = snapshot.Settings;
        var path = AdRules.SectionPath(section, snapshot.ParentOf);
        var positions = ads.All().Where(p => p.Info.PageType == pageType && p.Config.Enabled).ToDictionary(
            p => p.Info.Key,
            p => new
            {
                mobile = Sizes(p.Config.MobileSizes),
                desktop = Sizes(p.Config.DesktopSizes),
                unit = ads.GamOn && p.Config.GamUnit.Length > 0 ? p.Config.GamUnit : null,
                bids = ads.PrebidOn && p.Config.PrebidBids.Length > 0 && AdRules.PrebidBidsProblem(p.Config.PrebidBids) is null
                    ? JsonDocument.Parse(p.Config.PrebidBids).RootElement.Clone() : (JsonElement?)null,
            });
        var creatives = snapshot.Entries.Values
            .Where(e => AdRules.Eligible(e.Creative, ads, pageType, path, now) && (e.Creative.Kind == AdCreativeKind.Html || e.ImageUrl is not null))
            .Select(e => new
            {
                id = e.Creative.Id,
                house = e.Creative.IsHouse,
                positions = AdRules.PositionsOn(e.Creative, ads, pageType).ToArray(),
                start = e.Creative.StartsAt is { } s ? new DateTimeOffset(DateTime.SpecifyKind(s, DateTimeKind.Utc)).ToUnixTimeMilliseconds() : (long?)null,
                end = e.Creative.EndsAt is { } x ? new DateTimeOffset(DateTime.SpecifyKind(x, DateTimeKind.Utc)).ToUnixTimeMilliseconds() : (long?)null,
                weight = e.Creative.Weight,
                cap = e.Creative.DailyCap,
                w = e.Creative.Width,
                h = e.Creative.Height,
                img = e.Creative.Kind == AdCreativeKind.Image ? e.ImageUrl : null,
                alt = e.Creative.AltText,
                html = e.Creative.Kind == AdCreativeKind.Html ? Framed(e.Creative) : null,
            })
            .ToList();
        return JsonSerializer.SerializeToUtf8Bytes(new
        {
            consent = ads.ConsentRequired,
            purposes = AdSettings.ConsentPurposes,
            // The page's section and its parents, top first: Ad Manager's "section" key-value.
            sections = path,
            gam = ads.GamOn ? new { network = ads.GamNetworkCode, script = ads.GamScriptUrl } : null,
            prebid = ads.PrebidOn ? new { script = ads.PrebidScriptUrl, timeout = ads.PrebidTimeoutMs } : null,
            positions,
            creatives,
        });
    }

    private static int[][] Sizes(string text) => [.. (AdSettings.ParseSizes(text) ?? []).Select(s => new[] { s.Width, s.Height })];

    /// <summary>
    /// The document of an HTML creative's sandboxed frame: its (already sanitised) HTML with every link
    /// pointed at the click route, opening in a new window (the frame may open popups, nothing else).
    /// </summary>
    public static string Framed(AdCreative creative)
    {
        ArgumentNullException.ThrowIfNull(creative);
        var click = "/ads/click/" + creative.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var html = Href().Replace(creative.Html, $"href=\"{click}\"");
        return "<!doctype html><base target=\"_blank\">" + html;
    }

    [GeneratedRegex("href=\"[^\"]*\"", RegexOptions.CultureInvariant)]
    private static partial Regex Href();
}

using Byline.Content;
using Byline.Hosting;
using Byline.Events;
using Byline.Site.Stories;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Site.Shows;

/// <summary>An episode as rails and lists show it.</summary>
public sealed record EpisodeCard(int Id, string Headline, string Url, DateTime PublishedAt, StoryImage? Thumbnail, int DurationSeconds);

/// <summary>A show as the header menu, the Shows drawer, /shows and the Top Shows rail show it.</summary>
public sealed record ShowEntry(
    int Id, string Slug, string Name, string Description, string ScheduleText, int Position, bool IsActive,
    StoryImage? Artwork, EpisodeCard? Latest)
{
    public string Url => "/shows/" + Slug;
}

/// <summary>
/// The shows, held in memory so that every page's header can list them without a query. Reloaded
/// at boot and whenever a change names the shows, a show or the episode stream; pages that list
/// shows are tagged <see cref="ContentKeys.Shows"/> (the header itself rides on the settings key,
/// which every show edit raises).
/// </summary>
public sealed class ShowCatalog(IServiceScopeFactory scopes, ILogger<ShowCatalog> log) : IDisposable
{
    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile IReadOnlyList<ShowEntry> _all = [];

    /// <summary>Every show, active or not, in the editors' order.</summary>
    public IReadOnlyList<ShowEntry> All => _all;

    /// <summary>The shows readers see (menu, drawer, /shows, Top Shows).</summary>
    public IReadOnlyList<ShowEntry> Active => [.. _all.Where(s => s.IsActive)];

    public ShowEntry? Find(string slug) => _all.FirstOrDefault(s => string.Equals(s.Slug, slug, StringComparison.Ordinal));

    public ShowEntry? Find(int id) => _all.FirstOrDefault(s => s.Id == id);

    public void Dispose() => _reload.Dispose();

    public async Task ReloadAsync(CancellationToken ct)
    {
        await _reload.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            _all = await LoadAsync(db, ct);
            log.LogDebug("Show catalogue loaded: {Count} shows", _all.Count);
        }
        finally
        {
            _reload.Release();
        }
    }

    internal static async Task<IReadOnlyList<ShowEntry>> LoadAsync(BylineDb db, CancellationToken ct)
    {
        var shows = await db.Shows.AsNoTracking()
            .OrderBy(s => s.Position).ThenBy(s => s.Name)
            .Select(s => new
            {
                s.Id, s.Slug, s.Name, s.Description, s.ScheduleText, s.Position, s.IsActive,
                Artwork = s.Artwork == null ? null : new StoryImage(s.Artwork.Key, s.Artwork.Widths, s.Artwork.Width, s.Artwork.Height, s.Artwork.Alt),
            })
            .ToListAsync(ct);
        var result = new List<ShowEntry>(shows.Count);
        foreach (var s in shows)
        {
            // One short range of IX_Articles_Show per show; a site has a handful of shows.
            var latest = s.IsActive ? (await EpisodeQueries.NewestAsync(db, s.Id, s.Slug, 0, 1, ct)).FirstOrDefault() : null;
            result.Add(new ShowEntry(s.Id, s.Slug, s.Name, s.Description, s.ScheduleText, s.Position, s.IsActive, s.Artwork, latest));
        }
        return result;
    }

    /// <summary>True when a change can alter what the catalogue holds.</summary>
    public static bool Concerns(ContentEventRecord change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.Keys.Any(k => k == ContentKeys.Shows || k.StartsWith("show:", StringComparison.Ordinal) || k == ContentKeys.Format(StoryFormat.Episode));
    }
}

/// <summary>Loads the catalogue once the database is ready; <see cref="ShowCatalogConsumer"/> keeps it in step with changes.</summary>
internal sealed class ShowCatalogService(ShowCatalog catalog, Readiness readiness, ILogger<ShowCatalogService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.WhenReady.WaitAsync(stoppingToken);
            await catalog.ReloadAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping before start-up finished.
        }
#pragma warning disable CA1031 // a warm-up must not stop the host; the next show change reloads the catalogue
        catch (Exception e)
#pragma warning restore CA1031
        {
            log.LogWarning(e, "Shows could not be loaded at start; the next show or episode change reloads them");
        }
    }
}

/// <summary>The episode lists: a show's episodes newest first, one range of IX_Articles_Show.</summary>
public static class EpisodeQueries
{
    public static async Task<List<EpisodeCard>> NewestAsync(BylineDb db, int showId, string showSlug, int skip, int take, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ids = await db.Articles.AsNoTracking()
            .Where(a => a.ShowId == showId && a.Format == StoryFormat.Episode && a.Status == ArticleStatus.Published)
            .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id)
            .Select(a => a.Id).Skip(skip).Take(take).ToListAsync(ct);
        if (ids.Count == 0)
        {
            return [];
        }
        var rows = await db.Articles.AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new
            {
                a.Id, a.Slug, a.Headline, a.PublishedAt, a.FormatData,
                Image = a.LeadImage == null ? null : new StoryImage(a.LeadImage.Key, a.LeadImage.Widths, a.LeadImage.Width, a.LeadImage.Height, a.LeadImageAlt ?? a.LeadImage.Alt),
            })
            .ToListAsync(ct);
        return [.. rows.OrderByDescending(r => r.PublishedAt).ThenByDescending(r => r.Id)
            .Select(r => new EpisodeCard(r.Id, r.Headline, StoryFormats.Path(StoryFormat.Episode, "", r.Slug, r.Id, showSlug),
                r.PublishedAt ?? default, r.Image, FormatData.FromJson(r.FormatData).Video?.DurationSeconds ?? 0))];
    }
}

/// <summary>What the episode-list partial renders.</summary>
public sealed record EpisodeListView(IReadOnlyList<EpisodeCard> Episodes, Dateline Dateline, DateTime NowUtc);

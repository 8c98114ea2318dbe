using System.Text;
using Byline.Content;
using Byline.Hosting;
using Byline.Events;
using Byline.Site.Chrome;
using Microsoft.Extensions.Options;

namespace Byline.Caching;

/// <summary>
/// Turns content events into evictions in this process: each evicts exactly the entries carrying one of
/// its keys, a settings change every entry (all pages carry <c>settings</c>), and a change in what the
/// layout shows (sections, static page titles, the trending strip) marks every entry stale through the
/// soft <c>chrome</c> key. Runs after the data caches (<see cref="ConsumerStage.LocalPages"/>), so a page
/// rendered right after the eviction reads fresh data. CDN purges are a durable consumer of their own.
/// </summary>
public sealed class OutputCacheConsumer(OutputCacheStore store, ChromeWatch chrome, Readiness readiness, ILogger<OutputCacheConsumer> log) : IContentConsumer
{
    public string Name => "output-cache";

    public ConsumerStage Stage => ConsumerStage.LocalPages;

    public async Task HandleAsync(ContentEventRecord change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        var keys = change.Keys.Where(ContentKeys.CanTagPages).ToList();
        if (keys.Count == 0 && change.Keys.Count > 0)
        {
            // Only wire items: no page shows them, and the wire may bring thousands a minute.
            return;
        }
        // Reload the chrome first, so the pages rendered after the eviction already show the new strip.
        // A draft's save cannot change it (no menu, strip or hub shows an unseen story): skip the re-read.
        if (readiness.IsReady && !change.OnlyUnseenStory && await chrome.ChangedAsync(ct))
        {
            keys.Add(CacheTags.Chrome);
        }
        var result = store.Invalidate(keys);
        log.LogDebug("Cache: {Reason} evicted {Evicted} and staled {Stale} entries for {Keys}", change.Reason, result.Evicted, result.MarkedStale, string.Join(' ', keys));
    }
}

/// <summary>Tells the CDN what to purge for each change, once per deployment, with the outbox's retries behind it.</summary>
public sealed class CdnPurgeConsumer(CdnPurge purge) : IContentConsumer
{
    public string Name => "cdn-purge";

    public ConsumerStage Stage => ConsumerStage.Durable;

    public Task HandleAsync(ContentEventRecord change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        return purge.PostAsync([.. change.Keys.Where(ContentKeys.CanTagPages)], ct);
    }
}

/// <summary>
/// The trending strip ages on its own (stories leave the last day), with no event: this looks at the
/// chrome every half minute and marks every page stale when it changed.
/// </summary>
public sealed class CacheInvalidation(
    OutputCacheStore store,
    ChromeWatch chrome,
    CdnPurge purge,
    IOptionsMonitor<CacheOptions> options,
    Readiness readiness,
    ILogger<CacheInvalidation> log) : BackgroundService
{

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.WhenReady.WaitAsync(stoppingToken);
            await chrome.ChangedAsync(stoppingToken);
            using var timer = new PeriodicTimer(options.CurrentValue.ChromeCheckInterval > TimeSpan.Zero ? options.CurrentValue.ChromeCheckInterval : TimeSpan.FromSeconds(30));
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (await chrome.ChangedAsync(stoppingToken))
                    {
                        string[] keys = [CacheTags.Chrome];
                        store.Invalidate(keys);
                        purge.Enqueue(keys);
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    log.LogWarning(e, "Checking the site chrome for changes failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // start-up failed: the watcher ends quietly rather than take the host down
        catch (Exception e)
#pragma warning restore CA1031
        {
            // Start-up failed; nothing to watch.
            log.LogDebug(e, "Cache invalidation is not watching the chrome");
        }
    }
}

/// <summary>Remembers what the layout showed last, to tell when a reload changed it.</summary>
public sealed class ChromeWatch(SiteChrome chrome) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _print;
    private volatile string? _hash;

    /// <summary>A short hash of what the layout showed at the last reload (null before the first): pages shared between nodes carry it.</summary>
    public string? Print => _hash;

    public void Dispose() => _gate.Dispose();

    /// <summary>Reloads the chrome; true when it differs from the last reload (false the first time).</summary>
    public async Task<bool> ChangedAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var print = Fingerprint(await chrome.ReloadAsync(ct));
            var changed = _print is not null && !string.Equals(print, _print, StringComparison.Ordinal);
            if (!string.Equals(print, _print, StringComparison.Ordinal))
            {
                _print = print;
                _hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(print)).AsSpan(0, 12));
            }
            return changed;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string Fingerprint(ChromeSnapshot snapshot)
    {
        var text = new StringBuilder();
        foreach (var s in snapshot.ById.Values.OrderBy(s => s.Id))
        {
            text.Append(s.Id).Append('|').Append(s.Slug).Append('|').Append(s.Name).Append('|').Append(s.ParentId).Append('|')
                .Append(s.Position).Append('|').Append(s.ShowOnHome).Append('|').Append(s.Url).Append('\n');
        }
        foreach (var p in snapshot.StaticPages)
        {
            text.Append(p).Append('\n');
        }
        foreach (var e in snapshot.Events)
        {
            text.Append(e).Append('\n');
        }
        foreach (var t in snapshot.Trending)
        {
            text.Append(t.Headline).Append('|').Append(t.Url).Append('\n');
        }
        return text.ToString();
    }
}

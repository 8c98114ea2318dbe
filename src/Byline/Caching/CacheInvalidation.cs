using System.Text;
using Byline.Content;
using Byline.Hosting;
using Byline.Publishing;
using Byline.Site.Chrome;

namespace Byline.Caching;

/// <summary>
/// Turns changes into evictions: a <see cref="ContentChanged"/> evicts exactly the entries carrying
/// one of its keys, a settings change every entry (all pages carry <c>settings</c>), and a change in
/// what the layout shows (sections, static page titles, the trending strip) marks every entry stale
/// through the soft <c>chrome</c> key. Each eviction is passed on to the CDN purge hook.
/// </summary>
public sealed class CacheInvalidation(
    OutputCacheStore store,
    ContentEvents events,
    SiteSettingsStore settings,
    SiteChrome chrome,
    PurgeWebhook purge,
    Readiness readiness,
    ILogger<CacheInvalidation> log) : BackgroundService
{
    /// <summary>The trending strip ages on its own (stories leave the last day); look this often.</summary>
    private static readonly TimeSpan ChromeCheck = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _chromeGate = new(1, 1);
    private string? _chromePrint;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Subscribed before the first await: no event raised after start-up is missed.
        events.Subscribe(OnContentChangedAsync);
        settings.Changed += OnSettingsChanged;
        try
        {
            await readiness.WhenReady.WaitAsync(stoppingToken);
            await ChromeChangedAsync(stoppingToken);
            using var timer = new PeriodicTimer(ChromeCheck);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (await ChromeChangedAsync(stoppingToken))
                    {
                        Evict([CacheTags.Chrome], "chrome");
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
        finally
        {
            settings.Changed -= OnSettingsChanged;
        }
    }

    public override void Dispose()
    {
        _chromeGate.Dispose();
        base.Dispose();
    }

    private async Task OnContentChangedAsync(ContentChanged change, CancellationToken ct)
    {
        var keys = change.Keys.ToList();
        // Reload the chrome first, so the pages rendered after the eviction already show the new strip.
        if (readiness.IsReady && await ChromeChangedAsync(ct))
        {
            keys.Add(CacheTags.Chrome);
        }
        Evict(keys, change.Reason);
    }

    private void OnSettingsChanged(SiteSettings _) => Evict([ContentKeys.Settings], "settings");

    private void Evict(IReadOnlyCollection<string> keys, string reason)
    {
        var result = store.Invalidate(keys);
        purge.Enqueue(keys);
        log.LogDebug("Cache: {Reason} evicted {Evicted} and staled {Stale} entries for {Keys}", reason, result.Evicted, result.MarkedStale, string.Join(' ', keys));
    }

    private async Task<bool> ChromeChangedAsync(CancellationToken ct)
    {
        await _chromeGate.WaitAsync(ct);
        try
        {
            var print = Fingerprint(await chrome.ReloadAsync(ct));
            var changed = _chromePrint is not null && !string.Equals(print, _chromePrint, StringComparison.Ordinal);
            _chromePrint = print;
            return changed;
        }
        finally
        {
            _chromeGate.Release();
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

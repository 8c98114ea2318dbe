using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Byline.Caching;

/// <summary>
/// Tells a CDN which surrogate keys to purge: each eviction by content key is POSTed as
/// <c>{"keys": [...]}</c> to <c>Byline:Cache:PurgeWebhook</c>. Queued, so a slow or failing CDN never
/// holds up a publish; failures are logged and not retried (the CDN's own max-age bounds the damage).
/// </summary>
public sealed class PurgeWebhook(IHttpClientFactory clients, IOptionsMonitor<CacheOptions> options, ILogger<PurgeWebhook> log) : BackgroundService
{
    public const string ClientName = "byline-cache-purge";

    private readonly Channel<string[]> _queue = Channel.CreateBounded<string[]>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public void Enqueue(IReadOnlyCollection<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0 || string.IsNullOrWhiteSpace(options.CurrentValue.PurgeWebhook))
        {
            return;
        }
        _queue.Writer.TryWrite([.. keys]);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var keys in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            var opts = options.CurrentValue;
            if (string.IsNullOrWhiteSpace(opts.PurgeWebhook))
            {
                continue;
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(opts.PurgeTimeout);
            try
            {
                using var client = clients.CreateClient(ClientName);
                using var response = await client.PostAsJsonAsync(opts.PurgeWebhook, new PurgeRequest(keys), timeout.Token);
                if (!response.IsSuccessStatusCode)
                {
                    log.LogWarning("Purge webhook answered {Status} for {Keys}", (int)response.StatusCode, string.Join(' ', keys));
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Purge webhook failed for {Keys}", string.Join(' ', keys));
            }
        }
    }
}

/// <summary>The body of a purge call.</summary>
public sealed record PurgeRequest(IReadOnlyList<string> Keys);

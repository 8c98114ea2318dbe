using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Byline.Caching;

/// <summary>
/// Tells a CDN which surrogate keys to purge: keys are POSTed as <c>{"keys": [...]}</c> to
/// <c>Byline:Cache:PurgeWebhook</c>. Content changes go through <see cref="PostAsync"/> from the outbox
/// (retried, never lost); the chrome's own periodic staleness is queued here and not retried (the CDN's
/// max-age bounds that).
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

    /// <summary>
    /// Posts one change's keys now and throws when the CDN does not take them, so the outbox retries
    /// (with backoff, then a dead letter an admin can retry). Nothing to do when no hook is configured.
    /// </summary>
    public async Task PostAsync(IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var opts = options.CurrentValue;
        if (keys.Count == 0 || string.IsNullOrWhiteSpace(opts.PurgeWebhook))
        {
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(opts.PurgeTimeout);
        using var client = clients.CreateClient(ClientName);
        try
        {
            using var response = await client.PostAsJsonAsync(opts.PurgeWebhook, new PurgeRequest([.. keys]), timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"The purge hook answered {(int)response.StatusCode}.", null, response.StatusCode);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"The purge hook did not answer within {opts.PurgeTimeout.TotalSeconds:0.#} s.");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await SendAllAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: queued purges go with it (the CDN's own expiry covers them).
        }
    }

    private async Task SendAllAsync(CancellationToken stoppingToken)
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

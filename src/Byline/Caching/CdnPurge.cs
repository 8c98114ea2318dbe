using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Byline.Caching;

/// <summary>
/// Tells the CDN what to purge, through the adapter <c>Byline:Cache:Cdn:Kind</c> names: the webhook
/// (<c>{"keys": [...]}</c> POSTed to <c>Byline:Cache:PurgeWebhook</c>), Fastly (surrogate keys),
/// Cloudflare (cache tags or URLs) or plain HTTP (a request per affected URL, or one <c>BAN</c>).
/// Content changes go through <see cref="PostAsync"/> from the outbox (retried, never lost); the
/// chrome's own periodic staleness is queued here and not retried (the CDN's max-age bounds that).
/// Tokens are sent, never logged.
/// </summary>
public sealed class CdnPurge(IHttpClientFactory clients, IOptionsMonitor<CacheOptions> options, PurgeUrls urls, ILogger<CdnPurge> log) : BackgroundService
{
    public const string ClientName = "byline-cache-purge";

    private readonly Channel<string[]> _queue = Channel.CreateBounded<string[]>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>True when an adapter is configured enough to send anything.</summary>
    public static bool IsConfigured(CacheOptions opts)
    {
        ArgumentNullException.ThrowIfNull(opts);
        var cdn = opts.Cdn;
        return cdn.Kind switch
        {
            CdnKind.Fastly => !string.IsNullOrWhiteSpace(cdn.Fastly.ServiceId),
            CdnKind.Cloudflare => !string.IsNullOrWhiteSpace(cdn.Cloudflare.ZoneId),
            CdnKind.Http => cdn.Http.BaseUrl is not null,
            _ => !string.IsNullOrWhiteSpace(opts.PurgeWebhook),
        };
    }

    public void Enqueue(IReadOnlyCollection<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0 || !IsConfigured(options.CurrentValue))
        {
            return;
        }
        _queue.Writer.TryWrite([.. keys]);
    }

    /// <summary>
    /// Purges one change's keys now and throws when the CDN does not take them, so the outbox retries
    /// (with backoff, then a dead letter an admin can retry). Nothing to do when no CDN is configured.
    /// </summary>
    public async Task PostAsync(IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var opts = options.CurrentValue;
        if (keys.Count == 0 || !IsConfigured(opts))
        {
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(opts.PurgeTimeout);
        using var client = clients.CreateClient(ClientName);
        try
        {
            await (opts.Cdn.Kind switch
            {
                CdnKind.Fastly => FastlyAsync(client, opts.Cdn, keys, timeout.Token),
                CdnKind.Cloudflare => CloudflareAsync(client, opts.Cdn, keys, timeout.Token),
                CdnKind.Http => HttpAsync(client, opts.Cdn, keys, timeout.Token),
                _ => WebhookAsync(client, opts.PurgeWebhook!, keys, timeout.Token),
            });
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"The CDN ({opts.Cdn.Kind}) did not answer the purge within {opts.PurgeTimeout.TotalSeconds:0.#} s.");
        }
    }

    private static async Task WebhookAsync(HttpClient client, string hook, IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync(hook, new PurgeRequest([.. keys]), ct);
        EnsureTaken(response, "The purge hook");
    }

    /// <summary>Fastly: <c>POST /service/{id}/purge</c> with the keys space-separated in <c>Surrogate-Key</c>, in batches.</summary>
    private static async Task FastlyAsync(HttpClient client, CdnOptions cdn, IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var fastly = cdn.Fastly;
        var token = await SecretAsync(fastly.Token, fastly.TokenFile, ct);
        var address = new Uri(WithSlash(fastly.BaseUrl), $"service/{Uri.EscapeDataString(fastly.ServiceId!)}/purge");
        foreach (var batch in keys.Chunk(Math.Max(1, fastly.BatchSize)))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, address);
            request.Headers.TryAddWithoutValidation("Surrogate-Key", string.Join(' ', batch));
            if (token is not null)
            {
                request.Headers.TryAddWithoutValidation("Fastly-Key", token);
            }
            if (fastly.SoftPurge)
            {
                request.Headers.TryAddWithoutValidation("Fastly-Soft-Purge", "1");
            }
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await client.SendAsync(request, ct);
            EnsureTaken(response, "Fastly");
        }
    }

    /// <summary>Cloudflare: <c>POST /zones/{zone}/purge_cache</c> with <c>{"tags": [...]}</c>, or <c>{"files": [...]}</c> of the affected URLs.</summary>
    private async Task CloudflareAsync(HttpClient client, CdnOptions cdn, IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var cf = cdn.Cloudflare;
        var token = await SecretAsync(cf.Token, cf.TokenFile, ct);
        var address = new Uri(WithSlash(cf.BaseUrl), $"zones/{Uri.EscapeDataString(cf.ZoneId!)}/purge_cache");
        IReadOnlyList<string> items = keys.ToList();
        if (cf.PurgeBy == CloudflarePurgeBy.Files)
        {
            var site = PublicBase(cdn) ?? throw new InvalidOperationException("Byline:Cache:Cdn:PublicBaseUrl is needed to purge Cloudflare by URL.");
            items = [.. (await urls.PathsAsync(keys, cdn.Http.MaxUrls, ct)).Select(p => new Uri(site, p).AbsoluteUri)];
        }
        foreach (var batch in items.Chunk(Math.Max(1, cf.BatchSize)))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, address)
            {
                Content = JsonContent.Create(cf.PurgeBy == CloudflarePurgeBy.Files
                    ? new Dictionary<string, string[]> { ["files"] = batch }
                    : new Dictionary<string, string[]> { ["tags"] = batch }),
            };
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            using var response = await client.SendAsync(request, ct);
            EnsureTaken(response, "Cloudflare");
        }
    }

    /// <summary>Plain HTTP: one <c>BAN</c> naming the keys, or a request per affected URL (and per listed coding).</summary>
    private async Task HttpAsync(HttpClient client, CdnOptions cdn, IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var http = cdn.Http;
        var host = http.Host ?? PublicBase(cdn)?.Authority;
        var method = new HttpMethod(http.Method.Trim().ToUpperInvariant());
        if (method.Method == "BAN")
        {
            using var ban = Request(method, WithSlash(http.BaseUrl!), http, host, "");
            ban.Headers.TryAddWithoutValidation(http.BanHeader, "(^| )(" + string.Join('|', keys.Select(Regex.Escape)) + ")( |$)");
            using var answer = await client.SendAsync(ban, ct);
            EnsureTaken(answer, "The cache's BAN");
            return;
        }
        var encodings = http.AcceptEncodings is { Length: > 0 } e ? e : [""];
        foreach (var path in await urls.PathsAsync(keys, http.MaxUrls, ct))
        {
            foreach (var coding in encodings)
            {
                using var request = Request(method, new Uri(WithSlash(http.BaseUrl!), path.TrimStart('/')), http, host, coding);
                // The whole answer is read: a proxy refreshing its copy (nginx) stores it only once the body has gone through.
                using var response = await client.SendAsync(request, ct);
                // A purge of a URL the cache does not hold answers 404 (Varnish, the purge module): nothing was stale.
                if (response.StatusCode != System.Net.HttpStatusCode.NotFound)
                {
                    EnsureTaken(response, $"The cache's {method.Method} {path}");
                }
            }
        }
    }

    private static HttpRequestMessage Request(HttpMethod method, Uri address, HttpCdnOptions http, string? host, string coding)
    {
        var request = new HttpRequestMessage(method, address);
        if (!string.IsNullOrEmpty(host))
        {
            request.Headers.Host = host;
        }
        foreach (var (name, value) in http.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        if (coding.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", coding);
        }
        return request;
    }

    private static Uri? PublicBase(CdnOptions cdn) =>
        Uri.TryCreate(cdn.PublicBaseUrl, UriKind.Absolute, out var site) ? site : null;

    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    private static async Task<string?> SecretAsync(string? value, string? file, CancellationToken ct) =>
        !string.IsNullOrWhiteSpace(file) ? (await File.ReadAllTextAsync(file, Encoding.UTF8, ct)).Trim()
        : string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Throws on a non-2xx answer (the status only: a CDN's error body may echo the request's token).</summary>
    private static void EnsureTaken(HttpResponseMessage response, string who)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{who} answered {(int)response.StatusCode} to the purge.", null, response.StatusCode);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var keys in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await PostAsync(keys, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    log.LogWarning("CDN purge failed for {Keys}: {Error}", string.Join(' ', keys), e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: queued purges go with it (the CDN's own expiry covers them).
        }
    }
}

/// <summary>The body of a purge call.</summary>
public sealed record PurgeRequest(IReadOnlyList<string> Keys);

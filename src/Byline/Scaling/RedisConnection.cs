using Byline.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Byline.Scaling;

/// <summary>
/// This node's one connection to Redis, made at boot when <c>Byline:Redis:Configuration</c> is set.
/// Redis is an accelerator, never the source of truth: the connection is made without aborting when
/// Redis is away (the client keeps reconnecting in the background), and every user of it has a path
/// that works without it — the outbox for evictions, the local limiter for sign-ins.
/// </summary>
public sealed class RedisConnection(IOptions<RedisOptions> options, ILogger<RedisConnection> log) : IAsyncDisposable
{
    private ConnectionMultiplexer? _multiplexer;

    public bool Enabled { get; } = !string.IsNullOrWhiteSpace(options.Value.Configuration);

    /// <summary>The connection, once made (null when Redis is not configured or before boot).</summary>
    public IConnectionMultiplexer? Multiplexer => _multiplexer;

    /// <summary>Connected now (a command would be sent rather than queued).</summary>
    public bool IsConnected => _multiplexer?.IsConnected == true;

    public RedisChannel Channel(string name) => RedisChannel.Literal(options.Value.Prefix + ":" + name);

    public RedisKey Key(string name) => options.Value.Prefix + ":" + name;

    /// <summary>
    /// Subscribes now if Redis answers, else as soon as the connection is made (a node that starts while
    /// Redis is down subscribes when it comes up; the client itself restores subscriptions after later drops).
    /// </summary>
    public async Task SubscribeAsync(string name, Action<RedisValue> handler)
    {
        if (_multiplexer is not { } mux)
        {
            return;
        }
        var channel = Channel(name);
        var subscribed = 0;
        async Task TryAsync()
        {
            if (Volatile.Read(ref subscribed) == 1)
            {
                return;
            }
            try
            {
                await mux.GetSubscriber().SubscribeAsync(channel, (_, message) => handler(message));
                Interlocked.Exchange(ref subscribed, 1);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                log.LogInformation("Redis channel {Channel} not subscribed yet ({Error}); subscribing when the connection is made", name, e.Message);
            }
        }
        mux.ConnectionRestored += (_, _) => _ = TryAsync();
        await TryAsync();
    }

    /// <summary>Publishes without waiting; nothing happens while Redis is away (the outbox and the poll cover it).</summary>
    public void Publish(string name, byte[] payload)
    {
        if (_multiplexer is not { IsConnected: true } mux)
        {
            return;
        }
        try
        {
            mux.GetSubscriber().Publish(Channel(name), payload, CommandFlags.FireAndForget);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            log.LogDebug(e, "Publishing on Redis channel {Channel} failed; the outbox covers it", name);
        }
    }

    internal async Task ConnectAsync()
    {
        if (!Enabled || _multiplexer is not null)
        {
            return;
        }
        var config = ConfigurationOptions.Parse(options.Value.Configuration!);
        // Start even when Redis is down: pages are served from the database, evictions come from the outbox.
        config.AbortOnConnectFail = false;
        config.ClientName ??= "byline-" + Environment.MachineName;
        _multiplexer = await ConnectionMultiplexer.ConnectAsync(config);
        _multiplexer.ConnectionFailed += (_, e) => log.LogWarning("Redis connection lost ({Type}, {Failure}); evictions follow the outbox until it is back", e.ConnectionType, e.FailureType);
        _multiplexer.ConnectionRestored += (_, e) => log.LogInformation("Redis connection restored ({Type})", e.ConnectionType);
        log.LogInformation("Redis {State} at {Endpoints}", _multiplexer.IsConnected ? "connected" : "not reachable yet (retrying in the background)",
            string.Join(", ", config.EndPoints));
    }

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is not null)
        {
            await _multiplexer.DisposeAsync();
        }
    }
}

/// <summary>At boot, before the other steps that use it: the connection to Redis.</summary>
internal sealed class RedisBoot(RedisConnection redis) : IBootStep
{
    public Task RunAsync(IServiceProvider services, CancellationToken ct) => redis.ConnectAsync();
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Byline.Events;
using Byline.Hosting;
using StackExchange.Redis;

namespace Byline.Scaling;

/// <summary>
/// Cross-node eviction over Redis pub/sub. After a commit here, the events (their ids and content keys)
/// are published on <c>{prefix}:events</c>; every other node hands them to its local consumers — data
/// caches, then its output cache — at once, by key, without reading them back from the database.
/// <para>The outbox stays the truth. A node's local consumers keep their own position (in memory, from
/// the newest event at start); an announcement only delivers events that are next in line after it, a
/// gap sends the node to the table, and the poll reads the table every <c>Byline:Events:PollSeconds</c>
/// whatever Redis does. When the connection comes back after an outage the node catches up at once. So
/// a lost message or a Redis restart delays an eviction by at most one poll interval; it never leaves a
/// page stale.</para>
/// </summary>
internal sealed class RedisEventRelay(RedisConnection redis, ContentEventDispatcher dispatcher, ILogger<RedisEventRelay> log) : IEventFanOut, IBootStep
{
    private const string ChannelName = "events";

    public async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        if (redis.Multiplexer is not { } mux)
        {
            return;
        }
        // After a reconnect the events missed meanwhile are read from the outbox.
        mux.ConnectionRestored += (_, _) => _ = CatchUpAsync();
        await redis.SubscribeAsync(ChannelName, Received);
        dispatcher.AddFanOut(this);
    }

    public void Announce(IReadOnlyList<ContentEventRecord> committed)
    {
        if (!redis.IsConnected)
        {
            // Redis is away: the other nodes read the outbox when they poll.
            return;
        }
        var message = new Announcement(dispatcher.Node, [.. committed.Select(e => new AnnouncedEvent(e.Id, e.Keys, e.Reason, e.ArticleId, e.Actor, e.At))]);
        var payload = JsonSerializer.SerializeToUtf8Bytes(message, RelayJson.Default.Announcement);
        // Fire and forget: the save never waits for Redis.
        redis.Publish(ChannelName, payload);
    }

    private void Received(RedisValue message)
    {
        Announcement? announced;
        try
        {
            announced = JsonSerializer.Deserialize(((ReadOnlyMemory<byte>)message).Span, RelayJson.Default.Announcement);
        }
        catch (JsonException e)
        {
            log.LogWarning(e, "An event announcement on Redis could not be read; the outbox poll delivers it");
            return;
        }
        if (announced is null || announced.Node == dispatcher.Node)
        {
            return;
        }
        var events = announced.Events.Select(e => new ContentEventRecord(e.Id, e.Keys, e.Reason, e.ArticleId, e.Actor, e.At)).ToList();
        _ = DeliverAsync(events);
    }

    private async Task DeliverAsync(IReadOnlyList<ContentEventRecord> events)
    {
        try
        {
            await dispatcher.AcceptAnnouncedAsync(events, CancellationToken.None);
        }
#pragma warning disable CA1031 // A failed delivery here is retried by the outbox poll; the subscriber thread must not die.
        catch (Exception e)
#pragma warning restore CA1031
        {
            log.LogWarning(e, "Delivering announced events failed; the outbox poll delivers them");
        }
    }

    private Task CatchUpAsync() => DeliverAsync([]);

    internal sealed record Announcement(string Node, IReadOnlyList<AnnouncedEvent> Events);

    internal sealed record AnnouncedEvent(long Id, IReadOnlyList<string> Keys, string Reason, int? ArticleId, string Actor, DateTime At);
}

[JsonSerializable(typeof(RedisEventRelay.Announcement))]
[JsonSerializable(typeof(LiveRelayMessage))]
internal sealed partial class RelayJson : JsonSerializerContext;

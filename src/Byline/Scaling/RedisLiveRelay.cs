using System.Text.Json;
using Byline.Hosting;
using Byline.LiveBlogs;
using StackExchange.Redis;

namespace Byline.Scaling;

/// <summary>
/// Live-blog updates fanned out across nodes: an update posted on node A is published on
/// <c>{prefix}:live</c> and every other node sends it to the readers connected to it. Each node numbers
/// its own stream (a reader that reconnects to another node is sent the current state first), so no
/// node needs to agree with another on a sequence.
/// </summary>
internal sealed class RedisLiveRelay(RedisConnection redis, LiveBlogFeed feed, ILogger<RedisLiveRelay> log) : IBootStep
{
    private const string ChannelName = "live";
    private readonly string _node = Guid.NewGuid().ToString("N");

    public async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        if (redis.Multiplexer is null)
        {
            return;
        }
        await redis.SubscribeAsync(ChannelName, Received);
        feed.AddRelay((articleId, json) =>
            redis.Publish(ChannelName, JsonSerializer.SerializeToUtf8Bytes(new LiveRelayMessage(_node, articleId, json), RelayJson.Default.LiveRelayMessage)));
    }

    private void Received(RedisValue message)
    {
        try
        {
            if (JsonSerializer.Deserialize(((ReadOnlyMemory<byte>)message).Span, RelayJson.Default.LiveRelayMessage) is { } m && m.Node != _node)
            {
                feed.PublishHere(m.ArticleId, m.Json);
            }
        }
        catch (JsonException e)
        {
            log.LogWarning(e, "A live-blog message on Redis could not be read");
        }
    }
}

internal sealed record LiveRelayMessage(string Node, int ArticleId, string Json);

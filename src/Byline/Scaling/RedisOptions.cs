namespace Byline.Scaling;

/// <summary>Redis between the nodes of one deployment (<c>Byline:Redis</c>); off unless <see cref="Configuration"/> is set.</summary>
public sealed class RedisOptions
{
    public const string Section = "Byline:Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379,password=…</c>. Empty: one node, no Redis.</summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of every channel and key, so several sites can share one Redis.</summary>
    public string Prefix { get; set; } = "byline";

    /// <summary>Rendered pages shared between the nodes through Redis (a second level behind each node's output cache).</summary>
    public bool SharePages { get; set; } = true;

    /// <summary>How long a node that missed waits for the shared page store before it renders the page itself.</summary>
    public int SharedPagesTimeoutMs { get; set; } = 100;
}

namespace Byline.Scaling;

/// <summary>Redis between the nodes of one deployment (<c>Byline:Redis</c>); off unless <see cref="Configuration"/> is set.</summary>
public sealed class RedisOptions
{
    public const string Section = "Byline:Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379,password=…</c>. Empty: one node, no Redis.</summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of every channel and key, so several sites can share one Redis.</summary>
    public string Prefix { get; set; } = "byline";
}

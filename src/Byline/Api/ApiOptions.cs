namespace Byline.Api;

/// <summary><c>Byline:Api</c>: page sizes and rate limits of the content API (docs/api.md).</summary>
public sealed class ApiOptions
{
    /// <summary>Requests per minute of a client without a key, per address.</summary>
    public int AnonymousRequestsPerMinute { get; set; } = 60;

    /// <summary>Requests per minute of a key that sets no limit of its own.</summary>
    public int KeyRequestsPerMinute { get; set; } = 1200;

    /// <summary>The largest page of a client without a key (stories, tags, authors).</summary>
    public int AnonymousMaxPageSize { get; set; } = 50;

    /// <summary>The largest page of a keyed client; there is no cap on how far it pages.</summary>
    public int KeyMaxPageSize { get; set; } = 500;

    /// <summary>The largest page of the changes feed, without and with a key.</summary>
    public int AnonymousMaxChanges { get; set; } = 1000;

    public int KeyMaxChanges { get; set; } = 10_000;

    /// <summary>How long a resolved key is trusted before it is read again (a revoke on this node applies at once).</summary>
    public TimeSpan KeyCacheLifetime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest JSON body the admin API reads (a story's body is at most 400,000 characters).</summary>
    public int MaxJsonBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Requests per minute of a personal token (the admin API); each token has its own bucket.</summary>
    public int TokenRequestsPerMinute { get; set; } = 300;

    /// <summary>Cache-Control max-age of public answers.</summary>
    public TimeSpan PublicMaxAge { get; set; } = TimeSpan.FromSeconds(30);
}

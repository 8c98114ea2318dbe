namespace Byline.Wire;

/// <summary>Settings under <c>Byline:Wire</c> (docs/wire.md).</summary>
public sealed class WireOptions
{
    public const string Section = "Byline:Wire";

    /// <summary>
    /// Host names (or literal addresses) an admin allows although they resolve to loopback, link-local or
    /// private networks — an agency gateway inside the newsroom's network. Every other feed must be public.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; set; } = [];

    /// <summary>One fetch, connection and body included: a feed that hangs fails the poll, not the poller.</summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest feed document read; a larger one is refused without reading the rest.</summary>
    public long MaxDocumentBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The largest single item (its body as received); a larger one is quarantined.</summary>
    public int MaxItemBytes { get; set; } = 1024 * 1024;

    /// <summary>How often a node looks for sources due a poll.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a node holds a source it polls before another node may take it over (longer than a fetch).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>This node polls nothing (other nodes do; pushes are still taken).</summary>
    public bool PausePolling { get; set; }

    /// <summary>Wire items older than this are pruned, unless a story used them.</summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>
    /// Largest Hamming distance between two items' 64-bit SimHashes (of their bodies) for them to be one cluster.
    /// Measured on generated 250-word copy: one word changed lands at 3 (median; 95 % within 6), unrelated
    /// items at 20 or more. At most 7 (the band index finds candidates within 7).
    /// </summary>
    public int ClusterDistance { get; set; } = 6;

    /// <summary>How far back a new item looks for its near-duplicates.</summary>
    public TimeSpan ClusterWindow { get; set; } = TimeSpan.FromHours(48);

    /// <summary>The largest push request body.</summary>
    public long MaxPushBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>How far a push request's timestamp may be from this node's clock (replays of old requests are refused).</summary>
    public TimeSpan PushClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>One agency picture's fetch, connection and body included (pictures are fetched when a draft is made).</summary>
    public TimeSpan PictureTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The largest agency picture fetched; a larger one is refused without reading the rest.</summary>
    public long MaxPictureBytes { get; set; } = 15 * 1024 * 1024;

    /// <summary>The most pictures one draft carries (the lead picture and those after the body).</summary>
    public int MaxPicturesPerDraft { get; set; } = 8;

    /// <summary>A picture whose fetch failed is tried again by a later draft only after this long.</summary>
    public TimeSpan PictureRetryAfter { get; set; } = TimeSpan.FromHours(1);


    /// <summary>A dropped file is picked up once it has not changed for this long (a writer that does not rename into the folder is still writing).</summary>
    public TimeSpan FolderSettle { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The most files one scan of a watched folder takes (the rest wait for the next scan).</summary>
    public int FolderBatch { get; set; } = 200;
}

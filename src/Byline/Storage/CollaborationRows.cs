namespace Byline.Storage;

/// <summary>
/// Someone has a story open in the editor: one row per story and account, refreshed by the page's
/// heartbeat. A row whose <see cref="SeenAt"/> is older than the presence window no longer counts.
/// </summary>
public sealed class StoryPresence
{
    public int ArticleId { get; set; }
    public int UserId { get; set; }
    public DateTime SeenAt { get; set; }
}

/// <summary>
/// The soft lock: who may write a story now. The first editor holds it while their page beats; a
/// second may take it over. Saves by anyone else are refused (the lock lives across nodes in the database).
/// </summary>
public sealed class StoryLock
{
    public int ArticleId { get; set; }
    public int UserId { get; set; }
    public DateTime Since { get; set; }
    public DateTime BeatAt { get; set; }
}

/// <summary>An editorial note on a story: a thread entry, resolved or open.</summary>
public sealed class StoryNote
{
    public const int MaxText = 4000;

    public long Id { get; set; }
    public int ArticleId { get; set; }
    public int? UserId { get; set; }
    public string UserName { get; set; } = "";
    public required string Text { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public string ResolvedByName { get; set; } = "";
}

/// <summary>A story assigned to one account, with an optional due time.</summary>
public sealed class StoryAssignment
{
    public int ArticleId { get; set; }
    public int UserId { get; set; }
    public DateTime? DueAt { get; set; }
    public int? AssignedById { get; set; }
    public DateTime AssignedAt { get; set; }
}

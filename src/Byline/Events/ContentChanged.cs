using Byline.Storage;

namespace Byline.Events;

/// <summary>Reasons that one folder writes and another reads (most reasons are read only as text, in the events page and logs).</summary>
public static class ContentReasons
{
    /// <summary>The wire desk stored a new item or a newer version of one (its key is <see cref="ContentKeys.WireItem"/>).</summary>
    public const string WireReceived = "wire.received";
}

/// <summary>
/// What changed: every key the write affects, why, the story it concerns and who did it. A write
/// appends one to the outbox in its own transaction; consumers receive it as a <see cref="ContentEventRecord"/>.
/// </summary>
public sealed record ContentChanged(IReadOnlyCollection<string> Keys, string Reason, int? ArticleId = null, string? Actor = null);

/// <summary>
/// One event as a consumer receives it: the outbox row's position (0 for a change that is not stored,
/// such as a popularity reshuffle that only this process computed) and its commit time.
/// </summary>
public sealed record ContentEventRecord(long Id, IReadOnlyList<string> Keys, string Reason, int? ArticleId, string Actor, DateTime At)
{
    public bool Names(string key) => Keys.Contains(key, StringComparer.Ordinal);

    /// <summary>
    /// A change to a story that no reader saw before it and none sees after it (a draft's save or
    /// autosave): the write path names only the story's own key then (its 404 page). No list, no search
    /// result and nothing in the site's chrome shows such a story.
    /// </summary>
    public bool OnlyUnseenStory =>
        ArticleId is int id && Reason.StartsWith("story.", StringComparison.Ordinal) && Keys.Count == 1 && Keys[0] == ContentKeys.Article(id);

    public static ContentEventRecord From(ContentEvent row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.Id, ContentEvent.SplitKeys(row.Keys), row.Reason, row.ArticleId, row.Actor, row.CreatedAt);
    }
}

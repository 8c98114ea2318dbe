using Byline.Events;

namespace Byline.Webhooks;

/// <summary>
/// The event types a subscription can ask for, and which content events mean which. Read from the
/// outbox row alone (its reason and keys), so a redelivered event always maps to the same type.
/// </summary>
public static class WebhookEventTypes
{
    public const string StoryPublished = "story.published";
    public const string StoryUpdated = "story.updated";
    public const string StoryUnpublished = "story.unpublished";
    public const string StoryScheduled = "story.scheduled";
    public const string StoryDeleted = "story.deleted";
    public const string SectionChanged = "section.changed";
    public const string TagChanged = "tag.changed";
    public const string AuthorChanged = "author.changed";
    public const string MediaUploaded = "media.uploaded";
    public const string WireItemReceived = "wire.item.received";

    /// <summary>Every type, in the order the newsroom lists them, with the label beside its checkbox.</summary>
    public static readonly IReadOnlyList<(string Type, string Label)> All =
    [
        (StoryPublished, "Story published (by an editor or the scheduler)"),
        (StoryUpdated, "Published story updated"),
        (StoryUnpublished, "Story unpublished"),
        (StoryScheduled, "Story scheduled"),
        (StoryDeleted, "Story deleted (only stories off the site can be)"),
        (SectionChanged, "Section changed"),
        (TagChanged, "Tag changed"),
        (AuthorChanged, "Author changed"),
        (MediaUploaded, "Media uploaded"),
        (WireItemReceived, "Wire item received (new items and new versions, kills included)"),
    ];

    public static bool IsKnown(string type) => All.Any(t => string.Equals(t.Type, type, StringComparison.Ordinal));

    /// <summary>
    /// The webhook type of a content event, or null when subscribers are not told of it (drafts saved,
    /// submitted for review, curation, settings). A save counts as an update only when the story was on
    /// the site: its event then names the shared lists (<c>latest</c>), a draft's names only the story.
    /// </summary>
    public static string? Of(ContentEventRecord change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var reason = change.Reason;
        if (change.ArticleId is not null && reason.StartsWith("story.", StringComparison.Ordinal))
        {
            return reason switch
            {
                "story.publish" => StoryPublished,
                "story.unpublish" => StoryUnpublished,
                "story.schedule" => StoryScheduled,
                "story.delete" => StoryDeleted,
                "story.save" when WasOnTheSite(change) => StoryUpdated,
                _ when reason.StartsWith("story.restore", StringComparison.Ordinal) && WasOnTheSite(change) => StoryUpdated,
                _ => null,
            };
        }
        if (reason.StartsWith("section: ", StringComparison.Ordinal))
        {
            return SectionChanged;
        }
        if (reason.StartsWith("tag: ", StringComparison.Ordinal))
        {
            return TagChanged;
        }
        if (reason.StartsWith("author: ", StringComparison.Ordinal))
        {
            return AuthorChanged;
        }
        return reason switch
        {
            "media.upload" => MediaUploaded,
            ContentReasons.WireReceived => WireItemReceived,
            _ => null,
        };
    }

    /// <summary>More than 4,000 characters of keys collapse to <c>settings</c> (docs/events.md), which only a visible story's event reaches.</summary>
    private static bool WasOnTheSite(ContentEventRecord change) => change.Names(ContentKeys.Latest) || change.Names(ContentKeys.Settings);

    /// <summary>Parses the space-separated list a subscription stores.</summary>
    public static IReadOnlyList<string> Split(string stored) =>
        (stored ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

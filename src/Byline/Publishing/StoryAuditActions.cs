namespace Byline.Publishing;

/// <summary>What publishing writes to the audit trail for a story: <c>story.create</c> and <c>story.{action}</c>.</summary>
public static class StoryAuditActions
{
    public const string Created = "story.create";

    /// <summary>Also the reason of the story's content event (webhooks send <c>story.deleted</c>).</summary>
    public const string Deleted = "story.delete";

    public static string Of(StoryAction action) => "story." + action.ToString().ToLowerInvariant();
}

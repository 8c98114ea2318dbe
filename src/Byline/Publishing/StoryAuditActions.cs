namespace Byline.Publishing;

/// <summary>What publishing writes to the audit trail for a story: <c>story.create</c> and <c>story.{action}</c>.</summary>
public static class StoryAuditActions
{
    public const string Created = "story.create";

    public static string Of(StoryAction action) => "story." + action.ToString().ToLowerInvariant();
}

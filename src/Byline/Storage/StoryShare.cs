namespace Byline.Storage;

/// <summary>
/// An editor let a contributor read a story that is neither theirs nor published (a draft, an
/// embargoed scheduled story): its editor page, revisions, previews and live desk, read-only.
/// </summary>
public sealed class StoryShare
{
    public int ArticleId { get; set; }
    public int UserId { get; set; }
    public int? SharedById { get; set; }
    public DateTime SharedAt { get; set; }
}

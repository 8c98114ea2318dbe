namespace Byline.Content;

public enum ArticleStatus
{
    Draft = 0,
    InReview = 1,
    Scheduled = 2,
    Published = 3,
    Unpublished = 4,
}

/// <summary>A story. Lists read the denormalised columns (TopSectionId, ListedAt) so every list is one index range.</summary>
public sealed class Article
{
    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Headline { get; set; }
    public string Standfirst { get; set; } = "";
    /// <summary>Markdown source, what the editor writes.</summary>
    public string BodyMarkdown { get; set; } = "";
    /// <summary>Sanitised HTML blocks derived from <see cref="BodyMarkdown"/> on save (JSON array, see BodyDocument).</summary>
    public string BodyHtml { get; set; } = "[]";
    public int WordCount { get; set; }
    public int? LeadImageId { get; set; }
    public Image? LeadImage { get; set; }
    /// <summary>Per-story overrides of the image's own alt text, caption and credit.</summary>
    public string? LeadImageAlt { get; set; }
    public string? LeadImageCaption { get; set; }
    public string? LeadImageCredit { get; set; }
    public int SectionId { get; set; }
    public Section? Section { get; set; }
    /// <summary>The top-level section (itself when the story sits in a top-level section).</summary>
    public int TopSectionId { get; set; }
    /// <summary>"With inputs from agencies" and the like; empty when the story used no wire copy.</summary>
    public string Attribution { get; set; } = "";
    public string? SeoTitle { get; set; }
    public string? SeoDescription { get; set; }
    public ArticleStatus Status { get; set; }
    /// <summary>When the story first went (or goes, if scheduled) live, UTC.</summary>
    public DateTime? PublishedAt { get; set; }
    /// <summary>Last editorial update after publication, UTC; null when never updated.</summary>
    public DateTime? UpdatedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ModifiedAt { get; set; }
    /// <summary>The newsroom account that created the story (contributors may edit only their own drafts).</summary>
    public int? CreatedById { get; set; }
    /// <summary>Optimistic concurrency token, bumped on every save.</summary>
    public int Version { get; set; }
    /// <summary>What kind of story this is; fixed when the story is created.</summary>
    public StoryFormat Format { get; set; }
    /// <summary>A short's full story, or a topic hub's live blog.</summary>
    public int? LinkedArticleId { get; set; }
    /// <summary>The show an episode belongs to.</summary>
    public int? ShowId { get; set; }
    /// <summary>JSON of <see cref="Content.FormatData"/>; null for an ordinary article.</summary>
    public string? FormatData { get; set; }
#pragma warning disable CA1002, CA2227 // EF navigation collections: the write path assigns loaded lists to them
    public List<ArticleAuthor> Authors { get; set; } = [];
    public List<ArticleTag> Tags { get; set; } = [];
#pragma warning restore CA1002, CA2227
}

/// <summary>A story's link to a tag or an author: the tag and author pages list these, newest first by <see cref="ListedAt"/>.</summary>
public interface IListedLink
{
    int ArticleId { get; }
    DateTime? ListedAt { get; }
}

public sealed class ArticleAuthor : IListedLink
{
    public int ArticleId { get; set; }
    public int AuthorId { get; set; }
    public Author? Author { get; set; }
    public int Position { get; set; }
    /// <summary>Copy of the article's PublishedAt while it is published, else null: the author page's sort key.</summary>
    public DateTime? ListedAt { get; set; }
}

public sealed class ArticleTag : IListedLink
{
    public int ArticleId { get; set; }
    public int TagId { get; set; }
    public Tag? Tag { get; set; }
    public int Position { get; set; }
    /// <summary>Copy of the article's PublishedAt while it is published, else null: the tag page's sort key.</summary>
    public DateTime? ListedAt { get; set; }
}

public sealed class Section
{
    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public int? ParentId { get; set; }
    public Section? Parent { get; set; }
    public int Position { get; set; }
    public bool ShowOnHome { get; set; } = true;
}

public sealed class Tag
{
    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
}

public sealed class Author
{
    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    /// <summary>A desk ("News Desk") rather than a person.</summary>
    public bool IsDesk { get; set; }
    public string JobTitle { get; set; } = "";
    public string Bio { get; set; } = "";
    /// <summary>The author's profiles elsewhere (absolute https addresses), one a line, shown in the author page's header.</summary>
    public string SocialLinks { get; set; } = "";
    public int? PhotoImageId { get; set; }
    public Image? Photo { get; set; }
}

/// <summary>A stored picture; its renditions live in the media store under <see cref="Key"/>.</summary>
public sealed class Image
{
    public int Id { get; set; }
    public required string Key { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public string Alt { get; set; } = "";
    public string Caption { get; set; } = "";
    public string Credit { get; set; } = "";
    /// <summary>Rendition widths available, comma-separated ("480,800,1200").</summary>
    public string Widths { get; set; } = "";
    public string ContentType { get; set; } = "image/jpeg";
    public DateTime CreatedAt { get; set; }
    /// <summary>The format the picture was uploaded in ("image/png"…), read from its first bytes; empty for pictures stored before it was kept.</summary>
    public string SourceType { get; set; } = "";
    /// <summary>Who uploaded it (the account's user name); null for pictures made by the system or stored before it was kept.</summary>
    public string? UploadedBy { get; set; }
    /// <summary>
    /// The focal point of each crop rendition, "1200x900=0.25,0.4;1200x1200=0.5,0.3" (fractions of the
    /// picture's width and height); a crop without one is centred. See <c>Media/Focus.cs</c>.
    /// </summary>
    public string Focus { get; set; } = "";
}

public sealed class StaticPage
{
    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Title { get; set; }
    public string BodyMarkdown { get; set; } = "";
    public string BodyHtml { get; set; } = "[]";
    public DateTime UpdatedAt { get; set; }
}

/// <summary>An editor-placed story in a curated list such as the home page's Top Stories.</summary>
public sealed class CuratedItem
{
    public int Id { get; set; }
    public required string List { get; set; }
    public int Position { get; set; }
    public int ArticleId { get; set; }
    public Article? Article { get; set; }
}

public enum RedirectKind
{
    Section = 0,
    Tag = 1,
    Author = 2,
    Page = 3,
    /// <summary>A video show (/shows/{slug}).</summary>
    Show = 4,
    /// <summary>A topic hub (/events/{slug}); the target is the hub story's id.</summary>
    Hub = 5,
}

/// <summary>An old slug kept after a rename so that old URLs answer 301.</summary>
public sealed class SlugRedirect
{
    public int Id { get; set; }
    public RedirectKind Kind { get; set; }
    public required string OldSlug { get; set; }
    public int TargetId { get; set; }
}

/// <summary>One named settings document (JSON). Typed access goes through SiteSettingsStore.</summary>
public sealed class SettingDocument
{
    public required string Key { get; set; }
    public required string Json { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A video show: its page lists its episodes (stories of format <see cref="StoryFormat.Episode"/>).</summary>
public sealed class Show
{
    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public int? ArtworkImageId { get; set; }
    public Image? Artwork { get; set; }
    /// <summary>When it airs, as readers should read it ("Weeknights at 9 pm").</summary>
    public string ScheduleText { get; set; } = "";
    public int Position { get; set; }
    /// <summary>Shown in the Video Shows menu, the Shows drawer and the Top Shows rail.</summary>
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// One timestamped entry of a live blog. Updates are written outside the story's version check so that
/// several editors can post at once; each update has its own version for corrections.
/// </summary>
public sealed class LiveBlogUpdate
{
    public long Id { get; set; }
    public int ArticleId { get; set; }
    public DateTime PostedAt { get; set; }
    /// <summary>Set when the update was corrected after posting.</summary>
    public DateTime? EditedAt { get; set; }
    public string Headline { get; set; } = "";
    public string BodyMarkdown { get; set; } = "";
    /// <summary>Sanitised HTML blocks (JSON, see BodyDocument).</summary>
    public string BodyHtml { get; set; } = "[]";
    /// <summary>The key update shown above the others.</summary>
    public bool IsPinned { get; set; }
    public bool IsDeleted { get; set; }
    public int? UserId { get; set; }
    public string AuthorName { get; set; } = "";
    public int Version { get; set; }
}

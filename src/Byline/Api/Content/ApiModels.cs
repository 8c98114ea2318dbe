using System.Text.Json;

namespace Byline.Api.Content;

// The shapes of the content API (docs/api.md). Absent values are left out of the JSON rather than
// written as null, and the related objects (section, tags, authors, body…) appear only when asked
// for with `include`, so a list stays small.

/// <summary>A page of a list and the cursor of the next one (absent on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Data, string? Next) : IApiPage;

public sealed record ApiImage(int Id, string Url, string SrcSet, int Width, int Height, string Alt, string Caption, string Credit);

public sealed record ApiBlock(string Kind, string Html);

public sealed record ApiSection(int Id, string Slug, string Name, string Description, int? ParentId, int Position, string Url);

public sealed record ApiTag(int Id, string Slug, string Name, string Description, string Url);

public sealed record ApiAuthor(int Id, string Slug, string Name, bool IsDesk, string JobTitle, string Bio, ApiImage? Photo, string Url);

public sealed record ApiShow(int Id, string Slug, string Name, string Description, string ScheduleText, bool IsActive, ApiImage? Artwork, string Url);

public sealed record ApiPageSummary(int Id, string Slug, string Title, DateTime UpdatedAt, string Url);

public sealed record ApiStaticPage(int Id, string Slug, string Title, DateTime UpdatedAt, string Url, IReadOnlyList<ApiBlock> Body);

/// <summary>One live-blog update (include=updates on a live blog).</summary>
public sealed record ApiLiveUpdate(long Id, DateTime PostedAt, DateTime? EditedAt, string Headline, bool IsPinned, string AuthorName, IReadOnlyList<ApiBlock> Body);

/// <summary>A story of any format. <c>Status</c> is shown to admin keys only (everyone else sees published stories alone).</summary>
public sealed record ApiStory
{
    public int Id { get; init; }
    public required string Slug { get; init; }
    public required string Url { get; init; }
    /// <summary>article, photo-story, live-blog, short, episode, web-story or hub.</summary>
    public required string Format { get; init; }
    public string? Status { get; init; }
    public required string Headline { get; init; }
    public required string Standfirst { get; init; }
    public DateTime? PublishedAt { get; init; }
    public DateTime? UpdatedAt { get; init; }
    public DateTime ModifiedAt { get; init; }
    public int SectionId { get; init; }
    public IReadOnlyList<int> TagIds { get; init; } = [];
    public IReadOnlyList<int> AuthorIds { get; init; } = [];
    public ApiImage? LeadImage { get; init; }
    public int WordCount { get; init; }
    public string? Attribution { get; init; }
    public int? ShowId { get; init; }
    public int? LinkedStoryId { get; init; }
    public ApiSection? Section { get; init; }
    public IReadOnlyList<ApiTag>? Tags { get; init; }
    public IReadOnlyList<ApiAuthor>? Authors { get; init; }
    public IReadOnlyList<ApiBlock>? Body { get; init; }
    /// <summary>Slides of a photo or web story, an episode's video, a hub's key facts and pinned stories, a live blog's end.</summary>
    public JsonElement? FormatData { get; init; }
    public IReadOnlyList<ApiLiveUpdate>? Updates { get; init; }
}

/// <summary>A search result: the story and the matched text with the engine's marks turned into &lt;mark&gt;.</summary>
public sealed record ApiSearchHit(ApiStory Story, string HeadlineHtml, string SnippetHtml);

/// <summary>
/// One entry of the changes feed: an outbox event as a mirror needs it. <c>Kind</c> is story, section,
/// tag, author, show, page or site; <c>Removed</c> says the thing is gone from the public site now
/// (deleted, unpublished, not yet published), so a mirror drops it instead of fetching it.
/// </summary>
public sealed record ApiChange(string Cursor, long Sequence, DateTime At, string Kind, string Action, int? Id, string? Slug, bool Removed);

/// <summary>A page of the changes feed. <c>Next</c> is always present: the position to ask from next time.</summary>
public sealed record ChangesPage(IReadOnlyList<ApiChange> Data, string Next, bool HasMore) : IApiPage;

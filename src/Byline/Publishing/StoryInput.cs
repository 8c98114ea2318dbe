using System.Text.Json;
using Byline.Content;

namespace Byline.Publishing;

/// <summary>
/// Every field of a story the newsroom edits. It is what the editor form posts, what a revision
/// stores as its snapshot, and what a restore brings back.
/// </summary>
public sealed record StoryInput
{
    public string Headline { get; init; } = "";
    public string Slug { get; init; } = "";
    public string Standfirst { get; init; } = "";
    public string BodyMarkdown { get; init; } = "";
    public int? SectionId { get; init; }
    /// <summary>Tag names in order; unknown names become new tags on save.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>Author or desk ids in byline order.</summary>
    public IReadOnlyList<int> AuthorIds { get; init; } = [];
    public int? LeadImageId { get; init; }
    public string? LeadImageAlt { get; init; }
    public string? LeadImageCaption { get; init; }
    public string? LeadImageCredit { get; init; }
    public string Attribution { get; init; } = "";
    public string? SeoTitle { get; init; }
    public string? SeoDescription { get; init; }
    /// <summary>Set when the story is created; a save never changes it.</summary>
    public StoryFormat Format { get; init; }
    /// <summary>A short's full story, or a topic hub's live blog.</summary>
    public int? LinkedArticleId { get; init; }
    /// <summary>An episode's show.</summary>
    public int? ShowId { get; init; }
    /// <summary>Slides, video, key facts, pinned stories, live-blog state: see <see cref="FormatData"/>.</summary>
    public FormatData Extras { get; init; } = new();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static StoryInput FromJson(string json) =>
        string.IsNullOrEmpty(json) ? new StoryInput() : JsonSerializer.Deserialize<StoryInput>(json, Json) ?? new StoryInput();

    /// <summary>The story as it stands, with its tag names (loaded by the caller) in order.</summary>
    public static StoryInput From(Article a, IReadOnlyList<string> tagNames)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new StoryInput
        {
            Headline = a.Headline,
            Slug = a.Slug,
            Standfirst = a.Standfirst,
            BodyMarkdown = a.BodyMarkdown,
            SectionId = a.SectionId,
            Tags = tagNames,
            AuthorIds = [.. a.Authors.OrderBy(x => x.Position).Select(x => x.AuthorId)],
            LeadImageId = a.LeadImageId,
            LeadImageAlt = a.LeadImageAlt,
            LeadImageCaption = a.LeadImageCaption,
            LeadImageCredit = a.LeadImageCredit,
            Attribution = a.Attribution,
            SeoTitle = a.SeoTitle,
            SeoDescription = a.SeoDescription,
            Format = a.Format,
            LinkedArticleId = a.LinkedArticleId,
            ShowId = a.ShowId,
            Extras = FormatData.FromJson(a.FormatData),
        };
    }

    /// <summary>Lines for a side-by-side comparison, one field after another, the body line by line.</summary>
    public IEnumerable<string> CompareLines(Func<int?, string> sectionName, Func<int, string> authorName)
    {
        ArgumentNullException.ThrowIfNull(sectionName);
        ArgumentNullException.ThrowIfNull(authorName);
        yield return "Headline: " + Headline;
        yield return "Slug: " + Slug;
        yield return "Standfirst: " + Standfirst;
        yield return "Section: " + sectionName(SectionId);
        yield return "Tags: " + string.Join(", ", Tags);
        yield return "Authors: " + string.Join(", ", AuthorIds.Select(authorName));
        yield return "Lead image: " + (LeadImageId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");
        yield return "Alt: " + LeadImageAlt;
        yield return "Caption: " + LeadImageCaption;
        yield return "Credit: " + LeadImageCredit;
        yield return "Attribution: " + Attribution;
        yield return "SEO title: " + SeoTitle;
        yield return "SEO description: " + SeoDescription;
        foreach (var line in FormatLines())
        {
            yield return line;
        }
        yield return "";
        foreach (var line in BodyMarkdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            yield return line;
        }
    }

    /// <summary>The format-specific fields as comparison lines (nothing for an ordinary article).</summary>
    private IEnumerable<string> FormatLines()
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (LinkedArticleId is { } linked)
        {
            yield return "Linked story: " + linked.ToString(inv);
        }
        if (ShowId is { } show)
        {
            yield return "Show: " + show.ToString(inv);
        }
        if (Extras.Video is { } video)
        {
            yield return $"Video: {video.Kind} {video.Url} ({video.DurationSeconds.ToString(inv)} s)";
        }
        for (var i = 0; i < Extras.Slides.Count; i++)
        {
            var s = Extras.Slides[i];
            yield return $"Slide {(i + 1).ToString(inv)}: image {s.ImageId?.ToString(inv) ?? "none"} | {s.Heading} | {s.Text} | {s.Credit} | {s.Alt}";
        }
        foreach (var fact in Extras.KeyFacts)
        {
            yield return "Key fact: " + fact;
        }
        if (Extras.PinnedIds.Count > 0)
        {
            yield return "Pinned: " + string.Join(", ", Extras.PinnedIds.Select(p => p.ToString(inv)));
        }
        if (Extras.LiveEndedAt is { } ended)
        {
            yield return "Live blog ended: " + ended.ToString("u", inv);
        }
    }
}

/// <summary>What the newsroom can do to a story; each is one transaction in <see cref="PublishingService"/>.</summary>
public enum StoryAction
{
    Save,
    Autosave,
    Submit,
    ReturnToDraft,
    Publish,
    Schedule,
    Unpublish,
    Restore,
}

public enum PublishOutcome
{
    Ok,
    Invalid,
    Conflict,
    Forbidden,
    NotFound,
    /// <summary>Someone else holds the story's soft lock (only for a command that holds it: <see cref="StoryCommand.HoldLockFor"/>); nothing was written.</summary>
    Locked,
}

/// <summary>The result of one write. On a conflict <see cref="Current"/> holds the story as it now stands.</summary>
public sealed record PublishResult(
    PublishOutcome Outcome,
    int ArticleId = 0,
    int Version = 0,
    IReadOnlyDictionary<string, string>? Errors = null,
    StoryInput? Current = null,
    int CurrentVersion = 0,
    string? CurrentBy = null)
{
    public bool Succeeded => Outcome == PublishOutcome.Ok;

    public static PublishResult Invalid(IReadOnlyDictionary<string, string> errors) => new(PublishOutcome.Invalid, Errors: errors);

    public static PublishResult Forbidden(string why) =>
        new(PublishOutcome.Forbidden, Errors: new Dictionary<string, string> { [""] = why });
}

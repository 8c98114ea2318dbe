using Byline.Api.Content;
using Byline.Content;
using Byline.Publishing;

namespace Byline.Api.Admin;

/// <summary>
/// A story as the admin API reads and writes it: every field the newsroom edits (the body as Markdown),
/// its status and its <see cref="Version"/> (the <c>ETag</c> a write must send back as <c>If-Match</c>).
/// </summary>
public sealed record AdminStory(
    int Id, string Format, string Status, int Version, string Headline, string Slug, string Standfirst, string Body,
    int SectionId, IReadOnlyList<string> Tags, IReadOnlyList<int> AuthorIds,
    int? LeadImageId, string? LeadImageAlt, string? LeadImageCaption, string? LeadImageCredit,
    string Attribution, string? SeoTitle, string? SeoDescription,
    int? LinkedStoryId, int? ShowId, IReadOnlyList<AdminSlide>? Slides, AdminVideo? Video, IReadOnlyList<string>? KeyFacts,
    IReadOnlyList<int>? PinnedIds, DateTime? LiveEndedAt,
    DateTime CreatedAt, DateTime ModifiedAt, DateTime? PublishedAt, DateTime? UpdatedAt, string? Url)
{
    public static AdminStory From(Article article, StoryInput input, string? url)
    {
        ArgumentNullException.ThrowIfNull(article);
        ArgumentNullException.ThrowIfNull(input);
        var extras = input.Extras;
        return new AdminStory(
            article.Id, StoryFormats.Key(article.Format), StoryReader.StatusName(article.Status), article.Version,
            input.Headline, input.Slug, input.Standfirst, input.BodyMarkdown, article.SectionId, input.Tags, input.AuthorIds,
            input.LeadImageId, input.LeadImageAlt, input.LeadImageCaption, input.LeadImageCredit,
            input.Attribution, input.SeoTitle, input.SeoDescription,
            input.LinkedArticleId, input.ShowId,
            extras.Slides.Count == 0 ? null : [.. extras.Slides.Select(s => new AdminSlide(s.ImageId, s.Heading, s.Text, s.Credit, s.Alt))],
            extras.Video is { } v ? new AdminVideo(StoryJson.VideoKindName(v.Kind), v.Url, v.DurationSeconds) : null,
            extras.KeyFacts.Count == 0 ? null : extras.KeyFacts,
            extras.PinnedIds.Count == 0 ? null : extras.PinnedIds,
            extras.LiveEndedAt,
            article.CreatedAt, article.ModifiedAt, article.PublishedAt, article.UpdatedAt, url);
    }
}

public sealed record AdminSlide(int? ImageId, string Heading, string Text, string Credit, string Alt);

public sealed record AdminVideo(string Kind, string Url, int DurationSeconds);

/// <summary>A picture just uploaded: its id (for <c>leadImageId</c> or a slide) and its renditions.</summary>
public sealed record AdminImage(int Id, string Url, string SrcSet, int Width, int Height, string Alt, string Caption, string Credit, DateTime CreatedAt);

/// <summary>
/// The body of a story write, as the OpenAPI document shows it (every property optional: a PATCH sends
/// some). <see cref="StoryJson"/> is what reads it; a test keeps the two lists of names equal.
/// </summary>
public sealed record AdminStoryFields(
    string? Headline, string? Slug, string? Standfirst, string? Body, int? SectionId, IReadOnlyList<string>? Tags, IReadOnlyList<int>? AuthorIds,
    int? LeadImageId, string? LeadImageAlt, string? LeadImageCaption, string? LeadImageCredit, string? Attribution, string? SeoTitle, string? SeoDescription,
    string? Format, int? LinkedStoryId, int? ShowId, IReadOnlyList<AdminSlide>? Slides, AdminVideo? Video, IReadOnlyList<string>? KeyFacts, IReadOnlyList<int>? PinnedIds);

/// <summary>The body of a schedule move.</summary>
public sealed record AdminSchedule(DateTimeOffset ScheduleAt);

/// <summary>Names the request body of an admin endpoint for the OpenAPI document (the handler reads the body itself, strictly).</summary>
public sealed class AdminBody(Type? json, params string[] mediaTypes)
{
    public Type? Json { get; } = json;

    public IReadOnlyList<string> MediaTypes { get; } = mediaTypes;
}

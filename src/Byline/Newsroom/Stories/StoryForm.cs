using System.Globalization;
using Byline.Content;
using Byline.Publishing;

namespace Byline.Newsroom.Stories;

/// <summary>The editor form as posted: mutable for model binding, turned into a <see cref="StoryInput"/> for the service.</summary>
public sealed class StoryForm
{
    public string? Headline { get; set; }
    public string? Slug { get; set; }
    public string? Standfirst { get; set; }
    public string? Body { get; set; }
    public int? SectionId { get; set; }
    /// <summary>Comma-separated tag names, as typed.</summary>
    public string? Tags { get; set; }
    public List<int> AuthorIds { get; set; } = [];
    public int? LeadImageId { get; set; }
    public string? LeadImageAlt { get; set; }
    public string? LeadImageCaption { get; set; }
    public string? LeadImageCredit { get; set; }
    public string? Attribution { get; set; }
    public string? SeoTitle { get; set; }
    public string? SeoDescription { get; set; }
    /// <summary>The version of the story this form was loaded from: the save's concurrency token.</summary>
    public int Version { get; set; }
    /// <summary>"yyyy-MM-ddTHH:mm" in the publication's time zone (a datetime-local input).</summary>
    public string? ScheduleAt { get; set; }

    public const string LocalFormat = "yyyy-MM-dd'T'HH:mm";

    public StoryInput ToInput() => new()
    {
        Headline = Headline ?? "",
        Slug = Slug ?? "",
        Standfirst = Standfirst ?? "",
        BodyMarkdown = (Body ?? "").Replace("\r\n", "\n", StringComparison.Ordinal),
        SectionId = SectionId,
        Tags = [.. (Tags ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)],
        AuthorIds = AuthorIds,
        LeadImageId = LeadImageId,
        LeadImageAlt = LeadImageAlt,
        LeadImageCaption = LeadImageCaption,
        LeadImageCredit = LeadImageCredit,
        Attribution = Attribution ?? "",
        SeoTitle = SeoTitle,
        SeoDescription = SeoDescription,
    };

    public static StoryForm From(StoryInput input, int version) => new()
    {
        Headline = input.Headline,
        Slug = input.Slug,
        Standfirst = input.Standfirst,
        Body = input.BodyMarkdown,
        SectionId = input.SectionId,
        Tags = string.Join(", ", input.Tags),
        AuthorIds = [.. input.AuthorIds],
        LeadImageId = input.LeadImageId,
        LeadImageAlt = input.LeadImageAlt,
        LeadImageCaption = input.LeadImageCaption,
        LeadImageCredit = input.LeadImageCredit,
        Attribution = input.Attribution,
        SeoTitle = input.SeoTitle,
        SeoDescription = input.SeoDescription,
        Version = version,
    };

    /// <summary>The schedule time in UTC, or an error for the field.</summary>
    public (DateTime? Utc, string? Error) ScheduleUtc(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (string.IsNullOrWhiteSpace(ScheduleAt))
        {
            return (null, "Give the date and time the story should go live.");
        }
        if (!DateTime.TryParseExact(ScheduleAt.Trim(), [LocalFormat, "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return (null, "Write the time as a date and a time, e.g. 2026-05-01 09:30.");
        }
        if (zone.IsInvalidTime(local))
        {
            return (null, "That time does not exist in the publication's time zone (the clocks skip it); choose another.");
        }
        return (TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone), null);
    }
}

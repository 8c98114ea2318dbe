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
#pragma warning disable CA1002, CA2227 // a posted form field: model binding sets it
    public List<int> AuthorIds { get; set; } = [];
#pragma warning restore CA1002, CA2227
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

    // The format-specific fields; each format's partial view (Formats/_*.cshtml) shows its own.
    public StoryFormat Format { get; set; }
    public int? LinkedArticleId { get; set; }
    public int? ShowId { get; set; }
#pragma warning disable CA1002, CA2227 // posted form fields: model binding sets them
    public List<SlideForm> Slides { get; set; } = [];
#pragma warning restore CA1002, CA2227
    public VideoKind VideoKind { get; set; }
    public string? VideoUrl { get; set; }
    /// <summary>"m:ss", "h:mm:ss" or whole seconds.</summary>
    public string? VideoDuration { get; set; }
    /// <summary>One key fact per line.</summary>
    public string? KeyFacts { get; set; }
    /// <summary>Pinned story ids in order, comma- or space-separated.</summary>
    public string? PinnedIds { get; set; }
    /// <summary>Round-tripped so that a save does not reopen an ended live blog ("o" format, UTC).</summary>
    public string? LiveEndedAt { get; set; }

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
        Format = Format,
        LinkedArticleId = LinkedArticleId,
        ShowId = ShowId,
        Extras = new FormatData
        {
            Slides = [.. Slides.Where(sl => !sl.IsBlank).Select(sl => sl.ToSlide())],
            Video = string.IsNullOrWhiteSpace(VideoUrl) ? null : new VideoSource(VideoKind, VideoUrl.Trim(), ParseDuration(VideoDuration) ?? 0),
            KeyFacts = [.. (KeyFacts ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)],
            PinnedIds = ParseIds(PinnedIds),
            LiveEndedAt = DateTime.TryParse(LiveEndedAt, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var ended) ? ended : null,
        },
    };

    /// <summary>Seconds from "m:ss", "h:mm:ss" or a plain number; null when it is none of those.</summary>
    public static int? ParseDuration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var total = 0;
        var parts = text.Trim().Split(':');
        if (parts.Length > 3)
        {
            return null;
        }
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || (i > 0 && n > 59) || n > 100_000)
            {
                return null;
            }
            total = (total * 60) + n;
        }
        return total;
    }

    public static string FormatDuration(int seconds) =>
        seconds >= 3600
            ? TimeSpan.FromSeconds(seconds).ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : TimeSpan.FromSeconds(seconds).ToString(@"m\:ss", CultureInfo.InvariantCulture);

    /// <summary>Story ids as typed (commas, spaces or new lines between them); anything that is not an id is dropped.</summary>
    public static IReadOnlyList<int> ParseIds(string? text) =>
        [.. (text ?? "").Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)
            .Select(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
            .Where(id => id > 0)
            .Distinct()];

    public static StoryForm From(StoryInput input, int version) => input is null ? throw new ArgumentNullException(nameof(input)) : new()
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
        Format = input.Format,
        LinkedArticleId = input.LinkedArticleId,
        ShowId = input.ShowId,
        Slides = [.. input.Extras.Slides.Select(SlideForm.From)],
        VideoKind = input.Extras.Video?.Kind ?? VideoKind.Upload,
        VideoUrl = input.Extras.Video?.Url,
        VideoDuration = input.Extras.Video is { DurationSeconds: > 0 } v ? FormatDuration(v.DurationSeconds) : null,
        KeyFacts = string.Join("\n", input.Extras.KeyFacts),
        PinnedIds = string.Join(", ", input.Extras.PinnedIds.Select(i => i.ToString(CultureInfo.InvariantCulture))),
        LiveEndedAt = input.Extras.LiveEndedAt?.ToString("o", CultureInfo.InvariantCulture),
    };

    /// <summary>The schedule time in UTC, or an error for the field.</summary>
    public (DateTime? Utc, string? Error) ScheduleUtc(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return string.IsNullOrWhiteSpace(ScheduleAt) ? (null, "Give the date and time the story should go live.") : LocalToUtc(ScheduleAt, zone);
    }

    /// <summary>A <c>datetime-local</c> value typed in the publication's zone, as UTC (or why not).</summary>
    public static (DateTime? Utc, string? Error) LocalToUtc(string text, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(zone);
        if (!DateTime.TryParseExact(text.Trim(), [LocalFormat, "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
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

/// <summary>One slide row of the editor (photo-story picture or web-story page).</summary>
public sealed class SlideForm
{
    public int? ImageId { get; set; }
    public string? Heading { get; set; }
    public string? Text { get; set; }
    public string? Credit { get; set; }
    public string? Alt { get; set; }

    /// <summary>An untouched empty row the form adds for a new slide.</summary>
    public bool IsBlank => ImageId is null && string.IsNullOrWhiteSpace(Heading) && string.IsNullOrWhiteSpace(Text);

    public Slide ToSlide() => new(ImageId, (Heading ?? "").Trim(), (Text ?? "").Trim(), (Credit ?? "").Trim(), (Alt ?? "").Trim());

    public static SlideForm From(Slide s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new() { ImageId = s.ImageId, Heading = s.Heading, Text = s.Text, Credit = s.Credit, Alt = s.Alt };
    }
}

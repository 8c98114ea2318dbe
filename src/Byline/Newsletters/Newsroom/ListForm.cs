using Byline.Storage;

namespace Byline.Newsletters.Newsroom;

/// <summary>The fields of a list as the admin's form posts them, checked field by field.</summary>
public sealed class ListForm
{
    public string? Name { get; set; }
    public string? Slug { get; set; }
    public string? Description { get; set; }
    public string? SenderName { get; set; }
    public string? SenderAddress { get; set; }
    public string? ReplyTo { get; set; }
    public NewsletterKind Kind { get; set; }
#pragma warning disable CA2227, CA1002 // Model binding fills the ticked days into this list.
    public List<int> Days { get; set; } = [];
#pragma warning restore CA2227, CA1002
    /// <summary>Local time of day, HH:mm, in the publication's time zone.</summary>
    public string? SendTime { get; set; } = "07:00";
    /// <summary>A section id, or 0 for the curated Top Stories.</summary>
    public int Source { get; set; }
    public int StoryCount { get; set; } = 6;
    public bool OpenTracking { get; set; }
    public bool Enabled { get; set; } = true;

    public static ListForm From(NewsletterList l)
    {
        ArgumentNullException.ThrowIfNull(l);
        return new()
        {
            Name = l.Name, Slug = l.Slug, Description = l.Description, SenderName = l.SenderName, SenderAddress = l.SenderAddress, ReplyTo = l.ReplyTo ?? "",
            Kind = l.Kind, Days = [.. Enumerable.Range(0, 7).Where(d => (l.ScheduleDays & (1 << d)) != 0)],
            SendTime = $"{l.ScheduleMinute / 60:00}:{l.ScheduleMinute % 60:00}", Source = l.SourceSectionId ?? 0, StoryCount = l.StoryCount,
            OpenTracking = l.OpenTracking, Enabled = l.Enabled,
        };
    }

    /// <summary>Copies the checked values onto <paramref name="list"/>; the errors are keyed "Form.Field".</summary>
    public Dictionary<string, string> ApplyTo(NewsletterList list, ISet<int> sectionIds)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(sectionIds);
        var errors = new Dictionary<string, string>();
        string Line(string key, string? value, int max, string what, bool required)
        {
            var v = NewsletterInput.Line(value, max, what, required, out var error);
            if (error is not null)
            {
                errors["Form." + key] = error;
            }
            return v ?? "";
        }
        var name = Line(nameof(Name), Name, 100, "name", true);
        var slug = Line(nameof(Slug), Slug, 100, "slug", true).ToLowerInvariant();
        if (slug.Length > 0 && !System.Text.RegularExpressions.Regex.IsMatch(slug, "^[a-z0-9]+(-[a-z0-9]+)*$"))
        {
            errors["Form.Slug"] = "Use lower-case letters, digits and single hyphens, like morning-brief.";
        }
        var description = Line(nameof(Description), Description, 500, "description", false);
        var senderName = Line(nameof(SenderName), SenderName, 100, "sender name", true);
        var sender = NewsletterInput.Address(SenderAddress, out var senderError);
        if (senderError is not null)
        {
            errors["Form.SenderAddress"] = senderError;
        }
        string? replyTo = null;
        if (!string.IsNullOrWhiteSpace(ReplyTo))
        {
            replyTo = NewsletterInput.Address(ReplyTo, out var replyError);
            if (replyError is not null)
            {
                errors["Form.ReplyTo"] = replyError;
            }
        }
        var minute = 0;
        if (!TimeOnly.TryParseExact(SendTime ?? "", "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var time))
        {
            errors["Form.SendTime"] = "Enter a time of day like 07:00.";
        }
        else
        {
            minute = (time.Hour * 60) + time.Minute;
        }
        if (Source != 0 && !sectionIds.Contains(Source))
        {
            errors["Form.Source"] = "Choose Top Stories or a section.";
        }
        if (StoryCount is < 1 or > NewsletterIssues.MaxStories)
        {
            errors["Form.StoryCount"] = $"Between 1 and {NewsletterIssues.MaxStories} stories.";
        }
        if (!Enum.IsDefined(Kind))
        {
            errors["Form.Kind"] = "Choose a kind.";
        }
        if (errors.Count > 0)
        {
            return errors;
        }
        list.Name = name;
        list.Slug = slug;
        list.Description = description;
        list.SenderName = senderName;
        list.SenderAddress = sender!;
        list.ReplyTo = replyTo;
        list.Kind = Kind;
        list.ScheduleDays = Kind == NewsletterKind.Digest ? (Days ?? []).Where(d => d is >= 0 and < 7).Aggregate(0, (a, d) => a | (1 << d)) : 0;
        list.ScheduleMinute = minute;
        list.SourceSectionId = Source == 0 ? null : Source;
        list.StoryCount = StoryCount;
        list.OpenTracking = OpenTracking;
        list.Enabled = Enabled;
        return errors;
    }
}

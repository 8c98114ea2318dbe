using System.Globalization;

namespace Byline.Content;

/// <summary>
/// Publication times in the publication's zone, as readers see them ("April 25, 2025, 23:25:55 IST")
/// and as machines read them (ISO 8601 with offset). .NET has no zone abbreviations, so the common
/// news zones carry theirs here; any other zone shows its UTC offset instead ("UTC+05:45").
/// </summary>
public sealed class Dateline
{
    private static readonly Dictionary<string, (string Standard, string Daylight)> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Asia/Kolkata"] = ("IST", "IST"),
        ["Asia/Calcutta"] = ("IST", "IST"),
        ["UTC"] = ("UTC", "UTC"),
        ["Etc/UTC"] = ("UTC", "UTC"),
        ["Europe/London"] = ("GMT", "BST"),
        ["Europe/Dublin"] = ("GMT", "IST"),
        ["Europe/Paris"] = ("CET", "CEST"),
        ["Europe/Berlin"] = ("CET", "CEST"),
        ["Europe/Madrid"] = ("CET", "CEST"),
        ["Europe/Rome"] = ("CET", "CEST"),
        ["America/New_York"] = ("EST", "EDT"),
        ["America/Chicago"] = ("CST", "CDT"),
        ["America/Denver"] = ("MST", "MDT"),
        ["America/Los_Angeles"] = ("PST", "PDT"),
        ["Asia/Dubai"] = ("GST", "GST"),
        ["Asia/Karachi"] = ("PKT", "PKT"),
        ["Asia/Dhaka"] = ("BST", "BST"),
        ["Asia/Singapore"] = ("SGT", "SGT"),
        ["Asia/Tokyo"] = ("JST", "JST"),
        ["Australia/Sydney"] = ("AEST", "AEDT"),
        ["Africa/Johannesburg"] = ("SAST", "SAST"),
        ["Africa/Lagos"] = ("WAT", "WAT"),
        ["Africa/Nairobi"] = ("EAT", "EAT"),
    };

    /// <summary>
    /// The UTC instant a day starts in <paramref name="zone"/>. Where a clock change skips midnight the
    /// day starts at the first local time that exists. The first and last years of the calendar, where
    /// a zone's offset would leave it, clamp to the smallest and largest instant.
    /// </summary>
    public static DateTime StartOfDayUtc(DateOnly day, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (day.Year <= 1)
        {
            return DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc);
        }
        if (day.Year >= 9999)
        {
            return DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc);
        }
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        for (var i = 0; i < 48 && zone.IsInvalidTime(local); i++)
        {
            local = local.AddMinutes(30);
        }
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    private readonly string _zoneId;

    public Dateline(string zoneId)
    {
        _zoneId = zoneId;
        Zone = TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone) ? zone : TimeZoneInfo.Utc;
    }

    public TimeZoneInfo Zone { get; }

    public DateTimeOffset ToLocal(DateTime utc)
    {
        var u = DateTime.SpecifyKind(utc, DateTimeKind.Utc);
        return TimeZoneInfo.ConvertTime(new DateTimeOffset(u), Zone);
    }

    public string Abbreviation(DateTime utc)
    {
        var local = ToLocal(utc);
        if (Abbreviations.TryGetValue(Zone == TimeZoneInfo.Utc ? "UTC" : _zoneId, out var names))
        {
            return Zone.IsDaylightSavingTime(local) ? names.Daylight : names.Standard;
        }
        var offset = local.Offset;
        return offset == TimeSpan.Zero
            ? "UTC"
            : $"UTC{(offset < TimeSpan.Zero ? '-' : '+')}{offset:hh\\:mm}";
    }

    /// <summary>"April 25, 2025, 23:25:55 IST".</summary>
    public string Format(DateTime utc) =>
        ToLocal(utc).ToString("MMMM d, yyyy, HH:mm:ss", CultureInfo.InvariantCulture) + " " + Abbreviation(utc);

    /// <summary>"April 25, 2025" for lists.</summary>
    public string FormatDate(DateTime utc) =>
        ToLocal(utc).ToString("MMMM d, yyyy", CultureInfo.InvariantCulture);

    /// <summary>"23:25 IST" for today's stories in lists.</summary>
    public string FormatShort(DateTime utc, DateTime nowUtc)
    {
        var local = ToLocal(utc);
        return local.Date == ToLocal(nowUtc).Date
            ? local.ToString("HH:mm", CultureInfo.InvariantCulture) + " " + Abbreviation(utc)
            : local.ToString("MMM d, yyyy", CultureInfo.InvariantCulture);
    }

    /// <summary>ISO 8601 with the zone's offset, for <c>&lt;time datetime&gt;</c> and structured data.</summary>
    public string Iso(DateTime utc) =>
        ToLocal(utc).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}

using Byline.Content;

namespace Byline.Tests.Content;

public sealed class DatelineTests
{
    private static readonly DateTime April25 = new(2025, 4, 25, 17, 55, 55, DateTimeKind.Utc);

    [Fact]
    public void Kolkata_shows_the_reader_time_with_IST()
    {
        var dateline = new Dateline("Asia/Kolkata");
        Assert.Equal("April 25, 2025, 23:25:55 IST", dateline.Format(April25));
        Assert.Equal("2025-04-25T23:25:55+05:30", dateline.Iso(April25));
    }

    [Fact]
    public void The_old_Calcutta_zone_id_reads_the_same() =>
        Assert.Equal("April 25, 2025, 23:25:55 IST", new Dateline("Asia/Calcutta").Format(April25));

    [Fact]
    public void A_time_of_unspecified_kind_is_read_as_UTC()
    {
        var unspecified = DateTime.SpecifyKind(April25, DateTimeKind.Unspecified);
        Assert.Equal("2025-04-25T23:25:55+05:30", new Dateline("Asia/Kolkata").Iso(unspecified));
    }

    [Fact]
    public void London_shows_BST_in_summer_and_GMT_in_winter()
    {
        var london = new Dateline("Europe/London");
        var summer = new DateTime(2025, 7, 1, 12, 0, 0, DateTimeKind.Utc);
        var winter = new DateTime(2025, 1, 15, 12, 0, 0, DateTimeKind.Utc);
        Assert.Equal("July 1, 2025, 13:00:00 BST", london.Format(summer));
        Assert.Equal("2025-07-01T13:00:00+01:00", london.Iso(summer));
        Assert.Equal("January 15, 2025, 12:00:00 GMT", london.Format(winter));
        Assert.Equal("2025-01-15T12:00:00+00:00", london.Iso(winter));
    }

    [Fact]
    public void London_switches_to_BST_at_one_in_the_morning_UTC_on_the_last_Sunday_of_March()
    {
        var london = new Dateline("Europe/London");
        Assert.Equal("March 30, 2025, 00:59:59 GMT", london.Format(new DateTime(2025, 3, 30, 0, 59, 59, DateTimeKind.Utc)));
        Assert.Equal("March 30, 2025, 02:00:00 BST", london.Format(new DateTime(2025, 3, 30, 1, 0, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void New_York_shows_EDT_and_a_negative_offset_in_summer()
    {
        var ny = new Dateline("America/New_York");
        var summer = new DateTime(2025, 7, 4, 16, 0, 0, DateTimeKind.Utc);
        Assert.Equal("July 4, 2025, 12:00:00 EDT", ny.Format(summer));
        Assert.Equal("2025-07-04T12:00:00-04:00", ny.Iso(summer));
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    [InlineData("not a zone")]
    public void An_unknown_zone_falls_back_to_UTC(string zone)
    {
        var dateline = new Dateline(zone);
        Assert.Equal(TimeZoneInfo.Utc, dateline.Zone);
        Assert.Equal("April 25, 2025, 17:55:55 UTC", dateline.Format(April25));
        Assert.Equal("2025-04-25T17:55:55+00:00", dateline.Iso(April25));
    }

    [Fact]
    public void A_zone_without_a_known_abbreviation_shows_its_offset()
    {
        Assert.Equal("April 25, 2025, 23:40:55 UTC+05:45", new Dateline("Asia/Kathmandu").Format(April25));
        Assert.Equal("UTC-03:00", new Dateline("America/Sao_Paulo").Abbreviation(April25));
    }

    [Fact]
    public void Lists_show_the_date_in_the_publication_zone()
    {
        var late = new DateTime(2025, 4, 25, 20, 0, 0, DateTimeKind.Utc);
        Assert.Equal("April 26, 2025", new Dateline("Asia/Kolkata").FormatDate(late));
    }

    [Fact]
    public void Short_form_shows_the_time_for_today_and_the_date_otherwise()
    {
        var dateline = new Dateline("Asia/Kolkata");
        var now = new DateTime(2025, 4, 25, 18, 0, 0, DateTimeKind.Utc);
        Assert.Equal("23:25 IST", dateline.FormatShort(April25, now));
        Assert.Equal("Apr 24, 2025", dateline.FormatShort(April25.AddDays(-1), now));
    }
}

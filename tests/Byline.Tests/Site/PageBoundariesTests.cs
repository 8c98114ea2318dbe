using Byline.Events;
using Byline.Publishing;
using Byline.Site.Stories;
using Microsoft.Extensions.Time.Testing;

namespace Byline.Tests.Site;

/// <summary>
/// The held starts of deep list pages (no database). Provider independent, so one class; the pages that
/// use them run on both databases in DeepPageTests.
/// </summary>
public sealed class PageBoundariesTests
{
    private static ContentEventRecord Change(IReadOnlyList<string> keys, string reason, int? articleId = null) =>
        new(1, keys, reason, articleId, "test", DateTime.UnixEpoch);

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-30T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private static readonly ListEntry Entry = new(42, new DateTime(2026, 11, 30, 9, 0, 0, DateTimeKind.Utc));

    [Fact]
    public async Task An_event_drops_the_boundaries_of_the_lists_it_names_and_only_those()
    {
        var boundaries = new PageBoundaries(_clock);
        boundaries.Keep(ContentKeys.Section(1), 1000, Entry, boundaries.Version);
        boundaries.Keep(ContentKeys.Tag(1), 3, Entry, boundaries.Version);

        boundaries.OnChange(Change([ContentKeys.Section(1), ContentKeys.Home], "published"));

        Assert.False(boundaries.TryGet(ContentKeys.Section(1), 1000, out _));
        Assert.True(boundaries.TryGet(ContentKeys.Tag(1), 3, out var held));
        Assert.Equal(Entry, held);
    }

    [Fact]
    public async Task A_boundary_read_while_an_event_was_raised_is_not_kept()
    {
        var boundaries = new PageBoundaries(_clock);
        var before = boundaries.Version;

        boundaries.OnChange(Change([ContentKeys.Tag(9)], "published"));
        boundaries.Keep(ContentKeys.Section(1), 2, Entry, before);

        Assert.False(boundaries.TryGet(ContentKeys.Section(1), 2, out _));
    }

    [Fact]
    public void A_boundary_expires_after_its_lifetime()
    {
        var boundaries = new PageBoundaries(_clock);
        boundaries.Keep(ContentKeys.Author(5), 2, Entry, boundaries.Version);
        Assert.True(boundaries.TryGet(ContentKeys.Author(5), 2, out _));

        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.False(boundaries.TryGet(ContentKeys.Author(5), 2, out _));
    }

    [Fact]
    public void Holding_is_bounded_when_a_crawler_walks_every_page()
    {
        var boundaries = new PageBoundaries(_clock);
        for (var page = 2; page < PageBoundaries.Capacity + 500; page++)
        {
            boundaries.Keep(ContentKeys.Tag(1), page, Entry, boundaries.Version);
        }

        Assert.InRange(boundaries.Count, 1, PageBoundaries.Capacity);
        Assert.True(boundaries.TryGet(ContentKeys.Tag(1), PageBoundaries.Capacity + 499, out _));
    }
}

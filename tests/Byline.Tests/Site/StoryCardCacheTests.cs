using Byline.Discovery;
using Byline.Events;
using Byline.Publishing;
using Byline.Site.Stories;
using Microsoft.Extensions.Time.Testing;

namespace Byline.Tests.Site;

/// <summary>
/// The held story cards (no database). Provider independent, so one class; that pages show a changed
/// story on their next render is tested through the pages on both databases (OutputCacheTests'
/// "Updating_a_story_refreshes_every_page_that_shows_it…" renders home, section, tag and author
/// pages from these cards after a correction).
/// </summary>
public sealed class StoryCardCacheTests
{
    private static ContentEventRecord Change(IReadOnlyList<string> keys, string reason, int? articleId = null) =>
        new(1, keys, reason, articleId, "test", DateTime.UnixEpoch);

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-30T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private static StoryCard Card(int id, string headline = "Headline") =>
        new(id, headline, "Standfirst", $"/world/story-{id}", DateTime.UnixEpoch, 1, "World", null);

    [Fact]
    public void A_card_read_from_the_database_is_served_until_its_lifetime_ends()
    {
        var cache = new StoryCardCache(_clock);
        cache.Add([Card(1), Card(2)], cache.Version);

        Assert.True(cache.TryGet(1, out var card));
        Assert.Equal("Headline", card.Headline);
        Assert.False(cache.TryGet(3, out _));
        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.False(cache.TryGet(1, out _));
    }

    [Fact]
    public async Task A_content_change_drops_every_card_and_cards_read_across_it_are_not_kept()
    {
        var cache = new StoryCardCache(_clock);
        cache.Add([Card(1)], cache.Version);
        var readBefore = cache.Version;

        cache.OnChange(Change([ContentKeys.Section(4)], "section: renamed"));
        cache.Add([Card(2, "Old headline")], readBefore);

        Assert.False(cache.TryGet(1, out _));
        Assert.False(cache.TryGet(2, out _));
        cache.Add([Card(2, "New headline")], cache.Version);
        Assert.True(cache.TryGet(2, out var fresh));
        Assert.Equal("New headline", fresh.Headline);
    }

    [Fact]
    public async Task A_reshuffle_of_the_popular_lists_keeps_the_cards()
    {
        var cache = new StoryCardCache(_clock);
        cache.Add([Card(1)], cache.Version);

        cache.OnChange(Change([PopularKeys.Site, PopularKeys.Section(3)], "popular"));

        Assert.True(cache.TryGet(1, out _));
        cache.OnChange(Change([PopularKeys.Site, ContentKeys.Article(1)], "story.update", 1));
        Assert.False(cache.TryGet(1, out _));
    }

    [Fact]
    public void The_cache_never_holds_more_than_its_capacity()
    {
        var cache = new StoryCardCache(_clock);

        cache.Add(Enumerable.Range(1, StoryCardCache.Capacity + 5).Select(id => Card(id)), cache.Version);

        Assert.InRange(cache.Count, 1, StoryCardCache.Capacity);
        Assert.True(cache.TryGet(StoryCardCache.Capacity + 5, out _));
    }
}

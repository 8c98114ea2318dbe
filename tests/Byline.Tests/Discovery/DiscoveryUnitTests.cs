using Byline.Discovery;
using Byline.Storage;

namespace Byline.Tests.Discovery;

public sealed class DiscoveryUnitTests
{
    [Fact]
    public void Only_the_popular_lists_that_changed_are_announced()
    {
        static Byline.Discovery.StoryCard Card(int id) => new(id, "", "", "", DateTime.UtcNow, 0, "", null);
        var before = new PopularSnapshot([Card(1)], [Card(1)],
            new Dictionary<int, IReadOnlyList<Byline.Discovery.StoryCard>> { [10] = [Card(1)], [20] = [Card(2)] },
            new Dictionary<int, IReadOnlyList<Byline.Discovery.StoryCard>> { [10] = [Card(1)], [20] = [Card(2)] }, DateTime.UtcNow);
        var after = before with
        {
            MostReadBySection = new Dictionary<int, IReadOnlyList<Byline.Discovery.StoryCard>> { [10] = [Card(1)], [20] = [Card(3), Card(2)] },
            TrendingBySection = new Dictionary<int, IReadOnlyList<Byline.Discovery.StoryCard>> { [10] = [Card(1)], [20] = [Card(2)], [30] = [Card(4)] },
        };

        Assert.Equal([PopularKeys.Section(20), PopularKeys.Section(30)], PopularStories.ChangedKeys(before, after));
        Assert.Empty(PopularStories.ChangedKeys(after, after));
    }

    [Theory]
    [InlineData("  Peace   TALKS ", "peace talks")]
    [InlineData("Budget\t2026\n", "budget 2026")]
    [InlineData("", "")]
    [InlineData("   ", "")]
    public void Search_terms_are_normalised(string raw, string expected) => Assert.Equal(expected, SearchTerms.Normalize(raw));

    [Fact]
    public void Search_terms_are_capped_without_splitting_a_character()
    {
        var term = SearchTerms.Normalize(string.Concat(Enumerable.Repeat("😀", 100)));

        Assert.True(term.Length <= DiscoveryModel.MaxTermLength);
        Assert.False(char.IsHighSurrogate(term[^1]));
    }

    [Theory]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")]
    [InlineData("Mozilla/5.0 (compatible; bingbot/2.0)")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36")]
    [InlineData("Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 Chrome-Lighthouse")]
    [InlineData("curl/8.5.0")]
    [InlineData("python-requests/2.31")]
    [InlineData("Mozilla/5.0 (compatible; Yahoo! Slurp)")]
    [InlineData("")]
    public void Bots_are_recognised(string agent) => Assert.True(BotFilter.IsBot(agent, null));

    [Fact]
    public void Browsers_are_not_bots_unless_prefetching()
    {
        Assert.False(BotFilter.IsBot(DiscoveryTestKit.BrowserAgent, null));
        Assert.True(BotFilter.IsBot(DiscoveryTestKit.BrowserAgent, "prefetch"));
    }

    [Fact]
    public void Trending_weight_halves_every_half_life()
    {
        var now = new DateTime(2026, 5, 1, 12, 30, 0, DateTimeKind.Utc);

        var current = PopularStories.Decay(new DateTime(2026, 5, 1, 12, 0, 0, DateTimeKind.Utc), now, 2);
        var twoHoursAgo = PopularStories.Decay(new DateTime(2026, 5, 1, 10, 0, 0, DateTimeKind.Utc), now, 2);
        var yesterday = PopularStories.Decay(new DateTime(2026, 4, 30, 12, 0, 0, DateTimeKind.Utc), now, 2);

        Assert.Equal(1.0, current, 6);
        Assert.Equal(0.5, twoHoursAgo, 6);
        // 100 views now outweigh 1,000 views a day ago.
        Assert.True(100 * current > 1000 * yesterday);
    }
}

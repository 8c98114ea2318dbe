using Byline.Content;
using Byline.Search;
using Byline.Tests.Discovery;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Search;

/// <summary>
/// The index with small <see cref="SearchOptions.Candidates"/> and <see cref="SearchOptions.WindowStories"/>
/// (PostgreSQL looks for the newest matches among the newest stories first, then widens): results must be
/// the same as one search over everything, whatever the window.
/// </summary>
public abstract class SearchWindowTests(BylineApp app)
{
    private async Task<List<int>> SearchAsync(string query, SearchOptions options, DateTime? from = null, int? topSectionId = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var engine = scope.ServiceProvider.GetRequiredService<ISearchIndex>().GetType();
        var index = (ISearchIndex)ActivatorUtilities.CreateInstance(scope.ServiceProvider, engine, options);
        var hits = await index.SearchAsync(
            new SearchRequest(SearchSyntax.Parse(query), topSectionId, from, null, 0, 20, DateTime.UtcNow), CancellationToken.None);
        return [.. hits.Select(h => h.ArticleId)];
    }

    /// <summary>Newer stories without the word, so the matches lie outside the first windows.</summary>
    private async Task FillAsync(Section section, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await app.PublishAsync(section, new StorySpec { Headline = $"Filler {DiscoveryTestKit.Word()}", Paragraphs = 1 });
        }
        if (app.Database == TestDatabase.Postgres)
        {
            // The planner's row estimate decides how far the windows widen before searching everything.
            await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("ANALYZE \"ArticleSearch\""));
        }
    }

    [DatabaseFact]
    public async Task An_old_match_is_found_when_the_newest_stories_hold_none()
    {
        var word = DiscoveryTestKit.Word();
        var section = await app.Content.SectionAsync();
        var now = TestContent.Now();
        var old = await app.PublishAsync(section, new StorySpec { Headline = $"Archive {word} report", PublishedAt = now.AddDays(-400) });
        var older = await app.PublishAsync(section, new StorySpec
        {
            Headline = "Archive harbour report",
            BodyMarkdown = DiscoveryTestKit.Body("The harbour report came out.", $"It named {word} twice: {word}."),
            PublishedAt = now.AddDays(-900),
        });
        await FillAsync(section, 25);

        foreach (var window in new[] { 1, 3, 10_000 })
        {
            Assert.Equal([old.Id, older.Id], await SearchAsync(word, new SearchOptions { Candidates = 5, WindowStories = window }));
        }
    }

    [DatabaseFact]
    public async Task Windows_rank_the_newest_candidates_in_the_same_order_as_one_search_over_everything()
    {
        var word = DiscoveryTestKit.Word();
        var section = await app.Content.SectionAsync();
        var other = await app.Content.SectionAsync();
        var now = TestContent.Now();
        // Written oldest first: SQLite takes the newest candidates by id, PostgreSQL by publication time.
        var headlineOld = await app.PublishAsync(section, new StorySpec { Headline = $"Council doubts {word} plan", PublishedAt = now.AddDays(-6) });
        var headlineNew = await app.PublishAsync(section, new StorySpec { Headline = $"Council backs {word} plan", PublishedAt = now.AddDays(-3) });
        var bodyNew = await app.PublishAsync(other, new StorySpec
        {
            Headline = "Council meets on the harbour",
            BodyMarkdown = DiscoveryTestKit.Body("The council met today.", $"Members raised {word} once."),
            PublishedAt = now.AddDays(-2),
        });
        await FillAsync(section, 25);
        var from = now.AddDays(-4);

        foreach (var window in new[] { 1, 3, 10_000 })
        {
            // All matches ranked: headline above body, and the newer headline first.
            Assert.Equal([headlineNew.Id, headlineOld.Id, bodyNew.Id], await SearchAsync(word, new SearchOptions { Candidates = 100, WindowStories = window }));
            // Only the newest two matches are candidates, so the old headline match drops out.
            Assert.Equal([headlineNew.Id, bodyNew.Id], await SearchAsync(word, new SearchOptions { Candidates = 2, WindowStories = window }));
            Assert.Equal([headlineNew.Id, bodyNew.Id], await SearchAsync(word, new SearchOptions { Candidates = 100, WindowStories = window }, from: from));
            Assert.Equal([headlineNew.Id, headlineOld.Id], await SearchAsync(word, new SearchOptions { Candidates = 2, WindowStories = window }, topSectionId: section.Id));
        }
    }

    [DatabaseFact]
    public async Task Windows_widen_by_the_matches_they_found_and_rank_the_newest_candidates()
    {
        var word = DiscoveryTestKit.Word();
        var section = await app.Content.SectionAsync();
        var now = TestContent.Now();
        // 150 stories a minute apart, six of them matching every 25 minutes; written oldest first so
        // that ids and publication times rise together (SQLite takes the newest candidates by id).
        var matches = new List<int>();
        for (var minute = 149; minute >= 0; minute--)
        {
            var matching = minute % 25 == 3;
            var story = await app.PublishAsync(section, new StorySpec
            {
                Headline = matching ? $"Market {word} report" : $"Filler {DiscoveryTestKit.Word()}",
                PublishedAt = now.AddMinutes(-minute),
                Paragraphs = 1,
            });
            if (matching)
            {
                matches.Insert(0, story.Id);
            }
        }
        await FillAsync(section, 0);

        // On PostgreSQL the first window is sized by the planner's estimate of the matches (at least
        // WindowStories): with a cap of one or two it holds part of the index, otherwise all of it.
        foreach (var window in new[] { 10, 40, 10_000 })
        {
            Assert.Equal(matches.Take(1), await SearchAsync(word, new SearchOptions { Candidates = 1, WindowStories = window }));
            Assert.Equal(matches.Take(2), await SearchAsync(word, new SearchOptions { Candidates = 2, WindowStories = window }));
            Assert.Equal(matches.Take(5), await SearchAsync(word, new SearchOptions { Candidates = 5, WindowStories = window }));
            Assert.Equal(matches, await SearchAsync(word, new SearchOptions { Candidates = 100, WindowStories = window }));
        }
    }
}

public sealed class SearchWindowsOnSqlite(SqliteApp app) : SearchWindowTests(app), IClassFixture<SqliteApp>;

public sealed class SearchWindowsOnPostgres(PostgresApp app) : SearchWindowTests(app), IClassFixture<PostgresApp>;

public sealed class SearchWindowSizeTests
{
    [Theory]
    [InlineData(10_000, 1000, 789, 20_000)]
    [InlineData(10_000, 1000, 100, 150_000)]
    [InlineData(10_000, 1000, 0, 1_000_000)]
    [InlineData(10, 5, 1, 80)]
    public void The_next_window_is_sized_by_the_matches_found(long window, int cap, int found, long next) =>
        Assert.Equal(next, Byline.Search.PostgresSearchIndex.Widen(window, cap, found));
}

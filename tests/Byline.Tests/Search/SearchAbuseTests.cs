using System.Net;
using AngleSharp.Html.Parser;
using Byline.Caching;
using Byline.Discovery;
using Byline.Search;
using Byline.Tests.Discovery;
using Byline.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Byline.Tests.Search;

/// <summary>What one search may cost: bounded prefixes, a time budget, cached answers that a content change evicts.</summary>
public abstract class SearchAbuseTests(BylineApp app)
{
    private static string Path(string query) => "/search?q=" + Uri.EscapeDataString(query);

    private async Task<(HttpStatusCode Status, string? XCache, List<string> Links)> SearchAsync(string query)
    {
        using var response = await app.GetAsync(Path(query));
        var html = await response.Content.ReadAsStringAsync();
        var links = new HtmlParser().ParseDocument(html).StoryLinks();
        return (response.StatusCode, response.Headers.TryGetValues(CacheHeaders.XCache, out var v) ? v.Single() : null, links);
    }

    [DatabaseFact]
    public async Task A_prefix_shorter_than_the_minimum_is_searched_as_a_plain_word()
    {
        var word = DiscoveryTestKit.Word();
        var section = await app.Content.SectionAsync();
        var story = await app.PublishAsync(section, new StorySpec { Headline = $"Harbour {word} reopens" });

        var tooShort = await SearchAsync(word[..(SearchSyntax.MinPrefixLength - 1)] + "*");
        var longEnough = await SearchAsync(word[..(SearchSyntax.MinPrefixLength + 3)] + "*");

        Assert.Equal(HttpStatusCode.OK, tooShort.Status);
        Assert.DoesNotContain(story.Path, tooShort.Links);
        Assert.Contains(story.Path, longEnough.Links);
    }

    [DatabaseFact]
    public async Task Twelve_one_letter_prefixes_answer_quickly_as_a_page_not_an_error()
    {
        var result = await SearchAsync("a* e* i* o* s* t* n* r* h* l* d* c*");

        Assert.Equal(HttpStatusCode.OK, result.Status);
    }

    [DatabaseFact]
    public async Task Results_are_cached_until_a_story_changes()
    {
        var word = DiscoveryTestKit.Word();
        var section = await app.Content.SectionAsync();
        var first = await app.PublishAsync(section, new StorySpec { Headline = $"Council backs {word} plan" });

        var miss = await SearchAsync(word);
        var hit = await SearchAsync(word);
        var second = await app.PublishAsync(section, new StorySpec { Headline = $"Second {word} vote" });
        var after = await SearchAsync(word);

        Assert.Equal("MISS", miss.XCache);
        Assert.Equal([first.Path], miss.Links);
        Assert.Equal("HIT", hit.XCache);
        Assert.Equal([first.Path], hit.Links);
        Assert.Equal("MISS", after.XCache);
        Assert.Contains(second.Path, after.Links);
    }

    [DatabaseFact]
    public async Task A_search_answered_from_the_cache_still_counts_in_most_searched()
    {
        var word = DiscoveryTestKit.Word();
        var section = await app.Content.SectionAsync();
        await app.PublishAsync(section, new StorySpec { Headline = $"Ferry {word} timetable" });

        var answers = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add((await SearchAsync(word)).XCache);
        }
        await app.Services.GetRequiredService<DiscoveryCounters>().FlushAsync(CancellationToken.None);

        Assert.Equal(["MISS", "HIT", "HIT"], answers);
        Assert.Equal(3, await app.WithDbAsync(db => db.SearchTerms.Where(t => t.Term == word).SumAsync(t => t.Count)));
    }

    [DatabaseFact]
    public async Task A_statement_past_the_time_budget_is_stopped()
    {
        var budget = TimeSpan.FromMilliseconds(50);
        var stopped = await app.WithDbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            try
            {
                var conn = db.Database.GetDbConnection();
                if (conn is SqliteConnection sqlite)
                {
                    using var limit = SearchBudget.LimitSqlite(sqlite, budget, TimeProvider.System);
                    await using var cmd = sqlite.CreateCommand();
                    // Counts to a billion: minutes of work unless interrupted.
                    cmd.CommandText = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1000000000) SELECT count(*) FROM c";
                    var e = await Assert.ThrowsAsync<SqliteException>(() => cmd.ExecuteScalarAsync());
                    return SearchBudget.IsSqliteInterrupt(e);
                }
                await using var tx = await conn.BeginTransactionAsync();
                await using var set = conn.CreateCommand();
                set.Transaction = tx;
                set.CommandText = SearchBudget.PostgresTimeoutSql(budget);
                await set.ExecuteNonQueryAsync();
                await using var sleep = conn.CreateCommand();
                sleep.Transaction = tx;
                sleep.CommandText = "SELECT pg_sleep(60)";
                var pe = await Assert.ThrowsAsync<PostgresException>(() => sleep.ExecuteScalarAsync());
                return SearchBudget.IsPostgresTimeout(pe, CancellationToken.None);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });

        Assert.True(stopped);
    }
}

public sealed class SearchAbuseOnSqlite(SqliteApp app) : SearchAbuseTests(app), IClassFixture<SqliteApp>;

public sealed class SearchAbuseOnPostgres(PostgresApp app) : SearchAbuseTests(app), IClassFixture<PostgresApp>;

/// <summary>The per-client search limit, in an app of its own: the test spends the loopback client's whole budget.</summary>
public abstract class SearchRateLimitTests(BylineApp app)
{
    [DatabaseFact]
    public async Task A_client_rendering_searches_past_its_burst_gets_429_with_retry_after_and_a_code()
    {
        var burst = app.Services.GetRequiredService<SearchOptions>().RenderBurst;
        HttpResponseMessage? refused = null;
        for (var i = 0; i < burst * 3 && refused is null; i++)
        {
            // Distinct queries: each one misses the cache and renders.
            var response = await app.GetAsync("/search?q=" + DiscoveryTestKit.Word());
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without a Retry-After");
            var page = new HtmlParser().ParseDocument(await refused.Content.ReadAsStringAsync());
            Assert.Equal("search.rate-limited", page.One(".search-refused").GetAttribute("data-code"));
        }
    }
}

public sealed class SearchRateLimitOnSqlite(SqliteApp app) : SearchRateLimitTests(app), IClassFixture<SqliteApp>;

public sealed class SearchRateLimitOnPostgres(PostgresApp app) : SearchRateLimitTests(app), IClassFixture<PostgresApp>;

using Byline.Demo;
using Byline.Content;
using Byline.Search;
using Byline.Storage;
using Byline.Tests.Discovery;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Cli;

/// <summary>
/// The seeder's large-load path, forced on a few hundred stories: on PostgreSQL the list and search
/// indexes are dropped and built once after the load and the search rows are filled on other
/// connections beside it. The result must be the database an ordinary seed and <c>search rebuild</c> make.
/// </summary>
public abstract class BulkSeedTests(BylineApp app)
{
    private static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    private async Task SeedAsync(int count, Action<int>? progress = null, CancellationToken ct = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        // The test host has demo content off, so the generator is not registered there: make one over its services.
        var seeder = ActivatorUtilities.CreateInstance<DemoSeeder>(scope.ServiceProvider);
        var catalog = await seeder.EnsureCatalogAsync(ct);
        await seeder.AddArticlesAsync(catalog, count, progress, bulk: true, ct);
    }

    private Task<int> MaxIdAsync() => app.WithDbAsync(db => db.Articles.MaxAsync(a => (int?)a.Id)).ContinueWith(t => t.Result ?? 0, TaskScheduler.Default);

    private async Task<T> WithSearchAsync<T>(Func<ISearchIndex, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ISearchIndex>());
    }

    private Task<IReadOnlyList<SearchHit>> SearchAsync(string query) =>
        WithSearchAsync(index => index.SearchAsync(new SearchRequest(SearchSyntax.Parse(query), null, null, null, 0, 50, Now), CancellationToken.None));

    /// <summary>The search rows as stored: on PostgreSQL the generated tsvector too, on SQLite the FTS columns.</summary>
    private Task<List<string>> SearchRowsAsync(int afterId) => app.WithDbAsync(async db =>
    {
        var sql = db.Provider == DatabaseProvider.Postgres
            ? """
              SELECT concat_ws('|', "ArticleId", "PublishedAt", "SectionId", "TopSectionId", "Headline", "Standfirst", "Body", "Tags", "Authors", "Document"::text) AS "Value"
              FROM "ArticleSearch" WHERE "ArticleId" > {0} ORDER BY "ArticleId"
              """
            : """
              SELECT CAST(rowid AS TEXT) || '|' || Headline || '|' || Standfirst || '|' || Body || '|' || Tags || '|' || Authors AS Value
              FROM "ArticleSearch" WHERE rowid > {0} ORDER BY rowid
              """;
        return await db.Database.SqlQueryRaw<string>(sql, afterId).ToListAsync();
    });

    private Task<List<string>> IndexesAsync() => app.WithDbAsync(db => db.Provider == DatabaseProvider.Postgres
        ? db.Database.SqlQueryRaw<string>("SELECT indexdef AS \"Value\" FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname").ToListAsync()
        : db.Database.SqlQueryRaw<string>("SELECT name || ' ' || COALESCE(sql, '') AS Value FROM sqlite_master WHERE type = 'index' ORDER BY name").ToListAsync());

    /// <summary>Queries from the seeded stories' own words: headline words, a tag, an author.</summary>
    private async Task<List<string>> QueriesAsync(int afterId) => await app.WithDbAsync(async db =>
    {
        var stories = await db.Articles.AsNoTracking().Where(a => a.Id > afterId).OrderBy(a => a.Id)
            .Select(a => new { a.Headline, Tag = a.Tags.Select(t => t.Tag!.Name).FirstOrDefault(), Author = a.Authors.Select(x => x.Author!.Name).FirstOrDefault() })
            .Take(40).ToListAsync();
        return stories.SelectMany(s => new[]
        {
            string.Join(' ', SearchSyntax.Words(s.Headline).Where(w => w.Length > 4).Take(2)), s.Tag ?? "", s.Author ?? "",
        }).Where(q => q.Length > 0).Distinct().Take(30).ToList();
    });

    [DatabaseFact]
    public async Task A_bulk_seed_indexes_every_story_as_search_rebuild_and_the_publishing_path_do()
    {
        var before = await MaxIdAsync();

        await SeedAsync(300);

        var seededRows = await SearchRowsAsync(before);
        Assert.Equal(300, seededRows.Count);
        var queries = await QueriesAsync(before);
        Assert.True(queries.Count >= 10);
        var seededHits = new List<IReadOnlyList<SearchHit>>();
        foreach (var q in queries)
        {
            seededHits.Add(await SearchAsync(q));
        }
        Assert.Contains(seededHits, h => h.Count > 0);

        await WithSearchAsync(index => index.RebuildAsync(CancellationToken.None));

        Assert.Equal(seededRows, await SearchRowsAsync(before));
        for (var i = 0; i < queries.Count; i++)
        {
            Assert.Equal(seededHits[i], await SearchAsync(queries[i]));
        }

        // And as the publishing path indexes one story at a time.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var sync = scope.ServiceProvider.GetRequiredService<SearchIndexSync>();
            foreach (var id in await app.WithDbAsync(db => db.Articles.Where(a => a.Id > before).Select(a => a.Id).ToListAsync()))
            {
                Assert.True(await sync.SyncAsync(id, CancellationToken.None));
            }
        }
        Assert.Equal(seededRows, await SearchRowsAsync(before));
        for (var i = 0; i < queries.Count; i++)
        {
            Assert.Equal(seededHits[i], await SearchAsync(queries[i]));
        }
    }

    [DatabaseFact]
    public async Task A_bulk_seed_writes_the_count_asked_for_and_leaves_every_index_in_place()
    {
        var indexes = await IndexesAsync();
        var before = await app.WithDbAsync(db => db.Articles.CountAsync());
        var firstNew = await MaxIdAsync() + 1;

        await SeedAsync(250);

        Assert.Equal(before + 250, await app.WithDbAsync(db => db.Articles.CountAsync()));
        Assert.Equal(250, await app.WithDbAsync(db => db.Articles.CountAsync(a => a.Id >= firstNew && a.Status == ArticleStatus.Published)));
        Assert.Equal(250, (await SearchRowsAsync(firstNew - 1)).Count);
        Assert.Equal(indexes, await IndexesAsync());
        // Updates happened after publication and before now: no story says "Updated" at a time still to come.
        var after = DateTime.UtcNow;
        var updates = await app.WithDbAsync(db => db.Articles.Where(a => a.Id >= firstNew && a.UpdatedAt != null)
            .Select(a => new { a.PublishedAt, a.UpdatedAt }).ToListAsync());
        Assert.NotEmpty(updates);
        Assert.All(updates, u => Assert.True(u.UpdatedAt > u.PublishedAt && u.UpdatedAt <= after, $"updated {u.UpdatedAt:O}, published {u.PublishedAt:O}"));
    }

    [DatabaseFact]
    public async Task A_bulk_seed_keeps_the_search_entries_of_stories_already_there()
    {
        var word = DiscoveryTestKit.Word();
        var section = await app.Content.SectionAsync();
        var story = await app.PublishAsync(section, new StorySpec { Headline = $"Harbour board meets over {word}" });

        await SeedAsync(200);

        Assert.Equal([story.Id], (await SearchAsync(word)).Select(h => h.ArticleId));
    }

    [DatabaseFact]
    public async Task A_cancelled_bulk_seed_keeps_its_committed_batches_and_every_index()
    {
        var indexes = await IndexesAsync();
        var before = await app.WithDbAsync(db => db.Articles.CountAsync());
        using var cancel = new CancellationTokenSource();

        // Two batches: the first is committed, then the seed is cancelled.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            SeedAsync(DemoSeeder.BatchSize + 1, written => cancel.Cancel(), cancel.Token));

        Assert.Equal(before + DemoSeeder.BatchSize, await app.WithDbAsync(db => db.Articles.CountAsync()));
        Assert.Equal(indexes, await IndexesAsync());
    }
}

public sealed class BulkSeedOnSqlite(SqliteApp app) : BulkSeedTests(app), IClassFixture<SqliteApp>;

public sealed class BulkSeedOnPostgres(PostgresApp app) : BulkSeedTests(app), IClassFixture<PostgresApp>;

using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Storage;

/// <summary>
/// SQLite only: the planner statistics and the per-connection page cache are SQLite's own (PostgreSQL
/// keeps its statistics itself and its buffers in the server), so there is no PostgreSQL counterpart.
/// </summary>
public sealed class SqliteStatisticsTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    /// <summary>What a sampled ANALYZE (PRAGMA optimize's temporary row limit) wrote for a 100,000-story database.</summary>
    private const string SampledStatistics = """
        DELETE FROM sqlite_stat1 WHERE tbl = 'Articles';
        INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
          ('Articles', 'IX_Articles_Status_ModifiedAt', '100000 2001 1'),
          ('Articles', 'IX_Articles_Latest', '100000 1 1 1'),
          ('Articles', 'IX_Articles_TopSection', '100000 2001 1 1 1'),
          ('Articles', 'IX_Articles_Section', '100000 2001 1 1 1'),
          ('Articles', 'IX_Articles_Format', '100000 2001 1 1');
        """;

    private async Task StoriesAsync(int count)
    {
        var section = await app.Content.SectionAsync();
        for (var i = 0; i < count; i++)
        {
            await app.Content.StoryAsync(section);
        }
    }

    [Fact]
    public async Task Start_up_repairs_sampled_statistics_so_the_newest_stories_walk_their_index()
    {
        await StoriesAsync(40);
        await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("PRAGMA analysis_limit=0; ANALYZE;"));
        await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(SampledStatistics));
        // A connection reads sqlite_stat1 when it loads the schema: drop the pooled ones.
        SqliteConnection.ClearAllPools();
        Assert.True(await app.WithDbAsync(db => SqliteStatistics.NewestIdsSortAsync(db, CancellationToken.None)));

        await app.WithDbAsync(async db =>
        {
            await StorageExtensions.MigrateAsync(db, CancellationToken.None);
            return 0;
        });
        SqliteConnection.ClearAllPools();

        Assert.False(await app.WithDbAsync(db => SqliteStatistics.NewestIdsSortAsync(db, CancellationToken.None)));
        var status = await app.WithDbAsync(db => db.Database.SqlQueryRaw<string>(
            "SELECT stat AS \"Value\" FROM sqlite_stat1 WHERE idx = 'IX_Articles_Status_ModifiedAt'").SingleAsync());
        Assert.DoesNotContain("2001", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_pooled_connection_keeps_a_small_private_cache_and_maps_nothing_by_default()
    {
        var (cacheSize, mmapSize) = await app.WithDbAsync(async db =>
        {
            var conn = db.Database.GetDbConnection();
            await conn.OpenAsync();
            try
            {
                await using var cmd = conn.CreateCommand();
                cmd.CommandText = "PRAGMA cache_size";
                var cache = Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
                cmd.CommandText = "PRAGMA mmap_size";
                var mmap = Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
                return (cache, mmap);
            }
            finally
            {
                await conn.CloseAsync();
            }
        });

        // Negative: KiB. SQLite's default 2 MB of private pages; the rest stays in the kernel's shared page cache.
        Assert.Equal(-2000, cacheSize);
        Assert.Equal(0, mmapSize);
    }
}

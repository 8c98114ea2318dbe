using Byline.Content;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Byline.Tests.Storage;

/// <summary>
/// "Newest first" must walk IX_Articles_Latest. A migration that rebuilds Articles drops its index
/// statistics; if start-up then analyses with SQLite's row limit (what a bare PRAGMA optimize does
/// since 3.46), every story sharing one Status looks like ~2,000 rows per value and the planner
/// sorts all published stories on every uncached page instead.
/// </summary>
public sealed class PlannerStatisticsTests : IDisposable
{
    private const string BeforeReorder = "20261130040004_StoryFormats";
    // At this size (the bench database) the misleading estimate tips the planner; at 20,000 it does not.
    private const int Stories = 100_000;
    private readonly TempSqliteFile _database = new("planner-stats");

    public void Dispose() => _database.Dispose();

    private SqliteBylineDb Open() => _database.Open();

    [Fact]
    public async Task Upgrading_an_analysed_database_keeps_newest_first_on_the_latest_index()
    {
        await using (var db = Open())
        {
            await db.GetService<IMigrator>().MigrateAsync(BeforeReorder);
            var section = new Section { Slug = "world", Name = "World" };
            db.Sections.Add(section);
            await db.SaveChangesAsync();
            await InsertPublishedAsync(db, section.Id);
            await StorageExtensions.AnalyzeAsync(db, CancellationToken.None);
        }

        await using (var db = Open())
        {
            // The pending ArticleColumnOrder migration rebuilds Articles, as on a real upgrade.
            await StorageExtensions.MigrateAsync(db, CancellationToken.None);

            var newest = db.Articles
                .Where(a => a.Status == ArticleStatus.Published && a.Format < StoryFormats.FirstUnlisted)
                .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Select(a => a.Id).Take(10);
            var plan = await PlanAsync(db, newest.ToQueryString());

            Assert.Contains(plan, step => step.Contains("IX_Articles_Latest", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_schedulers_reads_take_the_scheduled_index_however_many_stories_are_published()
    {
        await using var db = Open();
        await StorageExtensions.MigrateAsync(db, CancellationToken.None);
        var section = new Section { Slug = "world", Name = "World" };
        db.Sections.Add(section);
        await db.SaveChangesAsync();
        await InsertPublishedAsync(db, section.Id);
        await StorageExtensions.AnalyzeAsync(db, CancellationToken.None);

        // Every few seconds: with Status = ? estimated at every row, these were a scan of the whole
        // table and a sort.
        foreach (var sql in new[]
        {
            ScheduledPublisher.Due(db, new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc)).ToQueryString(),
            ScheduledPublisher.Next(db).Take(1).ToQueryString(),
        })
        {
            var plan = await PlanAsync(db, sql);
            Assert.Contains(plan, step => step.Contains("IX_Articles_Scheduled", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
        }
    }

    // Set-based insert: the tests are about statistics and plans, not about how stories are written.
    private static Task<int> InsertPublishedAsync(BylineDb db, int sectionId) =>
        db.Database.ExecuteSqlAsync($"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Stories})
            INSERT INTO "Articles" ("Slug", "Headline", "Standfirst", "BodyMarkdown", "BodyHtml", "WordCount",
                "SectionId", "TopSectionId", "Attribution", "Status", "PublishedAt", "CreatedAt", "ModifiedAt",
                "Version", "Format")
            SELECT 'story-' || i, 'Story ' || i, '', '', '[]', 0, {sectionId}, {sectionId}, '',
                {(int)ArticleStatus.Published},
                strftime('%Y-%m-%d %H:%M:%S', '2026-01-01', '+' || i || ' minutes'),
                '2026-01-01 00:00:00', strftime('%Y-%m-%d %H:%M:%S', '2026-01-01', '+' || i || ' minutes'),
                1, {(int)StoryFormat.Article}
            FROM n
            """);

    private static async Task<List<string>> PlanAsync(BylineDb db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // ToQueryString declares the parameters in sqlite3 shell lines (.param set …); left unbound
        // they are NULL, which does not change the plan.
        var statement = string.Join('\n', sql.Split('\n').Where(line => !line.StartsWith(".param", StringComparison.Ordinal)));
        command.CommandText = "EXPLAIN QUERY PLAN " + statement;
        var steps = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            steps.Add(reader.GetString(3));
        }
        return steps;
    }
}

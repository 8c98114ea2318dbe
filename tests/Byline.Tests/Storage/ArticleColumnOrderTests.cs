using Byline.Content;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Byline.Tests.Storage;

/// <summary>
/// SQLite keeps a row's columns in table order, so the story bodies sit last in <c>Articles</c>: the
/// model pins the order and the ArticleColumnOrder migration rebuilds an existing table into it.
/// </summary>
public sealed class ArticleColumnOrderTests : IDisposable
{
    private const string BeforeReorder = "20261130040004_StoryFormats";
    private readonly TempSqliteFile _database = new("column-order");

    public void Dispose() => _database.Dispose();

    private SqliteBylineDb Open() => _database.Open();

    private static async Task<List<string>> ColumnsAsync(BylineDb db) =>
        await db.Database.SqlQueryRaw<string>("SELECT name AS \"Value\" FROM pragma_table_info('Articles') ORDER BY cid").ToListAsync();

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public void The_model_puts_every_story_column_in_order_with_the_bodies_last(DatabaseProvider provider)
    {
        // Building the model needs no server: nothing here connects.
        using BylineDb db = provider == DatabaseProvider.Sqlite
            ? Open()
            : new PostgresBylineDb(new DbContextOptionsBuilder<PostgresBylineDb>().UseNpgsql("Host=127.0.0.1").Options);
        var table = db.GetService<IDesignTimeModel>().Model.GetRelationalModel().FindTable("Articles", null)!;

        var ordered = table.Columns.OrderBy(c => c.Order).Select(c => c.Name).ToList();

        Assert.All(table.Columns, c => Assert.NotNull(c.Order));
        Assert.Equal("Id", ordered[0]);
        Assert.Equal(["BodyHtml", "BodyMarkdown"], ordered[^2..]);
    }

    [Fact]
    public async Task A_database_with_stories_migrates_to_bodies_last_and_reads_back_the_same()
    {
        List<Article> written;
        await using (var db = Open())
        {
            await db.GetService<IMigrator>().MigrateAsync(BeforeReorder);
            var before = await ColumnsAsync(db);
            Assert.True(before.IndexOf("BodyHtml") < before.IndexOf("PublishedAt"), "the table starts in the old order");

            var section = new Section { Slug = "world", Name = "World" };
            var tag = new Tag { Slug = "floods", Name = "Floods" };
            db.AddRange(section, tag);
            await db.SaveChangesAsync();
            // The Authors table as it was at that migration: columns added since (SocialLinks) are not there yet.
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"Authors\" (\"Slug\", \"Name\", \"IsDesk\", \"JobTitle\", \"Bio\") VALUES ('a-reporter', 'A Reporter', 0, '', '')");
            var authorId = (await db.Database.SqlQueryRaw<int>("SELECT \"Id\" AS \"Value\" FROM \"Authors\" WHERE \"Slug\" = 'a-reporter'").ToListAsync()).Single();
            var published = new DateTime(2025, 4, 25, 17, 55, 55, DateTimeKind.Utc);
            written = [.. Enumerable.Range(1, 5).Select(i => new Article
            {
                Slug = $"story-{i}",
                Headline = $"Story {i}",
                Standfirst = $"Standfirst {i}",
                BodyMarkdown = TestContent.BodyWith(40 + i),
                BodyHtml = BodyDocument.Serialize(BodyDocument.Render(TestContent.BodyWith(40 + i))),
                WordCount = 400 + i,
                SectionId = section.Id,
                TopSectionId = section.Id,
                Attribution = i % 2 == 0 ? "With inputs from agencies" : "",
                SeoTitle = i == 3 ? "An SEO title" : null,
                Status = ArticleStatus.Published,
                PublishedAt = published.AddMinutes(i),
                UpdatedAt = i == 4 ? published.AddHours(2) : null,
                CreatedAt = published.AddMinutes(i - 30),
                ModifiedAt = published.AddMinutes(i),
                Version = i,
                Authors = [new ArticleAuthor { AuthorId = authorId, Position = 0, ListedAt = published.AddMinutes(i) }],
                Tags = [new ArticleTag { TagId = tag.Id, Position = 0, ListedAt = published.AddMinutes(i) }],
            })];
            db.Articles.AddRange(written);
            await db.SaveChangesAsync();
        }

        await using (var db = Open())
        {
            await db.Database.MigrateAsync();

            var after = await ColumnsAsync(db);
            Assert.Equal("Id", after[0]);
            Assert.Equal(["BodyHtml", "BodyMarkdown"], after[^2..]);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Empty(await db.Database.SqlQueryRaw<string>("SELECT \"table\" AS \"Value\" FROM pragma_foreign_key_check").ToListAsync());
            var indexes = await db.Database.SqlQueryRaw<string>(
                "SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Articles'").ToListAsync();
            Assert.Contains("IX_Articles_Latest", indexes);
            Assert.Contains("IX_Articles_Slug", indexes);

            var read = await db.Articles.AsNoTracking().Include(a => a.Authors).Include(a => a.Tags).OrderBy(a => a.Id).ToListAsync();
            Assert.Equal(written.Count, read.Count);
            foreach (var (w, r) in written.Zip(read))
            {
                Assert.Equal(
                    (w.Id, w.Slug, w.Headline, w.Standfirst, w.BodyMarkdown, w.BodyHtml, w.WordCount, w.Attribution, w.SeoTitle, w.PublishedAt, w.UpdatedAt, w.Version),
                    (r.Id, r.Slug, r.Headline, r.Standfirst, r.BodyMarkdown, r.BodyHtml, r.WordCount, r.Attribution, r.SeoTitle, r.PublishedAt, r.UpdatedAt, r.Version));
                Assert.Equal(w.Authors.Single().AuthorId, r.Authors.Single().AuthorId);
                Assert.Equal(w.Tags.Single().TagId, r.Tags.Single().TagId);
            }

            // The rebuilt table keeps its key sequence: a new story takes the next id.
            db.Articles.Add(new Article { Slug = "next", Headline = "Next", SectionId = read[0].SectionId, TopSectionId = read[0].SectionId, Status = ArticleStatus.Draft });
            await db.SaveChangesAsync();
            Assert.Equal(written.Max(a => a.Id) + 1, await db.Articles.MaxAsync(a => a.Id));
        }
    }
}

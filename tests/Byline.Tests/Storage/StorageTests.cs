using Byline.Content;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Storage;

public abstract class StorageTests(BylineApp app)
{
    [DatabaseFact]
    public async Task The_app_runs_on_the_database_the_suite_asked_for()
    {
        var provider = await app.WithDbAsync(db => Task.FromResult(db.Provider));

        Assert.Equal(app.Database == TestDatabase.Postgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite, provider);
    }

    [DatabaseFact]
    public async Task Start_up_leaves_no_migration_pending()
    {
        var pending = await app.WithDbAsync(async db => (await db.Database.GetPendingMigrationsAsync()).ToList());

        Assert.Empty(pending);
    }

    [DatabaseFact]
    public async Task Times_come_back_as_the_same_UTC_instant()
    {
        var section = await app.Content.SectionAsync();
        var published = new DateTime(2025, 4, 25, 17, 55, 55, DateTimeKind.Utc);
        var story = await app.Content.StoryAsync(section, new StorySpec { PublishedAt = published });

        var stored = await app.WithDbAsync(db => db.Articles.SingleAsync(a => a.Id == story.Id));

        Assert.Equal(published, stored.PublishedAt);
        Assert.Equal(DateTimeKind.Utc, stored.PublishedAt!.Value.Kind);
    }

    [DatabaseFact]
    public async Task Body_blocks_survive_storage()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec { Paragraphs = 5 });

        var stored = await app.WithDbAsync(db => db.Articles.SingleAsync(a => a.Id == story.Id));

        Assert.Equal(BodyDocument.Render(stored.BodyMarkdown), BodyDocument.Deserialize(stored.BodyHtml));
    }

    [DatabaseFact]
    public async Task Section_slugs_are_unique()
    {
        var section = await app.Content.SectionAsync();

        await Assert.ThrowsAsync<DbUpdateException>(() => app.WithDbAsync(async db =>
        {
            db.Sections.Add(new Section { Slug = section.Slug, Name = "Copy" });
            return await db.SaveChangesAsync();
        }));
    }

    [DatabaseFact]
    public async Task Saved_settings_are_what_the_app_reads_after_reload()
    {
        var name = TestContent.Unique("Paper");

        await app.Content.SettingsAsync(s => s with { PublicationName = name, Insertion = s.Insertion with { AdEveryParagraphs = 5 } });

        var store = app.Services.GetRequiredService<SiteSettingsStore>();
        Assert.Equal(name, store.Current.PublicationName);
        Assert.Equal(5, store.Current.Insertion.AdEveryParagraphs);
    }
}

public sealed class StorageOnSqlite(SqliteApp app) : StorageTests(app), IClassFixture<SqliteApp>;

public sealed class StorageOnPostgres(PostgresApp app) : StorageTests(app), IClassFixture<PostgresApp>;

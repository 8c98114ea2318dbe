using Byline.Tests.Support;

namespace Byline.Tests.Storage;

/// <summary>
/// The reader pages' compiled queries are held per provider: SQLite and PostgreSQL apps in one process,
/// each answered from its own database, whichever ran first and in alternation.
/// </summary>
public sealed class CompiledQueriesTests(SqliteApp sqlite, PostgresApp postgres) : IClassFixture<SqliteApp>, IClassFixture<PostgresApp>
{
    private sealed record Published(BylineApp App, Story Story, Story Top);

    private static async Task<Published> PublishAsync(BylineApp app)
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec
        {
            Authors = [await app.Content.AuthorAsync()],
            Tags = [await app.Content.TagAsync()],
        });
        var top = (await app.Content.StoriesAsync(section, 1))[0];
        await app.Content.CurateAsync("top", top);
        return new Published(app, story, top);
    }

    [DatabaseFact]
    public async Task Article_and_home_pages_answer_from_each_providers_own_database_in_one_process()
    {
        var both = new[] { await PublishAsync(sqlite), await PublishAsync(postgres) };

        for (var round = 0; round < 2; round++)
        {
            // Alternate which provider goes first so neither one's compiled delegate serves the other.
            foreach (var p in round == 0 ? both : both.Reverse())
            {
                var article = await p.App.PageAsync(p.Story.Path);
                Assert.Equal(p.Story.Headline, article.One("h1").Text());
                Assert.Contains(article.QuerySelectorAll("a[href]"), a => Html.PathOf(a.GetAttribute("href")) == p.Top.Path);

                var home = await p.App.PageAsync("/");
                Assert.Contains(home.QuerySelectorAll("a[href]"), a => Html.PathOf(a.GetAttribute("href")) == p.Story.Path);
                Assert.Contains(home.QuerySelectorAll("a[href]"), a => Html.PathOf(a.GetAttribute("href")) == p.Top.Path);
            }
        }
    }
}

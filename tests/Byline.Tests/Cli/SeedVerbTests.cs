using Byline.Cli;
using Byline.Content;
using Byline.Hosting;
using Byline.Search;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Byline.Tests.Cli;

/// <summary>
/// One media folder for the whole class: the seeder draws its demo images once per folder, and
/// drawing them is most of a small seed's time.
/// </summary>
public sealed class SeedMediaFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(BylineApp.TempRoot, $"seed-media-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

/// <summary>The `seed` verb, run in-process on a SQLite file of each test's own.</summary>
public sealed class SeedVerbTests(SeedMediaFolder media) : IClassFixture<SeedMediaFolder>, IDisposable
{
    private readonly string _file = Path.Combine(BylineApp.TempRoot, $"seed-{Guid.NewGuid():N}.db");

    private string[] ConfigArgs => [$"--ConnectionStrings:Byline=Data Source={_file}", $"--Byline:Media:Path={media.Path}"];

    private sealed record Run(int Exit, string Out, string Error);

    private async Task<Run> RunAsync(params string[] args)
    {
        Directory.CreateDirectory(BylineApp.TempRoot);
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await BylineCli.RunAsync([.. args, .. ConfigArgs],
            new CliConsole(new StringReader(""), output, error, InteractiveInput: false));
        return new Run(exit, output.ToString(), error.ToString());
    }

    private async Task<T> DbAsync<T>(Func<BylineDb, Task<T>> work)
    {
        var options = new DbContextOptionsBuilder<SqliteBylineDb>().UseSqlite($"Data Source={_file}").Options;
        await using var db = new SqliteBylineDb(options);
        return await work(db);
    }

    private Task<int> ArticleCountAsync() => File.Exists(_file) ? DbAsync(db => db.Articles.CountAsync()) : Task.FromResult(0);

    /// <summary>Asks the app's own search index, wired as the executable wires it.</summary>
    private async Task<IReadOnlyList<SearchHit>> SearchAsync(string query)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = ConfigArgs, ContentRootPath = BylineApp.TempRoot });
        builder.Services.AddBylineCore(builder.Configuration);
        using var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        var index = scope.ServiceProvider.GetRequiredService<ISearchIndex>();
        return await index.SearchAsync(new SearchRequest(SearchSyntax.Parse(query), null, null, null, 0, 50, DateTime.UtcNow), CancellationToken.None);
    }

    [Fact]
    public async Task Seed_adds_published_stories_with_sections_tags_authors_listing_dates_and_search_entries()
    {
        var run = await RunAsync("seed", "--articles", "50");

        Assert.True(run.Exit == 0, run.Error);
        var stories = await DbAsync(db => db.Articles.Include(a => a.Tags).Include(a => a.Authors).AsNoTracking().ToListAsync());
        Assert.Equal(50, stories.Count);
        Assert.All(stories, a =>
        {
            Assert.Equal(ArticleStatus.Published, a.Status);
            Assert.NotNull(a.PublishedAt);
            Assert.NotEqual(0, a.SectionId);
            Assert.NotEmpty(a.Authors);
            Assert.All(a.Authors, x => Assert.Equal(a.PublishedAt, x.ListedAt));
            Assert.All(a.Tags, x => Assert.Equal(a.PublishedAt, x.ListedAt));
        });
        Assert.Contains(stories, a => a.Tags.Count > 0);
        Assert.True(await DbAsync(db => db.Sections.AnyAsync()));

        var story = stories[17];
        var words = SearchSyntax.Words(story.Headline).Where(w => w.Length > 3).ToList();
        Assert.NotEmpty(words);
        var hits = await SearchAsync(string.Join(' ', words));
        Assert.Contains(hits, h => h.ArticleId == story.Id);
    }

    [Fact]
    public async Task Seeding_again_adds_as_many_again_with_ids_that_continue()
    {
        Assert.Equal(0, (await RunAsync("seed", "--articles", "20")).Exit);
        var firstMax = await DbAsync(db => db.Articles.MaxAsync(a => a.Id));

        var again = await RunAsync("seed", "--articles", "20");

        Assert.True(again.Exit == 0, again.Error);
        var ids = await DbAsync(db => db.Articles.Select(a => a.Id).ToListAsync());
        Assert.Equal(40, ids.Count);
        Assert.Equal(20, ids.Count(id => id > firstMax));
    }

    [Fact]
    public async Task Reset_leaves_exactly_the_stories_asked_for()
    {
        Assert.Equal(0, (await RunAsync("seed", "--articles", "15")).Exit);

        var reset = await RunAsync("seed", "--reset", "--articles", "10");

        Assert.True(reset.Exit == 0, reset.Error);
        Assert.Equal(10, await ArticleCountAsync());
        var hits = await SearchAsync(string.Join(' ', SearchSyntax.Words(await DbAsync(db => db.Articles.Select(a => a.Headline).FirstAsync())).Where(w => w.Length > 3)));
        Assert.NotEmpty(hits);
    }

    [Theory]
    [InlineData("seed", "--articles", "-5")]
    [InlineData("seed", "--articles", "abc")]
    [InlineData("seed", "--articles", "2000000")]
    [InlineData("seed", "--no-such-option")]
    [InlineData("frobnicate")]
    public async Task Bad_input_prints_one_line_exits_non_zero_and_changes_nothing(params string[] args)
    {
        Assert.Equal(0, (await RunAsync("seed", "--articles", "3")).Exit);
        var before = await ArticleCountAsync();

        var run = await RunAsync(args);

        Assert.NotEqual(0, run.Exit);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.Equal(before, await ArticleCountAsync());
    }

    [Fact]
    public async Task Help_lists_the_seed_user_and_search_verbs()
    {
        var help = await RunAsync("--help");

        Assert.Equal(0, help.Exit);
        foreach (var verb in new[] { "seed", "user", "search" })
        {
            Assert.Contains(verb, help.Out, StringComparison.Ordinal);
        }
        Assert.False(File.Exists(_file));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_file + suffix);
        }
    }
}

using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Byline.Cli;
using Byline.Content;
using Byline.Redirects;
using Byline.Search;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace Byline.Tests.Importing;

/// <summary>
/// `byline import ghost` against the running site's own database: what each part of a Ghost export
/// becomes, the old addresses answering 301, a second run that changes nothing, a dry run, and
/// hostile or broken files refused with one line before anything is written.
/// </summary>
public abstract class GhostImportTests(BylineApp app)
{
    private static readonly string Folder = Path.Combine(BylineApp.TempRoot, "ghost-imports");

    private sealed record Run(int Exit, string Out, string Error);

    private string[] Config => [$"--ConnectionStrings:Byline={app.ConnectionString}", $"--Byline:Database:Provider={app.Database}", $"--Byline:Media:Path={app.MediaPath}"];

    private async Task<Run> ImportAsync(string path, params string[] more)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await BylineCli.RunAsync(["import", "ghost", path, .. more, .. Config],
            new CliConsole(new StringReader(""), output, error, InteractiveInput: false));
        return new Run(exit, output.ToString(), error.ToString());
    }

    private Task<Dictionary<string, int>> TargetsAsync(string kind) => app.WithDbAsync(db =>
        db.ImportedItems.AsNoTracking().Where(i => i.Source == "ghost" && i.Kind == kind).ToDictionaryAsync(i => i.SourceId, i => i.TargetId));

    private Task<Article> StoryAsync(int id) => app.WithDbAsync(db =>
        db.Articles.AsNoTracking().Include(a => a.Tags).ThenInclude(t => t.Tag).Include(a => a.Authors).ThenInclude(a => a.Author).Include(a => a.Section).SingleAsync(a => a.Id == id));

    private static string Unique(string prefix) => TestContent.Unique(prefix);

    private static byte[] Png()
    {
        using var bitmap = new SKBitmap(640, 400);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.IndianRed);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 90);
        return data.ToArray();
    }

    private sealed record Everything(GhostExport Export, string News, string Budget, string Jane, string First, string Second, string Page);

    /// <summary>An export with every construct: statuses, visibility, primary and other tags, an internal tag, authors, Lexical, mobiledoc and html bodies, pages.</summary>
    private static Everything Build(string word = "okapiwombat")
    {
        var g = new GhostExport();
        var (news, budget, internalTag, jane) = (Unique("news"), Unique("budget"), Unique("hash-internal"), Unique("jane"));
        var (first, second, page) = (Unique("first-story"), Unique("second-story"), Unique("history"));
        g.Tags.AddRange([(g.Id(1), "News", news), (g.Id(2), "Budget", budget), (g.Id(3), "#newsletter", internalTag)]);
        g.Users.AddRange([(g.Id(10), "Jane Reporter", jane), (g.Id(11), "Sam Writer", Unique("sam"))]);
        var lexical = GhostExport.Lexical(
            $$"""{"type":"paragraph","children":[{"type":"text","text":"Opening {{word}} ","format":0},{"type":"link","url":"__GHOST_URL__/{{second}}/","children":[{"type":"text","text":"the second","format":1}]}]}""",
            """{"type":"heading","tag":"h2","children":[{"type":"text","text":"A heading","format":0}]}""",
            """{"type":"image","src":"__GHOST_URL__/content/images/2024/05/photo.png","alt":"A red photo","caption":"The caption"}""",
            """{"type":"embed","url":"https://www.youtube.com/watch?v=dQw4w9WgXcQ","html":"<iframe></iframe>"}""",
            """{"type":"html","html":"<script>alert(1)</script><p>Raw card</p>"}""",
            """{"type":"signup","header":"Subscribe"}""");
        const string Mobiledoc = """{"version":"0.3.1","atoms":[],"cards":[["hr",{}]],"markups":[["strong"]],"sections":[[1,"p",[[0,[],0,"Mobiledoc "],[0,[0],1,"bold"]]],[10,0],[3,"ul",[[[0,[],0,"one"]],[[0,[],0,"two"]]]]]}""";
        g.Posts.AddRange(
        [
            new GhostPostSpec(g.Id(101), "First story", first)
            {
                Lexical = lexical, FeatureImage = "__GHOST_URL__/content/images/size/w600/2024/05/photo.png", Excerpt = "The standfirst.",
                Tags = [g.Id(3), g.Id(1), g.Id(2)], Authors = [g.Id(10)], MetaTitle = "SEO title", MetaDescription = "SEO description.",
            },
            new GhostPostSpec(g.Id(102), "Second story", second) { Mobiledoc = Mobiledoc, Tags = [g.Id(1)], Authors = [g.Id(11), g.Id(10)] },
            new GhostPostSpec(g.Id(103), "Html only", Unique("html-only")) { Html = "<p>Only html here.</p><p>Twice.</p>" },
            new GhostPostSpec(g.Id(104), "Scheduled story", Unique("scheduled")) { Status = "scheduled", PublishedAt = new DateTime(2031, 1, 1, 0, 0, 0, DateTimeKind.Utc), Lexical = GhostExport.Paragraphs("Later.") },
            new GhostPostSpec(g.Id(105), "Draft story", Unique("draft")) { Status = "draft", Lexical = GhostExport.Paragraphs("Draft.") },
            new GhostPostSpec(g.Id(106), "Members story", Unique("members")) { Visibility = "paid", Lexical = GhostExport.Paragraphs("Paid.") },
            new GhostPostSpec(g.Id(107), "Emailed story", Unique("emailed")) { Status = "sent", Lexical = GhostExport.Paragraphs("Sent.") },
            new GhostPostSpec(g.Id(108), "Long story", Unique("long")) { Lexical = GhostExport.Paragraphs([.. Enumerable.Range(0, 1500).Select(i => $"Paragraph {i} of a long story that runs past the reader's first buffer.")]) },
            new GhostPostSpec(g.Id(201), "About the old site", "about") { Type = "page", Lexical = GhostExport.Paragraphs("We are old.") },
            new GhostPostSpec(g.Id(202), "Our history", page) { Type = "page", Lexical = GhostExport.Paragraphs("Founded long ago.") },
        ]);
        return new Everything(g, news, budget, jane, first, second, page);
    }

    private static string Zip(GhostExport export) => export.WriteZip(Path.Combine(Folder, Guid.NewGuid().ToString("N")), new Dictionary<string, byte[]> { ["2024/05/photo.png"] = Png() });

    [DatabaseFact]
    public async Task Every_part_of_a_Ghost_export_maps_onto_stories_sections_tags_authors_pages_and_pictures()
    {
        var e = Build();
        var g = e.Export;
        var report = Path.Combine(Folder, Guid.NewGuid().ToString("N") + ".tsv");
        Directory.CreateDirectory(Folder);

        var run = await ImportAsync(Zip(g), "--report", report);

        Assert.True(run.Exit == 0, run.Error + run.Out);
        var posts = await TargetsAsync("post");
        var first = await StoryAsync(posts[g.Id(101)]);
        var second = await StoryAsync(posts[g.Id(102)]);
        Assert.Equal(ArticleStatus.Published, first.Status);
        Assert.Equal(new DateTime(2024, 5, 2, 8, 0, 0, DateTimeKind.Utc), first.PublishedAt);
        Assert.Equal("The standfirst.", first.Standfirst);
        Assert.Equal("SEO title", first.SeoTitle);
        Assert.Equal("SEO description.", first.SeoDescription);
        // The primary tag (first public one by sort order; the internal tag skipped) is the section; the others are tags.
        Assert.Equal(e.News, first.Section!.Slug);
        Assert.Equal([e.Budget], first.Tags.Select(t => t.Tag!.Slug));
        Assert.Equal(["Jane Reporter"], first.Authors.Select(a => a.Author!.Name));
        Assert.Equal(["Sam Writer", "Jane Reporter"], second.Authors.OrderBy(a => a.Position).Select(a => a.Author!.Name));
        Assert.NotNull(first.LeadImageId);
        Assert.False(await app.WithDbAsync(db => db.Tags.AnyAsync(t => t.Name == "#newsletter")));

        var blocks = BodyDocument.Deserialize(first.BodyHtml);
        Assert.Equal([BlockKind.Paragraph, BlockKind.Heading, BlockKind.Figure, BlockKind.Embed, BlockKind.Paragraph], blocks.Select(b => b.Kind));
        Assert.Contains($"href=\"{StoryFormats.Path(StoryFormat.Article, e.News, second.Slug, second.Id)}\"", blocks[0].Html, StringComparison.Ordinal);
        Assert.Contains("src=\"/media/", blocks[2].Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", first.BodyHtml, StringComparison.Ordinal);
        var secondHtml = string.Concat(BodyDocument.Deserialize(second.BodyHtml).Select(b => b.Html));
        Assert.Contains("<strong>bold</strong>", secondHtml, StringComparison.Ordinal);
        Assert.Contains("<li>two</li>", secondHtml, StringComparison.Ordinal);
        var htmlOnly = await StoryAsync(posts[g.Id(103)]);
        Assert.Equal(2, BodyDocument.Deserialize(htmlOnly.BodyHtml).Count);
        Assert.Equal("imported", htmlOnly.Section!.Slug);
        Assert.Equal(1500, BodyDocument.Deserialize((await StoryAsync(posts[g.Id(108)])).BodyHtml).Count);

        Assert.Equal(ArticleStatus.Scheduled, (await StoryAsync(posts[g.Id(104)])).Status);
        Assert.Equal(ArticleStatus.Draft, (await StoryAsync(posts[g.Id(105)])).Status);
        Assert.Equal(ArticleStatus.Draft, (await StoryAsync(posts[g.Id(106)])).Status);
        Assert.Equal(ArticleStatus.Draft, (await StoryAsync(posts[g.Id(107)])).Status);
        var about = await app.WithDbAsync(db => db.StaticPages.AsNoTracking().SingleAsync(p => p.Slug == "about"));
        Assert.Equal("About the old site", about.Title);
        var history = await StoryAsync((await TargetsAsync("page"))[g.Id(202)]);
        Assert.Equal(Byline.Importing.WordPressImporter.PagesSectionSlug, history.Section!.Slug);

        var lines = File.ReadAllLines(report);
        Assert.Contains(lines, l => l.StartsWith($"tag\t{g.Id(3)}\t#newsletter\tnot imported", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"post\t{g.Id(101)}\tFirst story\timported with losses\tsignup card dropped", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"post\t{g.Id(106)}\tMembers story\timported with losses\tfor paid readers only", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"post\t{g.Id(107)}\tEmailed story\timported with losses\tsent by email only", StringComparison.Ordinal));
    }

    [DatabaseFact]
    public async Task Ghost_addresses_answer_301_with_their_new_ones_and_the_story_is_found_by_search()
    {
        var word = "okapi" + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsAsciiLetter));
        var e = Build(word);
        var run = await ImportAsync(e.Export.WriteJson(Folder));
        Assert.True(run.Exit == 0, run.Error);
        // A bare JSON file has no pictures: one report entry says so, and the stories are imported all the same.
        Assert.Contains("pictures", run.Out, StringComparison.Ordinal);
        var first = await StoryAsync((await TargetsAsync("post"))[e.Export.Id(101)]);
        var path = StoryFormats.Path(StoryFormat.Article, e.News, first.Slug, first.Id);
        await WaitUntilAsync(() => app.Services.GetRequiredService<RedirectTable>().MightContain("/" + e.First));

        foreach (var (old, target) in new[]
        {
            ($"/{e.First}/", path),
            ($"/tag/{e.News}/", $"/{e.News}"),
            ($"/tag/{e.Budget}/rss/", $"/tag/{e.Budget}/rss.xml"),
            ($"/author/{e.Jane}/rss/", $"/author/{e.Jane}/rss.xml"),
        })
        {
            using var response = await app.GetAsync(old);
            Assert.True(response.StatusCode == HttpStatusCode.MovedPermanently, $"{old}: {response.StatusCode}");
            Assert.Equal(target, response.Headers.Location?.OriginalString);
        }
        // Ghost's tag and author pages live at Byline's own addresses: they answer without a redirect.
        foreach (var same in new[] { $"/tag/{e.Budget}/", $"/author/{e.Jane}/" })
        {
            using var response = await app.GetAsync(same);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{same}: {response.StatusCode}");
        }
        await using var scope = app.Services.CreateAsyncScope();
        var hits = await scope.ServiceProvider.GetRequiredService<ISearchIndex>().SearchAsync(
            new SearchRequest(SearchSyntax.Parse(word), null, null, null, 0, 10, DateTime.UtcNow), CancellationToken.None);
        Assert.Equal([first.Id], hits.Select(h => h.ArticleId));
        Assert.True(await app.WithDbAsync(db => db.Set<ContentEvent>().AsNoTracking().AnyAsync(x => x.Reason == "import: ghost")));
    }

    [DatabaseFact]
    public async Task A_second_run_changes_nothing_and_a_changed_post_is_updated_in_place()
    {
        var e = Build();
        var file = e.Export.WriteJson(Folder);
        Assert.Equal(0, (await ImportAsync(file)).Exit);
        var before = await TargetsAsync("post");
        var stories = await app.WithDbAsync(db => db.Articles.CountAsync());

        var again = await ImportAsync(file);

        Assert.Equal(0, again.Exit);
        Assert.Contains("posts: 0 created, 0 updated, 8 unchanged", again.Out, StringComparison.Ordinal);
        Assert.Equal(stories, await app.WithDbAsync(db => db.Articles.CountAsync()));

        var changed = e.Export.Posts.FindIndex(p => p.Id == e.Export.Id(102));
        e.Export.Posts[changed] = e.Export.Posts[changed] with { Title = "Second story, revised" };
        var third = await ImportAsync(e.Export.WriteJson(Folder));

        Assert.Equal(0, third.Exit);
        Assert.Contains("posts: 0 created, 1 updated, 7 unchanged", third.Out, StringComparison.Ordinal);
        var revised = await StoryAsync(before[e.Export.Id(102)]);
        Assert.Equal("Second story, revised", revised.Headline);
        Assert.Equal(2, revised.Version);
        Assert.Equal(before, await TargetsAsync("post"));
    }

    [DatabaseFact]
    public async Task A_dry_run_reports_what_it_would_do_and_writes_nothing()
    {
        var e = Build();
        var redirects = await app.WithDbAsync(db => db.Redirects.CountAsync());

        var run = await ImportAsync(e.Export.WriteJson(Folder), "--dry-run");

        Assert.Equal(0, run.Exit);
        Assert.Contains("posts: 8 would create", run.Out, StringComparison.Ordinal);
        Assert.Contains("Dry run: nothing written", run.Out, StringComparison.Ordinal);
        Assert.False((await TargetsAsync("post")).ContainsKey(e.Export.Id(101)));
        Assert.Equal(redirects, await app.WithDbAsync(db => db.Redirects.CountAsync()));
        Assert.False(await app.WithDbAsync(db => db.Sections.AnyAsync(s => s.Slug == e.News)));
    }

    [DatabaseFact]
    public async Task With_primary_tag_as_tag_every_tag_stays_a_tag()
    {
        var e = Build();

        var run = await ImportAsync(e.Export.WriteJson(Folder), "--primary-tag", "tag");

        Assert.True(run.Exit == 0, run.Error);
        var first = await StoryAsync((await TargetsAsync("post"))[e.Export.Id(101)]);
        Assert.Equal("imported", first.Section!.Slug);
        Assert.Equal([e.News, e.Budget], first.Tags.OrderBy(t => t.Position).Select(t => t.Tag!.Slug));
    }

    // ---- bad input: one line, exit 1, nothing written ---------------------------------------------

    private async Task AssertRefusedAsync(string path, string because)
    {
        var before = await app.WithDbAsync(async db => await db.ImportedItems.CountAsync() + await db.Articles.CountAsync());

        var run = await ImportAsync(path);

        Assert.Equal(1, run.Exit);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("byline: import failed:", line, StringComparison.Ordinal);
        Assert.Contains(because, line, StringComparison.Ordinal);
        Assert.Equal(before, await app.WithDbAsync(async db => await db.ImportedItems.CountAsync() + await db.Articles.CountAsync()));
    }

    private static string Write(string name, byte[] bytes)
    {
        var folder = Path.Combine(Folder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [DatabaseFact]
    public async Task A_JSON_file_that_is_not_a_Ghost_export_is_refused()
    {
        await AssertRefusedAsync(Write("other.json", """{"name":"package","dependencies":{"data":{"posts":[]}}}"""u8.ToArray()), "not a Ghost export");
        await AssertRefusedAsync(Write("array.json", "[1,2,3]"u8.ToArray()), "not a Ghost export");
    }

    [DatabaseFact]
    public async Task A_truncated_export_is_refused_whole()
    {
        var whole = Build().Export.ToJson();

        await AssertRefusedAsync(Write("cut.json", whole[..(whole.Length * 2 / 3)]), "not well-formed JSON");
    }

    [DatabaseFact]
    public async Task A_zip_bomb_is_refused_before_it_is_expanded()
    {
        var path = Path.Combine(Folder, Guid.NewGuid().ToString("N") + ".zip");
        Directory.CreateDirectory(Folder);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using (var s = zip.CreateEntry("export.json").Open())
            {
                s.Write(Build().Export.ToJson());
            }
            using var bomb = zip.CreateEntry("content/images/2024/05/bomb.png", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 64; i++)
            {
                bomb.Write(zeros);
            }
        }

        await AssertRefusedAsync(path, "zip bomb");
    }

    [DatabaseFact]
    public async Task A_zip_entry_whose_path_leaves_its_folder_is_refused()
    {
        var path = Path.Combine(Folder, Guid.NewGuid().ToString("N") + ".zip");
        Directory.CreateDirectory(Folder);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using (var s = zip.CreateEntry("export.json").Open())
            {
                s.Write(Build().Export.ToJson());
            }
            using var evil = zip.CreateEntry("../../content/images/evil.png").Open();
            evil.Write(Png());
        }

        await AssertRefusedAsync(path, "leaves its folder");
    }

    [DatabaseFact]
    public async Task A_zip_without_an_export_inside_is_refused()
    {
        var path = Path.Combine(Folder, Guid.NewGuid().ToString("N") + ".zip");
        Directory.CreateDirectory(Folder);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var s = zip.CreateEntry("content/images/a.png").Open();
            s.Write(Png());
        }

        await AssertRefusedAsync(path, "no Ghost export");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(50, deadline.Token);
        }
    }
}

public sealed class GhostImportOnSqlite(SqliteApp app) : GhostImportTests(app), IClassFixture<SqliteApp>;

public sealed class GhostImportOnPostgres(PostgresApp app) : GhostImportTests(app), IClassFixture<PostgresApp>;

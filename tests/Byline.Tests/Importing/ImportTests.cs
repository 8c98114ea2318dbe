using System.Diagnostics;
using System.Net;
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
/// `byline import wordpress` against the running site's own database: what each construct becomes, a
/// second run that changes nothing, a dry run that writes nothing, a run killed mid-way and resumed, and
/// the old addresses answering 301 over HTTP.
/// </summary>
public abstract class ImportTests(BylineApp app)
{
    private static readonly string Folder = Path.Combine(BylineApp.TempRoot, "imports");

    private sealed record Run(int Exit, string Out, string Error);

    private string[] Config => [$"--ConnectionStrings:Byline={app.ConnectionString}", $"--Byline:Database:Provider={app.Database}", $"--Byline:Media:Path={app.MediaPath}",
        // A killed run holds the one import lease until it lapses; the resumed run waits that long.
        "--Byline:Importing:LeaseSeconds=2"];

    private async Task<Run> ImportAsync(string path, params string[] more)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await BylineCli.RunAsync(["import", "wordpress", path, .. more, .. Config],
            new CliConsole(new StringReader(""), output, error, InteractiveInput: false));
        return new Run(exit, output.ToString(), error.ToString());
    }

    /// <summary>Ids unique to the test, so tests sharing the site never share a /?p= address.</summary>
    private static int Base() => Random.Shared.Next(1_000, 1_000_000) * 1000;

    private static string Unique(string prefix) => TestContent.Unique(prefix);

    private Task<Dictionary<string, int>> TargetsAsync(Wxr wxr, string kind) => app.WithDbAsync(db =>
        db.ImportedItems.AsNoTracking().Where(i => i.Source == "wordpress:" + wxr.Host && i.Kind == kind).ToDictionaryAsync(i => i.SourceId, i => i.TargetId));

    private Task<Article> StoryAsync(int id) => app.WithDbAsync(db =>
        db.Articles.AsNoTracking().Include(a => a.Tags).ThenInclude(t => t.Tag).Include(a => a.Authors).ThenInclude(a => a.Author).Include(a => a.Section).SingleAsync(a => a.Id == id));

    private static string WritePng(string folder, string relative, int width = 640)
    {
        var path = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(width, width * 5 / 8);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.SteelBlue);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 90);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    /// <summary>An export with every construct: statuses, nested categories, tags, authors, pictures, SEO, shortcodes, blocks, pages, other types.</summary>
    private static (Wxr Wxr, int B, string News, string Politics, string Deep, string Budget) Everything() => Everything("zanzibarquokka");

    private static (Wxr Wxr, int B, string News, string Politics, string Deep, string Budget) Everything(string word)
    {
        var b = Base();
        var (news, politics, deep, budget, tax) = (Unique("news"), Unique("politics"), Unique("deep"), Unique("budget"), Unique("tax"));
        var wxr = new Wxr();
        wxr.Categories.AddRange([(b + 1, news, "News", ""), (b + 2, politics, "Politics", news), (b + 3, deep, "Deep", politics)]);
        wxr.Tags.AddRange([(b + 4, budget, "Budget"), (b + 5, tax, "Tax")]);
        var date = new DateTime(2024, 3, 1, 9, 30, 0, DateTimeKind.Utc);
        var second = new WxrPost(b + 102, "Second story", "") { Name = "second-story", Date = date.AddDays(1) };
        wxr.Posts.AddRange(
        [
            new WxrPost(b + 50, "photo", "") { Type = "attachment", Status = "inherit", AttachmentUrl = $"{wxr.Site}/wp-content/uploads/2024/03/photo.png", Excerpt = "A caption", Meta = new Dictionary<string, string> { ["_wp_attachment_image_alt"] = "A steel-blue photo" } },
            new WxrPost(b + 101, "First story", $$"""
                <!-- wp:paragraph -->
                <p>Opening paragraph {{word}} with <a href="{{wxr.Link(second)}}">a link to the second</a>.</p>
                <!-- /wp:paragraph -->

                <!-- wp:heading -->
                <h2>A heading</h2>
                <!-- /wp:heading -->

                <!-- wp:image -->
                <figure class="wp-block-image"><img src="{{wxr.Site}}/wp-content/uploads/2024/03/photo-300x200.png" alt=""/></figure>
                <!-- /wp:image -->

                <!-- wp:embed {"url":"https://www.youtube.com/watch?v=dQw4w9WgXcQ"} -->
                <figure class="wp-block-embed"><div class="wp-block-embed__wrapper">https://www.youtube.com/watch?v=dQw4w9WgXcQ</div></figure>
                <!-- /wp:embed -->
                """)
            {
                Name = "first-story", Date = date, Categories = [politics], Tags = [budget, tax], Creator = "jane", Excerpt = "<p>The standfirst, from the excerpt.</p>", Comments = 3,
                Meta = new Dictionary<string, string> { ["_thumbnail_id"] = (b + 50).ToString(System.Globalization.CultureInfo.InvariantCulture), ["_yoast_wpseo_title"] = "%%title%% %%sep%% %%sitename%%", ["_yoast_wpseo_metadesc"] = "Yoast description." },
            },
            second with
            {
                Body = $"Classic first paragraph.\n\nSecond paragraph back to <a href=\"{wxr.Site}/?p={b + 101}\">the first</a>.\n\n[caption width=\"300\"]<img src=\"{wxr.Site}/wp-content/uploads/2024/03/photo.png\" /> Captioned[/caption]\n\n[unknown_code]x[/unknown_code]",
                Categories = [deep], Creator = "sam", Meta = new Dictionary<string, string> { ["rank_math_description"] = "RankMath description." },
            },
            new WxrPost(b + 103, "Future story", "<p>Later.</p>") { Status = "future", Date = new DateTime(2031, 1, 1, 0, 0, 0, DateTimeKind.Utc), Categories = [news] },
            new WxrPost(b + 104, "Draft story", "<p>Draft.</p>") { Status = "draft", Categories = [news] },
            new WxrPost(b + 105, "Pending story", "<p>Pending.</p>") { Status = "pending", Categories = [news] },
            new WxrPost(b + 106, "Private story", "<p>Private.</p>") { Status = "private", Categories = [news] },
            new WxrPost(b + 107, "Trashed story", "<p>Gone.</p>") { Status = "trash", Categories = [news] },
            new WxrPost(b + 108, "Locked story", "<p>Secret.</p>") { Password = "pw", Categories = [news] },
            new WxrPost(b + 201, "About the old site", "<p>We are old.</p>") { Type = "page", Name = "about" },
            new WxrPost(b + 202, "Our history", "<p>Founded long ago.</p>") { Type = "page", Name = Unique("history") },
            new WxrPost(b + 301, "Menu entry", "") { Type = "nav_menu_item" },
        ]);
        return (wxr, b, news, politics, deep, budget);
    }

    [DatabaseFact]
    public async Task Every_construct_of_an_export_maps_onto_stories_sections_tags_authors_pages_and_pictures()
    {
        var (wxr, b, news, politics, deep, budget) = Everything();
        var uploads = Path.Combine(Folder, Guid.NewGuid().ToString("N"));
        // Wide enough for three renditions: the body's picture names them all in its srcset.
        WritePng(uploads, "2024/03/photo.png", 1280);

        var run = await ImportAsync(wxr.WriteTo(Folder), "--uploads", uploads, "--report", Path.Combine(uploads, "report.tsv"));

        Assert.True(run.Exit == 0, run.Error);
        Assert.Contains("comments: 3 counted", run.Out, StringComparison.Ordinal);
        Assert.Contains("nav_menu_item 1", run.Out, StringComparison.Ordinal);
        var posts = await TargetsAsync(wxr, "post");
        var first = await StoryAsync(posts[$"{b + 101}"]);
        var second = await StoryAsync(posts[$"{b + 102}"]);
        Assert.Equal(ArticleStatus.Published, first.Status);
        Assert.Equal(new DateTime(2024, 3, 1, 9, 30, 0, DateTimeKind.Utc), first.PublishedAt);
        Assert.Equal("The standfirst, from the excerpt.", first.Standfirst);
        Assert.Equal("First story – Old Site", first.SeoTitle);
        Assert.Equal("Yoast description.", first.SeoDescription);
        Assert.Equal("RankMath description.", second.SeoDescription);
        Assert.Equal(politics, first.Section!.Slug);
        var sections = await app.WithDbAsync(db => db.Sections.AsNoTracking().Where(s => s.Slug == news || s.Slug == politics || s.Slug == deep).ToDictionaryAsync(s => s.Slug));
        Assert.Equal(sections[news].Id, first.TopSectionId);
        Assert.Equal(sections[news].Id, sections[politics].ParentId);
        // Byline has two levels: a grandchild hangs under its top-level ancestor.
        Assert.Equal(sections[news].Id, sections[deep].ParentId);
        Assert.Equal(2, first.Tags.Count);
        Assert.Equal(budget, first.Tags.Single(t => t.Position == 0).Tag!.Slug);
        Assert.Equal(["Jane Reporter"], first.Authors.Select(a => a.Author!.Name));
        Assert.Equal(["Sam Writer"], second.Authors.Select(a => a.Author!.Name));
        Assert.All(first.Tags, t => Assert.Equal(first.PublishedAt, t.ListedAt));
        Assert.NotNull(first.LeadImageId);

        var blocks = BodyDocument.Deserialize(first.BodyHtml);
        Assert.Equal([BlockKind.Paragraph, BlockKind.Heading, BlockKind.Figure, BlockKind.Embed], blocks.Select(x => x.Kind));
        var secondPath = StoryFormats.Path(StoryFormat.Article, news, second.Slug, second.Id);
        Assert.Contains($"href=\"{secondPath}\"", blocks[0].Html, StringComparison.Ordinal);
        Assert.Contains("src=\"/media/", blocks[2].Html, StringComparison.Ordinal);
        Assert.Contains("srcset=\"/media/", blocks[2].Html, StringComparison.Ordinal);
        var secondHtml = string.Concat(BodyDocument.Deserialize(second.BodyHtml).Select(x => x.Html));
        Assert.Contains($"href=\"{StoryFormats.Path(StoryFormat.Article, news, first.Slug, first.Id)}\"", secondHtml, StringComparison.Ordinal);
        Assert.Contains("<p>Classic first paragraph.</p>", secondHtml, StringComparison.Ordinal);

        Assert.Equal(ArticleStatus.Scheduled, (await StoryAsync(posts[$"{b + 103}"])).Status);
        Assert.Equal(ArticleStatus.Draft, (await StoryAsync(posts[$"{b + 104}"])).Status);
        Assert.Equal(ArticleStatus.InReview, (await StoryAsync(posts[$"{b + 105}"])).Status);
        Assert.Equal(ArticleStatus.Draft, (await StoryAsync(posts[$"{b + 106}"])).Status);
        Assert.Equal(ArticleStatus.Draft, (await StoryAsync(posts[$"{b + 108}"])).Status);
        Assert.False(posts.ContainsKey($"{b + 107}"));
        var about = await app.WithDbAsync(db => db.StaticPages.AsNoTracking().SingleAsync(p => p.Slug == "about"));
        Assert.Equal("About the old site", about.Title);
        var history = await StoryAsync((await TargetsAsync(wxr, "page"))[$"{b + 202}"]);
        Assert.Equal(WordPressImporterPages, history.Section!.Slug);

        var report = File.ReadAllLines(Path.Combine(uploads, "report.tsv"));
        Assert.Contains(report, l => l.StartsWith($"post\t{b + 107}\tTrashed story\tnot imported", StringComparison.Ordinal));
        Assert.Contains(report, l => l.StartsWith($"post\t{b + 108}\tLocked story\timported with losses\tpassword-protected", StringComparison.Ordinal));
        Assert.Contains(report, l => l.StartsWith($"post\t{b + 102}\tSecond story\timported with losses\tunknown shortcode [unknown_code]", StringComparison.Ordinal));
        Assert.Contains(report, l => l.StartsWith($"category\t{deep}", StringComparison.Ordinal));
    }

    [DatabaseFact]
    public async Task A_gallery_post_becomes_a_photo_story_and_an_article_holding_a_gallery_stays_an_article()
    {
        var b = Base();
        var section = Unique("pictures");
        var wxr = new Wxr();
        wxr.Categories.Add((b + 1, section, "Pictures", ""));
        var uploads = Path.Combine(Folder, Guid.NewGuid().ToString("N"));
        var ids = new List<int>();
        for (var i = 1; i <= 3; i++)
        {
            WritePng(uploads, $"2024/05/shot-{i}.png");
            ids.Add(b + 50 + i);
            wxr.Posts.Add(new WxrPost(b + 50 + i, $"shot {i}", "")
            {
                Type = "attachment", Status = "inherit", AttachmentUrl = $"{wxr.Site}/wp-content/uploads/2024/05/shot-{i}.png", Excerpt = $"Caption of shot {i}",
                Meta = new Dictionary<string, string> { ["_wp_attachment_image_alt"] = $"Shot {i}" },
            });
        }
        var gallery = $"[gallery ids=\"{string.Join(',', ids)}\"]";
        var longText = string.Join("\n\n", Enumerable.Range(0, 40).Select(i => $"Paragraph {i} of a long report with ten words in it."));
        wxr.Posts.Add(new WxrPost(b + 101, "The week in pictures", $"<p>Seven days, three pictures.</p>\n\n{gallery}") { Name = "week-in-pictures", Categories = [section] });
        wxr.Posts.Add(new WxrPost(b + 102, "A long report", $"{longText}\n\n{gallery}") { Name = "long-report", Categories = [section] });

        var run = await ImportAsync(wxr.WriteTo(Folder), "--uploads", uploads);

        Assert.True(run.Exit == 0, run.Error);
        var posts = await TargetsAsync(wxr, "post");
        var photos = await StoryAsync(posts[$"{b + 101}"]);
        Assert.Equal(StoryFormat.PhotoStory, photos.Format);
        var slides = FormatData.FromJson(photos.FormatData).Slides;
        Assert.Equal(["Caption of shot 1", "Caption of shot 2", "Caption of shot 3"], slides.Select(x => x.Text));
        Assert.Equal(["Shot 1", "Shot 2", "Shot 3"], slides.Select(x => x.Alt));
        Assert.Equal(slides[0].ImageId, photos.LeadImageId);
        var intro = BodyDocument.Deserialize(photos.BodyHtml);
        Assert.Equal("<p>Seven days, three pictures.</p>", Assert.Single(intro).Html.Trim());

        var report = await StoryAsync(posts[$"{b + 102}"]);
        Assert.Equal(StoryFormat.Article, report.Format);
        Assert.Equal(3, BodyDocument.Deserialize(report.BodyHtml).Count(x => x.Kind == BlockKind.Figure));

        // The reader's page of the photo story shows each slide, and the old address leads there.
        var path = StoryFormats.Path(StoryFormat.PhotoStory, section, photos.Slug, photos.Id);
        using var page = await app.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Caption of shot 3", html, StringComparison.Ordinal);
        await WaitUntilAsync(() => app.Services.GetRequiredService<RedirectTable>().MightContain($"/?p={b + 101}"));
        using var old = await app.GetAsync($"/?p={b + 101}");
        Assert.Equal(HttpStatusCode.MovedPermanently, old.StatusCode);
        Assert.Equal(path, old.Headers.Location!.OriginalString);
    }

    private const string WordPressImporterPages = Byline.Importing.WordPressImporter.PagesSectionSlug;

    [DatabaseFact]
    public async Task Old_addresses_answer_301_with_their_new_ones_and_the_imported_story_is_found_by_search()
    {
        var word = "quokka" + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsAsciiLetter));
        var (wxr, b, news, politics, _, budget) = Everything(word);
        var run = await ImportAsync(wxr.WriteTo(Folder));
        Assert.True(run.Exit == 0, run.Error);
        var posts = await TargetsAsync(wxr, "post");
        var first = await StoryAsync(posts[$"{b + 101}"]);
        var path = StoryFormats.Path(StoryFormat.Article, news, first.Slug, first.Id);
        var history = await StoryAsync((await TargetsAsync(wxr, "page"))[$"{b + 202}"]);
        // The site hears of the new redirects through the events, as from any other process.
        await WaitUntilAsync(() => app.Services.GetRequiredService<RedirectTable>().MightContain($"/?p={b + 101}"));

        foreach (var (old, target) in new[]
        {
            ($"/?p={b + 101}", path),
            ("/2024/03/01/first-story/", path),
            ($"/category/{politics}/", $"/{news}/{politics}"),
            ($"/?cat={b + 1}", $"/{news}"),
            ($"/tag/{budget}/feed/", $"/tag/{budget}/rss.xml"),
            ($"/?page_id={b + 202}", StoryFormats.Path(StoryFormat.Article, WordPressImporterPages, history.Slug, history.Id)),
            ("/feed/", "/rss.xml"),
        })
        {
            using var response = await app.GetAsync(old);
            Assert.True(response.StatusCode == HttpStatusCode.MovedPermanently, $"{old}: {response.StatusCode}");
            Assert.Equal(target, response.Headers.Location?.OriginalString);
        }
        using (var page = await app.GetAsync(path))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains(word, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var tag = await app.GetAsync($"/tag/{budget}"))
        {
            Assert.Equal(HttpStatusCode.OK, tag.StatusCode);
        }
        // A draft has no public address: its /?p= stays the home page.
        using (var draft = await app.GetAsync($"/?p={b + 104}"))
        {
            Assert.Equal(HttpStatusCode.OK, draft.StatusCode);
        }
        await using var scope = app.Services.CreateAsyncScope();
        var hits = await scope.ServiceProvider.GetRequiredService<ISearchIndex>().SearchAsync(
            new SearchRequest(SearchSyntax.Parse(word), null, null, null, 0, 10, DateTime.UtcNow), CancellationToken.None);
        Assert.Equal([first.Id], hits.Select(h => h.ArticleId));
        var events = await app.WithDbAsync(db => db.Set<ContentEvent>().AsNoTracking().Where(e => e.Reason == "import: wordpress").CountAsync());
        Assert.True(events > 0);
    }

    [DatabaseFact]
    public async Task A_second_run_of_the_same_file_changes_nothing_and_a_changed_post_is_updated_in_place()
    {
        var (wxr, b, _, _, _, _) = Everything();
        var path = wxr.WriteTo(Folder);
        Assert.Equal(0, (await ImportAsync(path)).Exit);
        var before = await TargetsAsync(wxr, "post");
        var stories = await app.WithDbAsync(db => db.Articles.CountAsync());
        var redirects = await app.WithDbAsync(db => db.Redirects.CountAsync());

        var again = await ImportAsync(path);

        Assert.True(again.Exit == 0, again.Error);
        Assert.Contains("posts: 0 created, 0 updated, 7 unchanged", again.Out, StringComparison.Ordinal);
        Assert.Equal(stories, await app.WithDbAsync(db => db.Articles.CountAsync()));
        Assert.Equal(redirects, await app.WithDbAsync(db => db.Redirects.CountAsync()));

        var edited = wxr.Posts.FindIndex(p => p.Id == b + 101);
        wxr.Posts[edited] = wxr.Posts[edited] with { Title = "First story, corrected" };
        var third = await ImportAsync(wxr.WriteTo(Folder));

        Assert.True(third.Exit == 0, third.Error);
        Assert.Contains("posts: 0 created, 1 updated, 6 unchanged", third.Out, StringComparison.Ordinal);
        Assert.Equal(before, await TargetsAsync(wxr, "post"));
        var story = await StoryAsync(before[$"{b + 101}"]);
        Assert.Equal("First story, corrected", story.Headline);
        Assert.Equal(2, story.Version);
        Assert.Equal(stories, await app.WithDbAsync(db => db.Articles.CountAsync()));
    }

    [DatabaseFact]
    public async Task A_dry_run_prints_what_would_happen_and_writes_nothing()
    {
        var (wxr, _, _, _, _, _) = Everything();
        var counts = await app.WithDbAsync(async db => (await db.Articles.CountAsync(), await db.Redirects.CountAsync(), await db.Sections.CountAsync(), await db.ImportedItems.CountAsync()));

        var run = await ImportAsync(wxr.WriteTo(Folder), "--dry-run");

        Assert.True(run.Exit == 0, run.Error);
        Assert.Contains("posts: 7 would create", run.Out, StringComparison.Ordinal);
        Assert.Contains("sections: 3 would create", run.Out, StringComparison.Ordinal);
        Assert.Contains("Dry run: nothing written", run.Out, StringComparison.Ordinal);
        Assert.Equal(counts, await app.WithDbAsync(async db => (await db.Articles.CountAsync(), await db.Redirects.CountAsync(), await db.Sections.CountAsync(), await db.ImportedItems.CountAsync())));
    }

    [DatabaseFact]
    public async Task An_import_killed_mid_run_resumes_with_every_post_once()
    {
        const int Posts = 1500;
        var wxr = new Wxr();
        var b = Base();
        var section = Unique("wire");
        wxr.Categories.Add((b, section, "Wire", ""));
        for (var i = 0; i < Posts; i++)
        {
            wxr.Posts.Add(new WxrPost(b + i + 1, $"Wire story {i}", $"<p>Paragraph one of {i}.</p>\n\n<p>Paragraph two.</p>") { Categories = [section], Date = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i) });
        }
        var path = wxr.WriteTo(Folder);
        var dll = Path.Combine(AppContext.BaseDirectory, "Byline.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = BylineApp.TempRoot };
        foreach (var arg in new[] { dll, "import", "wordpress", path, "--batch-size", "1" }.Concat(Config))
        {
            start.ArgumentList.Add(arg);
        }
        using (var child = Process.Start(start)!)
        {
            // Killed once some batches are committed, whatever it is doing then.
            var source = "wordpress:" + wxr.Host;
            await WaitUntilAsync(async () => child.HasExited || await app.WithDbAsync(db => db.ImportedItems.CountAsync(i => i.Source == source && i.Kind == "post")) >= 20,
                TimeSpan.FromSeconds(180));
            if (child.HasExited)
            {
                Assert.Fail("the import ended before it could be killed: " + await child.StandardError.ReadToEndAsync());
            }
            // SIGKILL to the import alone (it starts no children); walking the whole process tree was slow enough here to let it finish.
            child.Kill();
            await child.WaitForExitAsync();
        }
        var partial = await TargetsAsync(wxr, "post");
        Assert.InRange(partial.Count, 20, Posts - 1);
        // What was committed is whole: every recorded post has its story, redirects and search entry.
        Assert.Equal(partial.Count, await app.WithDbAsync(db => db.Articles.CountAsync(a => a.SectionId == db.Sections.Single(s => s.Slug == section).Id)));

        var resumed = await ImportAsync(path);

        Assert.True(resumed.Exit == 0, resumed.Error);
        Assert.Contains($"{partial.Count} unchanged", resumed.Out, StringComparison.Ordinal);
        var all = await TargetsAsync(wxr, "post");
        Assert.Equal(Posts, all.Count);
        Assert.Equal(Posts, all.Values.Distinct().Count());
        Assert.Equal(Posts, await app.WithDbAsync(db => db.Articles.CountAsync(a => a.SectionId == db.Sections.Single(s => s.Slug == section).Id)));
        Assert.All(partial, p => Assert.Equal(p.Value, all[p.Key]));
        var redirects = await app.WithDbAsync(db => db.Redirects.CountAsync(r => r.ToPath.StartsWith("/" + section + "/")));
        // Each post's permalink and its /?p= address, once; and the category's feed.
        Assert.Equal(Posts * 2 + 1, redirects);
    }

    [DatabaseFact]
    public async Task Run_as_its_own_process_the_import_holds_its_heap_and_leaves_an_operators_limit_alone()
    {
        var wxr = new Wxr();
        var b = Base();
        var section = Unique("desk");
        wxr.Categories.Add((b, section, "Desk", ""));
        for (var i = 0; i < 60; i++)
        {
            wxr.Posts.Add(new WxrPost(b + i + 1, $"Desk story {i}", $"<p>Paragraph one of {i}.</p>\n\n<p>Paragraph two.</p>") { Categories = [section] });
        }
        var path = wxr.WriteTo(Folder);

        var held = await ChildImportAsync(path, null);
        Assert.True(held.Exit == 0, held.Error);
        Assert.Matches(@"Done in [0-9.]+ s\. The heap was held to [0-9]+ MB\.", held.Out);
        Assert.Equal(60, (await TargetsAsync(wxr, "post")).Count);

        // 512 MB, the operator's: the import neither changes nor mentions it.
        var chosen = await ChildImportAsync(path, "0x20000000");
        Assert.True(chosen.Exit == 0, chosen.Error);
        Assert.Contains("Done in", chosen.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("heap", chosen.Out, StringComparison.Ordinal);
        Assert.Contains("60 unchanged", chosen.Out, StringComparison.Ordinal);
    }

    /// <summary>`byline import wordpress` as a process of its own (as an operator runs it), to its end.</summary>
    private async Task<(int Exit, string Out, string Error)> ChildImportAsync(string path, string? heapLimit)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = BylineApp.TempRoot };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Byline.dll"), "import", "wordpress", path }.Concat(Config))
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment.Remove("DOTNET_GCHeapHardLimit");
        if (heapLimit is not null)
        {
            start.Environment["DOTNET_GCHeapHardLimit"] = heapLimit;
        }
        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEndAsync();
        var error = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (child.ExitCode, await output, await error);
    }

    [DatabaseFact]
    public async Task An_editor_adds_changes_and_removes_a_redirect_in_the_newsroom_and_a_contributor_cannot()
    {
        using var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var old = "/" + Unique("old-page") + "/";
        var target = "/" + Unique("new-page");

        using (var bad = await editor.SubmitAsync("/newsroom/redirects", new Dictionary<string, string> { ["From"] = "not a path", ["To"] = target }, "form[data-form=redirect]"))
        {
            Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
            var page = await NewsroomClient.ParseAsync(bad);
            Assert.NotEmpty(page.QuerySelector("[data-error-for=From]")!.TextContent.Trim());
            Assert.Equal("not a path", page.QuerySelector("input[name=From]")!.GetAttribute("value"));
        }
        using (var added = await editor.SubmitAsync("/newsroom/redirects", new Dictionary<string, string> { ["From"] = old, ["To"] = target }, "form[data-form=redirect]"))
        {
            Assert.True(added.StatusCode == HttpStatusCode.Redirect, await added.Content.ReadAsStringAsync());
        }
        await WaitUntilAsync(() => app.Services.GetRequiredService<RedirectTable>().MightContain(RedirectPaths.Normalise(old)!));
        using (var response = await app.GetAsync(old))
        {
            Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
            Assert.Equal(target, response.Headers.Location?.OriginalString);
        }

        var id = await app.WithDbAsync(db => db.Redirects.Where(r => r.FromPath == RedirectPaths.Normalise(old)).Select(r => r.Id).SingleAsync());
        var other = "/" + Unique("other");
        using (var changed = await editor.SubmitAsync($"/newsroom/redirects?edit={id}", new Dictionary<string, string> { ["To"] = other }, "form[data-form=redirect]"))
        {
            Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        }
        using (var response = await app.GetAsync(old))
        {
            Assert.Equal(other, response.Headers.Location?.OriginalString);
        }

        using var contributor = await NewsroomClient.ForRoleAsync(app, Roles.Contributor);
        using (var refused = await contributor.GetAsync("/newsroom/redirects"))
        {
            Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        }
        var list = await editor.PageAsync("/newsroom/redirects?q=" + Uri.EscapeDataString(RedirectPaths.Normalise(old)!));
        Assert.NotNull(list.QuerySelector($"tr[data-redirect='{id}']"));
        using (var removed = await editor.SubmitAsync("/newsroom/redirects?q=" + Uri.EscapeDataString(RedirectPaths.Normalise(old)!),
            new Dictionary<string, string>(), $"tr[data-redirect='{id}'] form"))
        {
            Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        }
        Assert.False(await app.WithDbAsync(db => db.Redirects.AnyAsync(r => r.Id == id)));
        using (var gone = await app.GetAsync(old))
        {
            Assert.NotEqual(HttpStatusCode.MovedPermanently, gone.StatusCode);
        }
        var audit = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "redirect" && a.EntityId == RedirectPaths.Normalise(old)).Select(a => a.Action).ToListAsync());
        Assert.Contains("redirect.saved", audit);
        Assert.Contains("redirect.deleted", audit);
    }

    private static async Task WaitUntilAsync(Func<bool> condition) => await WaitUntilAsync(() => Task.FromResult(condition()), TimeSpan.FromSeconds(30));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        using var deadline = new CancellationTokenSource(limit);
        while (!await condition())
        {
            await Task.Delay(50, deadline.Token);
        }
    }
}

public sealed class ImportOnSqlite(SqliteApp app) : ImportTests(app), IClassFixture<SqliteApp>;

public sealed class ImportOnPostgres(PostgresApp app) : ImportTests(app), IClassFixture<PostgresApp>;

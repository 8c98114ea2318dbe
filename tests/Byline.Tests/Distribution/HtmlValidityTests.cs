using System.Diagnostics;
using System.Text.Json;
using Byline.Content;
using Byline.Tests.Support;
using Byline.Tests.VisualStories;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Distribution;

/// <summary>
/// Every reader page type, saved as served, passes the W3C Nu HTML Checker (vnu.jar) without errors.
/// The checker comes from npm (vnu-jar); scripts/test.sh installs it and sets BYLINE_VNU_JAR.
/// </summary>
public abstract class HtmlValidityTests(BylineApp app)
{
    [DatabaseFact]
    public async Task Every_page_type_passes_the_nu_html_checker()
    {
        var top = await app.Content.SectionAsync();
        var sub = await app.Content.SectionAsync(top);
        var tag = await app.Content.TagAsync();
        var author = await app.Content.AuthorAsync();
        var desk = await app.Content.DeskAsync();
        var image = await app.Content.ImageAsync();
        var size = app.Content.CurrentSettings.PageSize;
        await app.Content.StoriesAsync(top, size + 1, paragraphs: 2);
        var pictured = await app.Content.StoryAsync(sub, new StorySpec { Tags = [tag], Authors = [author, desk], LeadImage = image, UpdatedAt = TestContent.Now(), Attribution = "With inputs from agencies", BodyMarkdown = TestContent.BodyWith(14) + "\n\nhttps://youtu.be/dQw4w9WgXcQ\n\nhttps://vimeo.com/76979871\n\n<https://x.com/someone/status/1?a=1&b=2>\n" });
        var bare = await app.Content.StoryAsync(top, new StorySpec { Standfirst = "", Paragraphs = 1 });
        var long300 = await app.Content.StoryAsync(top, new StorySpec { Headline = string.Concat(Enumerable.Repeat("A very long headline & <more> ", 12))[..300] });
        var emptyTag = await app.Content.TagAsync();
        var photoStory = await app.PublishAsync(VisualStoryKit.Input(top, StoryFormat.PhotoStory, VisualStoryKit.Slides(await app.ImagesAsync(3), "valid")));
        var webSlides = VisualStoryKit.Slides(await app.ImagesAsync(5), "valid");
        // A page without a heading still gets one (visually hidden): every page is a section with a heading.
        var webStory = await app.PublishAsync(VisualStoryKit.Input(top, StoryFormat.WebStory, [.. webSlides.Select((p, i) => i == 1 ? p with { Heading = "" } : p)]));
        // A short and a topic hub: stories of those formats (the hub gathers the tagged story above).
        var shortStory = await app.Content.StoryAsync(top, new StorySpec { LeadImage = image, Paragraphs = 1, Standfirst = "Ministers agreed a plan on Monday." });
        var hubStory = await app.Content.StoryAsync(top, new StorySpec { Tags = [tag], LeadImage = image, Paragraphs = 2 });
        var hubData = new FormatData { KeyFacts = ["A fact & a figure."], PinnedIds = [bare.Id] }.ToJson();
        await app.WithDbAsync(async db =>
        {
            await db.Articles.Where(a => a.Id == shortStory.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Format, StoryFormat.ShortNews).SetProperty(a => a.LinkedArticleId, pictured.Id));
            await db.Articles.Where(a => a.Id == hubStory.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Format, StoryFormat.Hub).SetProperty(a => a.FormatData, hubData));
            return await db.ArticleTags.Where(t => t.ArticleId == hubStory.Id).ExecuteUpdateAsync(u => u.SetProperty(t => t.ListedAt, (DateTime?)null));
        });
        await app.WithDbAsync(async db =>
        {
            if (!db.StaticPages.Any(p => p.Slug == "about"))
            {
                var md = "We make a newspaper.\n\n## Who we are\n\nWrite to us any time.";
                db.StaticPages.Add(new StaticPage { Slug = "about", Title = "About us", BodyMarkdown = md, BodyHtml = BodyDocument.Serialize(BodyDocument.Render(md)), UpdatedAt = TestContent.Now() });
                await db.SaveChangesAsync();
            }
            return 0;
        });

        var pages = new (string Name, string Path)[]
        {
            ("home", "/"),
            ("section", $"/{top.Slug}"),
            ("section-page-2", $"/{top.Slug}?page=2"),
            ("sub-section", $"/{top.Slug}/{sub.Slug}"),
            ("tag", $"/tag/{tag.Slug}"),
            ("tag-empty", $"/tag/{emptyTag.Slug}"),
            ("author", $"/author/{author.Slug}"),
            ("desk", $"/author/{desk.Slug}"),
            ("article", Slugs.ArticlePath(top.Slug, pictured.Slug, pictured.Id)),
            ("article-bare", bare.Path),
            ("article-long-headline", long300.Path),
            ("search", "/search?q=story"),
            ("search-empty", "/search?q=zzzznothing"),
            ("search-blank", "/search"),
            ("static", "/about"),
            ("sitemap", "/sitemap"),
            ("photo-story", await app.PathAsync(photoStory)),
            ("web-stories", "/web-stories"),
            ("web-story", await app.PathAsync(webStory)),
            ("shorts", "/shorts"),
            ("short", StoryFormats.Path(StoryFormat.ShortNews, "", shortStory.Slug, shortStory.Id)),
            ("events", "/events"),
            ("hub", StoryFormats.Path(StoryFormat.Hub, "", hubStory.Slug, hubStory.Id)),
            ("error-404", "/no-such-section-anywhere"),
            ("error-400", $"/{top.Slug}?page=-1"),
        };
        var dir = Path.Combine(BylineApp.TempRoot, $"vnu-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var files = new List<string>();
            foreach (var (name, path) in pages)
            {
                using var response = await app.GetAsync(path);
                Assert.True(name.StartsWith("error", StringComparison.Ordinal) || response.StatusCode == System.Net.HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
                Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
                var file = Path.Combine(dir, name + ".html");
                await File.WriteAllTextAsync(file, await response.Content.ReadAsStringAsync());
                files.Add(file);
            }
            var errors = await NuChecker.ErrorsAsync(files);
            Assert.True(errors.Count == 0, "The Nu HTML Checker found errors:\n" + string.Join('\n', errors));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

public sealed class HtmlValidityOnSqlite(SqliteApp app) : HtmlValidityTests(app), IClassFixture<SqliteApp>;

public sealed class HtmlValidityOnPostgres(PostgresApp app) : HtmlValidityTests(app), IClassFixture<PostgresApp>;

/// <summary>Runs vnu.jar on saved pages and returns its errors as "file:line: message".</summary>
internal static class NuChecker
{
    public const string Variable = "BYLINE_VNU_JAR";

    private const string HowTo =
        "Install it with `npm install --prefix ~/.cache/byline/vnu vnu-jar` (needs Java 17+ on PATH) and set " +
        Variable + " to ~/.cache/byline/vnu/node_modules/vnu-jar/build/dist/vnu.jar, or run `bash scripts/test.sh`, which does both.";

    public static string FindJar()
    {
        var candidates = new List<string?> { Environment.GetEnvironmentVariable(Variable) };
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(home, ".cache");
        candidates.Add(Path.Combine(cache, "byline", "vnu", "node_modules", "vnu-jar", "build", "dist", "vnu.jar"));
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            candidates.Add(Path.Combine(dir.FullName, "tests", "tools", "node_modules", "vnu-jar", "build", "dist", "vnu.jar"));
        }
        var jar = candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && File.Exists(c));
        Assert.True(jar is not null, "The W3C Nu HTML Checker (vnu.jar) was not found. " + HowTo);
        return jar!;
    }

    public static async Task<List<string>> ErrorsAsync(IReadOnlyList<string> files)
    {
        var jar = FindJar();
        var start = new ProcessStartInfo("java") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-jar", jar, "--errors-only", "--format", "json" }.Concat(files))
        {
            start.ArgumentList.Add(arg);
        }
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"Java could not be started ({e.Message}); the Nu HTML Checker needs Java 17+. " + HowTo);
            return [];
        }
        using (process)
        {
            Assert.NotNull(process);
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var stderr = process!.StandardError.ReadToEndAsync(deadline.Token);
            var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
            var json = (await stderr).Trim();
            if (json.Length == 0)
            {
                json = (await stdout).Trim();
            }
            Assert.True(json.StartsWith('{'), $"vnu.jar answered something other than JSON (exit {process.ExitCode}): {json}");
            using var doc = JsonDocument.Parse(json);
            return [.. doc.RootElement.GetProperty("messages").EnumerateArray()
                .Where(m => m.GetProperty("type").GetString() is "error" or "non-document-error")
                .Select(m => $"{Path.GetFileName(m.TryGetProperty("url", out var u) ? u.GetString() : "?")}:{(m.TryGetProperty("lastLine", out var l) ? l.GetInt32() : 0)}: {m.GetProperty("message").GetString()}")];
        }
    }
}

using Byline.Cli;
using Byline.Content;
using Byline.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace Byline.Tests.Importing;

/// <summary>
/// `byline import url` against a news site served on loopback by the test itself (allowed by name, as an
/// admin would allow an intranet host): the page becomes a draft; private addresses, redirects to hosts
/// not allowed, pages that are not HTML and servers that never answer are refused with one line.
/// </summary>
public abstract class UrlImportTests(BylineApp app) : IAsyncLifetime
{
    private WebApplication? _site;
    private string _base = "";
    private string _word = "";

    private sealed record Run(int Exit, string Out, string Error);

    public async Task InitializeAsync()
    {
        _word = "pangolin" + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsAsciiLetter));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _site = builder.Build();
        var png = Png();
        _site.MapGet("/news/story", () => Results.Content(Page(_word), "text/html; charset=utf-8"));
        _site.MapGet("/lead.png", () => Results.Bytes(png, "image/png"));
        _site.MapGet("/moved", () => Results.Redirect("/news/story"));
        _site.MapGet("/to-localhost", (HttpContext c) => Results.Redirect($"http://localhost:{c.Connection.LocalPort}/news/story"));
        _site.MapGet("/report.pdf", () => Results.Bytes("%PDF-1.7"u8.ToArray(), "application/pdf"));
        _site.MapGet("/slow", async (HttpContext c) =>
        {
            // Never answers: the importer's timeout has to end the wait.
            await Task.Delay(Timeout.Infinite, c.RequestAborted);
            return Results.Ok();
        });
        await _site.StartAsync();
        _base = _site.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public async Task DisposeAsync()
    {
        if (_site is not null)
        {
            await _site.DisposeAsync();
        }
    }

    private static byte[] Png()
    {
        using var bitmap = new SKBitmap(800, 450);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.DarkOliveGreen);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 90);
        return data.ToArray();
    }

    private static string Page(string word)
    {
        var paragraphs = string.Concat(Enumerable.Range(1, 8).Select(i =>
            $"<p>Paragraph {i}: the council met on Tuesday to discuss the {word} budget, and members argued for a long time about the roads, the schools and the library, which has been closed since the spring floods.</p>"));
        return $$$"""
            <!DOCTYPE html>
            <html lang="en"><head>
            <meta charset="utf-8">
            <title>Council approves the budget | The Gazette</title>
            <meta property="og:title" content="Council approves the budget">
            <meta property="og:image" content="/lead.png">
            <meta property="og:description" content="After a long night, the budget passed.">
            <meta property="article:published_time" content="2024-06-03T07:15:00Z">
            <meta name="author" content="Maria Lopez">
            <script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Council approves the budget","datePublished":"2024-06-03T07:15:00Z","author":{"@type":"Person","name":"Maria Lopez"}}</script>
            </head><body>
            <nav><a href="/">Home</a> <a href="/news">News</a></nav>
            <article>
            <h1>Council approves the budget</h1>
            <p class="byline">By Maria Lopez</p>
            {{{paragraphs}}}
            <script>document.write('tracker')</script>
            </article>
            <footer>© The Gazette</footer>
            </body></html>
            """;
    }

    private async Task<Run> ImportAsync(string url, bool allowLoopback = true, params string[] more)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        string[] allow = allowLoopback ? ["--Byline:Importing:AllowedHosts:0=127.0.0.1"] : [];
        var exit = await BylineCli.RunAsync(["import", "url", url, .. more,
            $"--ConnectionStrings:Byline={app.ConnectionString}", $"--Byline:Database:Provider={app.Database}", $"--Byline:Media:Path={app.MediaPath}", .. allow],
            new CliConsole(new StringReader(""), output, error, InteractiveInput: false));
        return new Run(exit, output.ToString(), error.ToString());
    }

    private Task<int?> DraftOfAsync(string url) => app.WithDbAsync(db =>
        db.ImportedItems.AsNoTracking().Where(i => i.Source == "url" && i.Kind == "url" && i.SourceId == url).Select(i => (int?)i.TargetId).FirstOrDefaultAsync());

    private static void AssertRefused(Run run, string because)
    {
        Assert.Equal(1, run.Exit);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("byline: import failed:", line, StringComparison.Ordinal);
        Assert.Contains(because, line, StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task A_news_page_becomes_a_draft_with_headline_byline_date_lead_image_body_and_its_source()
    {
        var url = _base + "/news/story";

        var run = await ImportAsync(url);

        Assert.True(run.Exit == 0, run.Error + run.Out);
        var id = await DraftOfAsync(url);
        Assert.NotNull(id);
        var story = await app.WithDbAsync(db => db.Articles.AsNoTracking().Include(a => a.Authors).ThenInclude(a => a.Author).SingleAsync(a => a.Id == id));
        Assert.Equal(ArticleStatus.Draft, story.Status);
        Assert.Null(story.PublishedAt);
        Assert.Equal("Council approves the budget", story.Headline);
        Assert.Equal(["Maria Lopez"], story.Authors.Select(a => a.Author!.Name));
        Assert.Equal(new DateTime(2024, 6, 3, 7, 15, 0, DateTimeKind.Utc), story.CreatedAt);
        Assert.Contains(url, story.Attribution, StringComparison.Ordinal);
        Assert.NotNull(story.LeadImageId);
        var blocks = BodyDocument.Deserialize(story.BodyHtml);
        Assert.True(blocks.Count(b => b.Kind == BlockKind.Paragraph) >= 8, story.BodyHtml);
        Assert.Contains(_word, story.BodyHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("tracker", story.BodyHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("The Gazette", story.BodyHtml, StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Importing_the_same_address_again_updates_its_draft_instead_of_making_another()
    {
        var url = _base + "/news/story?again=" + Guid.NewGuid().ToString("N");
        Assert.Equal(0, (await ImportAsync(url)).Exit);
        var id = await DraftOfAsync(url);
        var count = await app.WithDbAsync(db => db.Articles.CountAsync());
        var images = await app.WithDbAsync(db => db.Images.CountAsync());

        var again = await ImportAsync(url);

        Assert.Equal(0, again.Exit);
        Assert.StartsWith("Updated draft", again.Out, StringComparison.Ordinal);
        Assert.Equal(count, await app.WithDbAsync(db => db.Articles.CountAsync()));
        var story = await app.WithDbAsync(db => db.Articles.AsNoTracking().SingleAsync(a => a.Id == id));
        Assert.Equal(2, story.Version);
        Assert.Equal(images, await app.WithDbAsync(db => db.Images.CountAsync()));
    }

    [DatabaseFact]
    public async Task A_private_address_is_refused_unless_an_admin_allowed_its_host()
    {
        var count = await app.WithDbAsync(db => db.Articles.CountAsync());

        AssertRefused(await ImportAsync(_base + "/news/story", allowLoopback: false), "refused");
        AssertRefused(await ImportAsync("http://169.254.169.254/latest/meta-data/", allowLoopback: false), "refused");

        Assert.Equal(count, await app.WithDbAsync(db => db.Articles.CountAsync()));
    }

    [DatabaseFact]
    public async Task A_redirect_is_checked_again_and_one_to_a_host_not_allowed_is_refused()
    {
        Assert.Equal(0, (await ImportAsync(_base + "/moved")).Exit);

        AssertRefused(await ImportAsync(_base + "/to-localhost"), "refused");
    }

    [DatabaseFact]
    public async Task An_address_that_is_not_a_web_page_is_refused() =>
        AssertRefused(await ImportAsync(_base + "/report.pdf"), "not a web page");

    [DatabaseFact]
    public async Task A_server_that_never_answers_times_out() =>
        AssertRefused(await ImportAsync(_base + "/slow", true, "--timeout", "1"), "timed out");

    [DatabaseFact]
    public async Task An_address_that_is_not_http_is_a_usage_error()
    {
        var run = await ImportAsync("file:///etc/passwd");

        Assert.Equal(2, run.Exit);
        Assert.Contains("not an http(s) address", run.Error, StringComparison.Ordinal);
    }
}

public sealed class UrlImportOnSqlite(SqliteApp app) : UrlImportTests(app), IClassFixture<SqliteApp>;

public sealed class UrlImportOnPostgres(PostgresApp app) : UrlImportTests(app), IClassFixture<PostgresApp>;

using System.Net;
using System.Text;
using System.Text.Json;
using Byline.Cli;
using Byline.Importing;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Importing;

/// <summary>
/// The newsroom's imports page: an admin uploads an export (streamed, antiforgery token first), the job runs
/// in the background to done with its counts, Cancel stops it between batches and Resume finishes it, the
/// report downloads, bad files are refused beside the field with nothing kept, non-admins are kept out, and
/// command-line imports are listed beside uploaded ones.
/// </summary>
public abstract class ImportJobsTests(BylineApp app)
{
    public const long MaxUpload = 4 * 1024 * 1024;

    private string UploadsFolder => Path.Combine(ImportJobsSettings.Folder(app), "uploads");

    private static int Base() => Random.Shared.Next(1_000, 1_000_000) * 1000;

    private static Wxr Export(int posts, out string section)
    {
        var wxr = new Wxr();
        var b = Base();
        section = TestContent.Unique("imported");
        wxr.Categories.Add((b, section, "Imported", ""));
        for (var i = 0; i < posts; i++)
        {
            wxr.Posts.Add(new WxrPost(b + i + 1, $"Uploaded story {i}", $"<p>Paragraph of story {i}.</p>") { Categories = [section], Date = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i) });
        }
        return wxr;
    }

    /// <summary>Posts the upload form as a browser does: the token first, the options, the file last.</summary>
    private static async Task<HttpResponseMessage> UploadAsync(NewsroomClient client, byte[] file, string fileName, IDictionary<string, string>? fields = null, bool withToken = true)
    {
#pragma warning disable CA2000 // the form owns its parts and disposes them with itself
        using var content = new MultipartFormDataContent();
        if (withToken)
        {
            content.Add(new StringContent(await client.TokenAsync("/newsroom/imports")), NewsroomClient.TokenField);
        }
        foreach (var (name, value) in fields ?? new Dictionary<string, string>())
        {
            content.Add(new StringContent(value), name);
        }
        var bytes = new ByteArrayContent(file);
        bytes.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        content.Add(bytes, "File", fileName);
#pragma warning restore CA2000
        return await client.Http.PostAsync(new Uri("/newsroom/imports/upload", UriKind.Relative), content);
    }

    private Task<ImportJob> JobAsync(long id) => app.WithDbAsync(db => db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == id));

    private Task<long> LastJobIdAsync() => app.WithDbAsync(db => db.ImportJobs.AsNoTracking().MaxAsync(j => (long?)j.Id)).ContinueWith(t => t.Result ?? 0, TaskScheduler.Default);

    private async Task<long> UploadedJobAsync(NewsroomClient admin, Wxr wxr, IDictionary<string, string>? fields = null)
    {
        var before = await LastJobIdAsync();
        using var response = await UploadAsync(admin, Encoding.UTF8.GetBytes(wxr.ToString()), "export.xml", fields);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("/newsroom/imports", NewsroomClient.LocationPath(response));
        var id = await LastJobIdAsync();
        Assert.True(id > before, "no job row was written");
        return id;
    }

    private Task<ImportJob> UntilEndedAsync(long id) =>
        Poll.UntilAsync(() => JobAsync(id), j => j.State is not (ImportJobState.Queued or ImportJobState.Running), $"import job {id} ends", TimeSpan.FromSeconds(180));

    [DatabaseFact]
    public async Task An_uploaded_export_runs_as_a_job_to_done_with_its_counts_and_its_report_downloads()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var wxr = Export(12, out var section);
        var id = await UploadedJobAsync(admin, wxr);

        var job = await UntilEndedAsync(id);
        Assert.Equal(ImportJobState.Done, job.State);
        Assert.Equal(12, job.Created);
        Assert.Equal(12, job.Processed);
        Assert.Equal(12, job.Total);
        Assert.True(job.Redirects >= 12, $"redirects: {job.Redirects}");
        Assert.Equal(ImportJobs.NewsroomOrigin, job.Origin);
        Assert.Equal(admin.Email, job.StartedBy);
        var stories = await app.WithDbAsync(db => db.Articles.CountAsync(a => a.Section!.Slug == section));
        Assert.Equal(12, stories);

        var page = await admin.PageAsync("/newsroom/imports");
        var row = page.QuerySelector($"tr[data-job='{id}']");
        Assert.NotNull(row);
        Assert.Equal("done", row!.GetAttribute("data-state"));
        Assert.Equal("12", row.QuerySelector("progress")!.GetAttribute("value"));
        Assert.Contains("12 of 12", row.QuerySelector("[data-progress-text]")!.TextContent, StringComparison.Ordinal);

        using (var status = await admin.GetAsync("/newsroom/imports/status"))
        {
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            using var json = JsonDocument.Parse(await status.Content.ReadAsStringAsync());
            var mine = json.RootElement.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("id").GetInt64() == id);
            Assert.Equal("done", mine.GetProperty("state").GetString());
            Assert.Equal(12, mine.GetProperty("created").GetInt32());
        }

        var link = row.QuerySelector("a[data-report]")!.GetAttribute("href")!;
        using var report = await admin.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.StartsWith("kind\tid\ttitle\toutcome\treason", await report.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A second upload of the same file changes nothing: the importer knows every post by its id.
        var again = await UploadedJobAsync(admin, wxr);
        var second = await UntilEndedAsync(again);
        Assert.Equal(ImportJobState.Done, second.State);
        Assert.Equal(0, second.Created);
        Assert.Equal(12, second.Unchanged);
    }

    [DatabaseFact]
    public async Task Cancel_stops_a_running_import_between_batches_and_resume_finishes_it_with_every_post_once()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        const int Posts = 400;
        var wxr = Export(Posts, out var section);
        var id = await UploadedJobAsync(admin, wxr, new Dictionary<string, string> { ["BatchSize"] = "1" });
        await Poll.UntilAsync(() => JobAsync(id), j => j.State == ImportJobState.Running && j.Processed >= 3, "the job is running and has committed batches", TimeSpan.FromSeconds(120));

        using (var cancel = await admin.PostWithTokenAsync($"/newsroom/imports/cancel?id={id}", [], "/newsroom/imports"))
        {
            Assert.Equal(HttpStatusCode.Redirect, cancel.StatusCode);
        }
        var stopped = await UntilEndedAsync(id);
        Assert.Equal(ImportJobState.Cancelled, stopped.State);
        var kept = await app.WithDbAsync(db => db.Articles.CountAsync(a => a.Section!.Slug == section));
        Assert.True(kept > 0 && kept < Posts, $"stories kept after Cancel: {kept}");
        Assert.Equal(kept, stopped.Created);

        var page = await admin.PageAsync("/newsroom/imports");
        Assert.Equal("cancelled", page.QuerySelector($"tr[data-job='{id}']")!.GetAttribute("data-state"));
        Assert.NotNull(page.QuerySelector($"tr[data-job='{id}'] a[data-report]"));
        using (var resume = await admin.PostWithTokenAsync($"/newsroom/imports/resume?id={id}", [], "/newsroom/imports"))
        {
            Assert.Equal(HttpStatusCode.Redirect, resume.StatusCode);
        }
        var resumedId = await LastJobIdAsync();
        Assert.True(resumedId > id);
        var resumed = await UntilEndedAsync(resumedId);
        Assert.Equal(ImportJobState.Done, resumed.State);
        Assert.Equal(kept, resumed.Unchanged);
        Assert.Equal(Posts - kept, resumed.Created);
        Assert.Equal(Posts, await app.WithDbAsync(db => db.Articles.CountAsync(a => a.Section!.Slug == section)));
    }

    [DatabaseTheory]
    [InlineData("not-an-export", "hello, this is a letter and not an export")]
    [InlineData("empty", "")]
    public async Task A_file_that_is_no_export_is_refused_beside_the_field_and_nothing_is_kept(string code, string text)
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var before = await LastJobIdAsync();
        var files = Directory.Exists(UploadsFolder) ? Directory.GetFiles(UploadsFolder).Length : 0;
        using var response = await UploadAsync(admin, Encoding.UTF8.GetBytes(text), "letter.xml", new Dictionary<string, string> { ["SiteUrl"] = "https://kept.example.org" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await NewsroomClient.ParseAsync(response);
        Assert.Equal(code, page.QuerySelector("[data-error-for=File]")!.GetAttribute("data-error-code"));
        Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector("[data-error-for=File]")!.TextContent));
        Assert.Equal("https://kept.example.org", page.QuerySelector("input[name=SiteUrl]")!.GetAttribute("value"));
        Assert.Equal(before, await LastJobIdAsync());
        Assert.Equal(files, Directory.Exists(UploadsFolder) ? Directory.GetFiles(UploadsFolder).Length : 0);
    }

    [DatabaseFact]
    public async Task A_file_over_the_configured_maximum_is_refused_with_413_and_nothing_is_kept()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var before = await LastJobIdAsync();
        var files = Directory.Exists(UploadsFolder) ? Directory.GetFiles(UploadsFolder).Length : 0;
        var big = new byte[MaxUpload + 100_000];
        Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><rss xmlns:wp=\"http://wordpress.org/export/1.2/\">").CopyTo(big, 0);
        using var response = await UploadAsync(admin, big, "big.xml");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var page = await NewsroomClient.ParseAsync(response);
        Assert.Equal("too-large", page.QuerySelector("[data-error-for=File]")!.GetAttribute("data-error-code"));
        Assert.Equal(before, await LastJobIdAsync());
        Assert.Equal(files, Directory.Exists(UploadsFolder) ? Directory.GetFiles(UploadsFolder).Length : 0);
    }

    [DatabaseFact]
    public async Task A_bad_batch_size_is_refused_beside_its_field_with_the_typed_text_kept()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var before = await LastJobIdAsync();
        using var response = await UploadAsync(admin, Encoding.UTF8.GetBytes(Export(1, out _).ToString()), "export.xml", new Dictionary<string, string> { ["BatchSize"] = "0" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await NewsroomClient.ParseAsync(response);
        Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector("[data-error-for=BatchSize]")!.TextContent));
        Assert.Equal("0", page.QuerySelector("input[name=BatchSize]")!.GetAttribute("value"));
        Assert.Equal(before, await LastJobIdAsync());
    }

    [DatabaseFact]
    public async Task An_upload_without_the_antiforgery_token_is_refused_and_writes_nothing()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var before = await LastJobIdAsync();
        using var response = await UploadAsync(admin, Encoding.UTF8.GetBytes(Export(1, out _).ToString()), "export.xml", withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await NewsroomClient.ParseAsync(response);
        Assert.Equal("antiforgery", page.QuerySelector("[data-error-for=File]")!.GetAttribute("data-error-code"));
        Assert.Equal(before, await LastJobIdAsync());
    }

    [DatabaseFact]
    public async Task Editors_are_kept_out_of_the_imports_page_its_upload_and_its_reports()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var before = await LastJobIdAsync();
        foreach (var path in new[] { "/newsroom/imports", "/newsroom/imports/status", "/newsroom/imports/report?id=1" })
        {
            using var get = await editor.GetAsync(path);
            Assert.True(get.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"{path}: {(int)get.StatusCode}");
        }
#pragma warning disable CA2000 // the form owns its parts and disposes them with itself
        using var content = new MultipartFormDataContent { { new StringContent(await editor.TokenAsync()), NewsroomClient.TokenField }, { new ByteArrayContent(Encoding.UTF8.GetBytes(Export(1, out _).ToString())), "File", "export.xml" } };
#pragma warning restore CA2000
        using var post = await editor.Http.PostAsync(new Uri("/newsroom/imports/upload", UriKind.Relative), content);
        Assert.True(post.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"upload: {(int)post.StatusCode}");
        Assert.Equal(before, await LastJobIdAsync());
        var dashboard = await editor.PageAsync("/newsroom");
        Assert.Null(dashboard.QuerySelector("a[href='/newsroom/imports']"));
        using var anonymous = NewsroomClient.Anonymous(app);
        using var anon = await anonymous.GetAsync("/newsroom/imports");
        Assert.Equal(HttpStatusCode.Redirect, anon.StatusCode);
    }

    [DatabaseFact]
    public async Task An_import_from_the_command_line_is_listed_with_its_counts_and_report()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var wxr = Export(5, out _);
        var folder = Path.Combine(BylineApp.TempRoot, "imports");
        var path = wxr.WriteTo(folder);
        var reportPath = Path.Combine(folder, $"report-{Guid.NewGuid():N}.tsv");
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await BylineCli.RunAsync(["import", "wordpress", path, "--report", reportPath, .. ImportJobsSettings.CommandLine(app)],
            new CliConsole(new StringReader(""), output, error, InteractiveInput: false));
        Assert.True(exit == 0, error.ToString());
        var job = await app.WithDbAsync(db => db.ImportJobs.AsNoTracking().OrderByDescending(j => j.Id).FirstAsync(j => j.Origin == ImportJobs.CommandLineOrigin));
        Assert.Equal(ImportJobState.Done, job.State);
        Assert.Equal(5, job.Created);
        Assert.Equal(Path.GetFullPath(path), job.FilePath);

        var page = await admin.PageAsync("/newsroom/imports");
        var row = page.QuerySelector($"tr[data-job='{job.Id}']")!;
        Assert.Equal("done", row.GetAttribute("data-state"));
        Assert.Contains(ImportJobs.CommandLineOrigin, row.TextContent, StringComparison.Ordinal);
        Assert.Null(row.QuerySelector("form[data-form=resume-import]"));
        using var report = await admin.GetAsync(row.QuerySelector("a[data-report]")!.GetAttribute("href")!);
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
    }

    [DatabaseFact]
    public async Task A_job_whose_process_died_shows_as_interrupted_and_resumes()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var wxr = Export(4, out var section);
        var id = await UploadedJobAsync(admin, wxr);
        await UntilEndedAsync(id);
        // As a crash leaves it: running, its lease lapsed, nothing finished.
        var past = DateTime.UtcNow.AddMinutes(-5);
        await app.WithDbAsync(db => db.ImportJobs.Where(j => j.Id == id).ExecuteUpdateAsync(u => u
            .SetProperty(j => j.State, ImportJobState.Running).SetProperty(j => j.LeaseUntil, past).SetProperty(j => j.FinishedAt, (DateTime?)null)));
        var page = await admin.PageAsync("/newsroom/imports");
        var row = page.QuerySelector($"tr[data-job='{id}']")!;
        Assert.Equal("interrupted", row.GetAttribute("data-state"));
        Assert.NotNull(row.QuerySelector("form[data-form=resume-import]"));
        using (var resume = await admin.PostWithTokenAsync($"/newsroom/imports/resume?id={id}", [], "/newsroom/imports"))
        {
            Assert.Equal(HttpStatusCode.Redirect, resume.StatusCode);
        }
        var resumed = await UntilEndedAsync(await LastJobIdAsync());
        Assert.Equal(ImportJobState.Done, resumed.State);
        Assert.Equal(4, resumed.Unchanged);
        Assert.Equal(ImportJobState.Interrupted, (await JobAsync(id)).State);
        Assert.Equal(4, await app.WithDbAsync(db => db.Articles.CountAsync(a => a.Section!.Slug == section)));
    }
}

/// <summary>Settings of the imports suites: their own folder, a small upload limit, a short lease, a quick runner.</summary>
public static class ImportJobsSettings
{
    public static string Folder(BylineApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return Path.Combine(BylineApp.TempRoot, $"imports-{app.Id:N}");
    }

    public static Dictionary<string, string> For(BylineApp app) => new()
    {
        ["Byline:Importing:Path"] = Folder(app),
        ["Byline:Importing:MaxUploadBytes"] = ImportJobsTests.MaxUpload.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Byline:Importing:LeaseSeconds"] = "3",
        ["Byline:Importing:PollInterval"] = "00:00:00.100",
    };

    public static string[] CommandLine(BylineApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return [$"--ConnectionStrings:Byline={app.ConnectionString}", $"--Byline:Database:Provider={app.Database}", $"--Byline:Media:Path={app.MediaPath}",
            $"--Byline:Importing:Path={Folder(app)}", "--Byline:Importing:LeaseSeconds=3"];
    }
}

public sealed class ImportJobsSqliteApp : SqliteApp
{
    protected override IReadOnlyDictionary<string, string> Settings => ImportJobsSettings.For(this);
}

public sealed class ImportJobsPostgresApp : PostgresApp
{
    protected override IReadOnlyDictionary<string, string> Settings => ImportJobsSettings.For(this);
}

public sealed class ImportJobsOnSqlite(ImportJobsSqliteApp app) : ImportJobsTests(app), IClassFixture<ImportJobsSqliteApp>;

public sealed class ImportJobsOnPostgres(ImportJobsPostgresApp app) : ImportJobsTests(app), IClassFixture<ImportJobsPostgresApp>;

using System.Text;
using Byline.Cli;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Importing;

/// <summary>
/// Hostile and broken exports: each is one line on stderr and a non-zero exit, or a report entry, and
/// never a half-written story. The file is refused by the first pass, before anything is written.
/// </summary>
public sealed class ImportBadInputTests : IDisposable
{
    private readonly string _folder = Path.Combine(BylineApp.TempRoot, $"import-bad-{Guid.NewGuid():N}");
    private string File(string name) => Path.Combine(_folder, name);

    public ImportBadInputTests() => Directory.CreateDirectory(_folder);

    private sealed record Run(int Exit, string Out, string Error);

    private async Task<Run> ImportAsync(string path, params string[] more)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await BylineCli.RunAsync(["import", "wordpress", path, .. more,
            $"--ConnectionStrings:Byline=Data Source={File("byline.db")}", $"--Byline:Media:Path={File("media")}"],
            new CliConsole(new StringReader(""), output, error, InteractiveInput: false));
        return new Run(exit, output.ToString(), error.ToString());
    }

    private SqliteBylineDb Db() => new(new DbContextOptionsBuilder<SqliteBylineDb>().UseSqlite($"Data Source={File("byline.db")}").Options);

    private async Task<int> StoriesAsync()
    {
        if (!System.IO.File.Exists(File("byline.db")))
        {
            return 0;
        }
        await using var db = Db();
        return await db.Articles.CountAsync() + await db.ImportedItems.CountAsync();
    }

    private static string OneItem(string host = "bad.example") => new Wxr(host) { Posts = { new WxrPost(1, "Fine story", "<p>Fine.</p>") } }.ToString();

    private async Task AssertRefusedAsync(string path, string because)
    {
        var run = await ImportAsync(path);

        Assert.Equal(1, run.Exit);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("byline: import failed:", line, StringComparison.Ordinal);
        Assert.Contains(because, line, StringComparison.Ordinal);
        Assert.Equal(0, await StoriesAsync());
    }

    [Fact]
    public async Task A_truncated_export_is_refused_whole_with_one_line()
    {
        var whole = OneItem();
        System.IO.File.WriteAllText(File("cut.xml"), whole[..(whole.IndexOf("</item>", StringComparison.Ordinal) + 7)] + "\n<item><title>half");

        await AssertRefusedAsync(File("cut.xml"), "truncated");
    }

    [Fact]
    public async Task Malformed_xml_is_refused_with_one_line()
    {
        System.IO.File.WriteAllText(File("bad.xml"), OneItem().Replace("</title>", "</titel>", StringComparison.Ordinal));

        await AssertRefusedAsync(File("bad.xml"), "not well-formed");
    }

    [Fact]
    public async Task A_billion_laughs_file_is_refused_without_expanding_an_entity()
    {
        var laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [
              <!ENTITY a "lol">
              <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
              <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
              <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
            ]>
            """ + OneItem().Split('\n', 2)[1].Replace("<title>Old Site</title>", "<title>&d;</title>", StringComparison.Ordinal);
        System.IO.File.WriteAllText(File("laughs.xml"), laughs);

        await AssertRefusedAsync(File("laughs.xml"), "document type definition");
    }

    [Fact]
    public async Task An_external_entity_is_never_read()
    {
        System.IO.File.WriteAllText(File("secret.txt"), "TOP SECRET");
        var xxe = $"""
            <?xml version="1.0"?>
            <!DOCTYPE rss [ <!ENTITY x SYSTEM "file://{File("secret.txt")}"> ]>
            """ + OneItem().Split('\n', 2)[1].Replace("<p>Fine.</p>", "&x;", StringComparison.Ordinal);
        System.IO.File.WriteAllText(File("xxe.xml"), xxe);

        var run = await ImportAsync(File("xxe.xml"));

        Assert.Equal(1, run.Exit);
        Assert.DoesNotContain("TOP SECRET", run.Out + run.Error, StringComparison.Ordinal);
        Assert.Contains("document type definition", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, await StoriesAsync());
    }

    [Fact]
    public async Task Bytes_that_are_not_the_declared_encoding_are_refused()
    {
        var bytes = Encoding.UTF8.GetBytes(OneItem().Replace("Fine story", "Caf\u0001", StringComparison.Ordinal));
        var at = Array.IndexOf(bytes, (byte)1);
        bytes[at] = 0xE9; // Latin-1 "é" alone is not UTF-8
        System.IO.File.WriteAllBytes(File("latin1.xml"), bytes);

        await AssertRefusedAsync(File("latin1.xml"), "encoding");
    }

    [Fact]
    public async Task A_file_declared_as_windows_1252_is_read_in_that_encoding()
    {
        var text = OneItem("cp1252.example").Replace("UTF-8", "windows-1252", StringComparison.Ordinal).Replace("Fine story", "Café story", StringComparison.Ordinal);
        System.IO.File.WriteAllBytes(File("cp1252.xml"), CodePages.Encoding1252.GetBytes(text));

        var run = await ImportAsync(File("cp1252.xml"));

        Assert.True(run.Exit == 0, run.Error);
        await using var db = Db();
        Assert.Equal("Café story", (await db.Articles.SingleAsync()).Headline);
    }

    [Fact]
    public async Task An_rss_feed_that_is_not_an_export_is_refused()
    {
        System.IO.File.WriteAllText(File("feed.xml"), OneItem().Replace("<wp:wxr_version>1.2</wp:wxr_version>", "", StringComparison.Ordinal));

        await AssertRefusedAsync(File("feed.xml"), "not a WordPress export");
    }

    [Fact]
    public async Task A_missing_file_is_one_line_and_exit_2()
    {
        var run = await ImportAsync(File("nope.xml"));

        Assert.Equal(2, run.Exit);
        Assert.Contains("no such file", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ten_megabyte_body_is_a_report_entry_and_the_other_posts_are_imported()
    {
        var wxr = new Wxr("big.example")
        {
            Posts =
            {
                new WxrPost(1, "Huge story", "<p>" + new string('x', 10 * 1024 * 1024) + "</p>"),
                new WxrPost(2, "Small story", "<p>Small.</p>"),
            },
        };
        var path = wxr.WriteTo(_folder);

        var run = await ImportAsync(path, "--report", File("report.tsv"));

        Assert.True(run.Exit == 0, run.Error);
        await using var db = Db();
        Assert.Equal(["Small story"], await db.Articles.Select(a => a.Headline).ToListAsync());
        var report = System.IO.File.ReadAllLines(File("report.tsv"));
        Assert.Contains(report, l => l.StartsWith("post\t1\tHuge story\tnot imported\tbody longer than", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}

internal static class CodePages
{
    public static Encoding Encoding1252
    {
        get
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding(1252);
        }
    }
}

using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Byline.BrowserTests;

/// <summary>
/// The imports page in real Chromium: an admin uploads a small generated WordPress export, watches the job's
/// progress (updated by the page's script) reach done, and downloads the job's report.
/// </summary>
public sealed class ImportJourneyTests(NewsroomSite site) : IClassFixture<NewsroomSite>
{
    private static byte[] Export(int posts)
    {
        var id = Random.Shared.Next(1_000, 1_000_000) * 1000;
        var section = "moved-" + Guid.NewGuid().ToString("N")[..8];
        var sb = new StringBuilder();
        sb.Append("""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
                 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
            <channel>
            <title>Old Gazette</title><link>https://old-gazette.example.org</link>
            <wp:wxr_version>1.2</wp:wxr_version>
            <wp:base_site_url>https://old-gazette.example.org</wp:base_site_url><wp:base_blog_url>https://old-gazette.example.org</wp:base_blog_url>
            <wp:author><wp:author_login>jane</wp:author_login><wp:author_display_name>Jane Reporter</wp:author_display_name></wp:author>
            """);
        sb.Append(CultureInfo.InvariantCulture, $"<wp:category><wp:term_id>{id}</wp:term_id><wp:category_nicename>{section}</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name>Moved</wp:cat_name></wp:category>\n");
        for (var i = 1; i <= posts; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"""
                <item><title>Moved story {i}</title><link>https://old-gazette.example.org/?p={id + i}</link><dc:creator>jane</dc:creator>
                <content:encoded><![CDATA[<p>Paragraph of moved story {i}.</p>]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
                <wp:post_id>{id + i}</wp:post_id><wp:post_date_gmt>2024-01-01 09:{i % 60:00}:00</wp:post_date_gmt><wp:post_name>moved-story-{id + i}</wp:post_name>
                <wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
                <category domain="category" nicename="{section}"><![CDATA[Moved]]></category></item>

                """);
        }
        sb.Append("</channel>\n</rss>\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    [Fact]
    public async Task An_admin_uploads_an_export_sees_its_progress_reach_done_and_downloads_the_report()
    {
        var adminEmail = $"admin-{Guid.NewGuid():N}@newsroom.test";
        var (code, output) = await site.Server.RunVerbAsync(NewsroomSite.Password, "user", "add", "--email", adminEmail, "--role", "admin", "--name", "admin");
        Assert.True(code == 0, $"user add admin failed: {output}");
        var admin = await site.SignedInAsync(adminEmail);
        await admin.GotoAsync("/newsroom");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Imports", Exact = true }).ClickAsync();
        await admin.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/newsroom/imports");

        await admin.GetByLabel("Posts and pages per batch", new() { Exact = false }).FillAsync("5");
        await admin.GetByLabel("Export file", new() { Exact = false }).SetInputFilesAsync(new FilePayload
        {
            Name = "old-gazette.xml", MimeType = "text/xml", Buffer = Export(60),
        });
        await admin.GetByRole(AriaRole.Button, new() { Name = "Upload and import" }).ClickAsync();
        await Expect(admin.Locator("[data-flash]")).ToContainTextAsync("queued");

        var row = admin.Locator("tr[data-job]").First;
        await Expect(row).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 120_000 });
        await Expect(row.Locator("[data-progress-text]")).ToContainTextAsync("60 of 60");
        await Expect(row.Locator("progress")).ToHaveAttributeAsync("value", "60");
        await Expect(row.Locator("[data-counts]")).ToContainTextAsync("60 ·");

        var download = await admin.RunAndWaitForDownloadAsync(() => row.Locator("a[data-report]").ClickAsync());
        var saved = Path.Combine(Path.GetTempPath(), $"import-report-{Guid.NewGuid():N}.tsv");
        await download.SaveAsAsync(saved);
        try
        {
            Assert.StartsWith("kind\tid\ttitle\toutcome\treason", await File.ReadAllTextAsync(saved), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(saved);
        }
    }
}

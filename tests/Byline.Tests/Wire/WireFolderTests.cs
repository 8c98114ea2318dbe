using System.Net;
using Byline.Storage;
using Byline.Tests.Support;
using Byline.Wire;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Wire;

/// <summary>
/// A NewsML-G2 watched folder: files dropped in are scanned under the source's lease, their items land on the
/// desk, each file moves to processed/, and a malformed one to failed/ with its reason while the next goes on.
/// Admins set the folder in the newsroom; a missing one, a relative path or one inside Byline's own files is
/// refused beside the field with the typed text kept.
/// </summary>
public abstract class WireFolderTests(BylineApp app) : IDisposable
{
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "byline-wire-folder-" + Guid.NewGuid().ToString("N"))).FullName;

    private static string Unique(string prefix) => TestContent.Unique(prefix);

    /// <summary>Written beside, then renamed in, as an agency's uploader does: the scan never sees half a file.</summary>
    private void Drop(string name, string text, DateTime at)
    {
        var temp = Path.Combine(_folder, name + ".part");
        File.WriteAllText(temp, text);
        File.SetLastWriteTimeUtc(temp, at);
        File.Move(temp, Path.Combine(_folder, name));
    }

    [DatabaseFact]
    public async Task Dropped_files_land_on_the_desk_and_move_to_processed_and_a_malformed_one_to_failed_with_its_reason()
    {
        var tag = Guid.NewGuid().ToString("N");
        var (source, _) = await app.SourceAsync("Folder Agency", WireFeedKind.NewsMlG2Folder, null, folder: _folder);
        var start = DateTime.UtcNow.AddMinutes(-5);
        Drop("1-first.xml", WireFeeds.NewsMl(
            new WireCopy(Unique("urn:f1"), "Folder story one " + tag, WireFeeds.Prose(51)),
            new WireCopy(Unique("urn:f2"), "Folder story two " + tag, WireFeeds.Prose(52))), start);
        Drop("2-broken.xml", "<newsItem guid=\"x\"><contentMeta><headline>never closed", start.AddSeconds(1));
        Drop("3-next.xml", WireFeeds.NewsMl(new WireCopy(Unique("urn:f3"), "Folder story three " + tag, WireFeeds.Prose(53))), start.AddSeconds(2));
        File.WriteAllText(Path.Combine(_folder, "notes.txt"), "not a feed file: left alone");

        var contributor = await NewsroomClient.ForRoleAsync(app, Roles.Contributor);
        await Poll.UntilAsync(async () =>
        {
            await app.PollAsync(source);
            var desk = await contributor.PageAsync("/newsroom/wire?q=" + tag);
            return (await app.ItemsAsync(source)).Count == 3
                && desk.QuerySelectorAll("[data-wire-item]").Any(a => a.TextContent.Contains("Folder story three " + tag, StringComparison.Ordinal));
        }, "the dropped files' three items on the desk", TimeSpan.FromSeconds(60));

        Assert.True(File.Exists(Path.Combine(_folder, WireFolder.Processed, "1-first.xml")));
        Assert.True(File.Exists(Path.Combine(_folder, WireFolder.Processed, "3-next.xml")));
        Assert.True(File.Exists(Path.Combine(_folder, WireFolder.Failed, "2-broken.xml")));
        var reason = await File.ReadAllTextAsync(Path.Combine(_folder, WireFolder.Failed, "2-broken.xml.reason.txt"));
        Assert.False(string.IsNullOrWhiteSpace(reason));
        Assert.Empty(Directory.EnumerateFiles(_folder, "*.xml"));
        Assert.True(File.Exists(Path.Combine(_folder, "notes.txt")));
        Assert.Contains(await app.QuarantineAsync(source), q => q.Reason.Length > 0);
        var health = await app.WireSourceAsync(source);
        Assert.NotNull(health.LastSuccessAt);
        Assert.Null(health.LeaseOwner);

        // The same file dropped again is taken and its items are exact duplicates: nothing stored twice.
        Drop("1-again.xml", await File.ReadAllTextAsync(Path.Combine(_folder, WireFolder.Processed, "1-first.xml")), DateTime.UtcNow.AddMinutes(-1));
        var again = await app.PollAsync(source);
        Assert.Equal(PollStatus.Polled, again.Status);
        Assert.Equal(2, again.Result.Duplicates);
        Assert.Equal(3, (await app.ItemsAsync(source)).Count);
    }

    [DatabaseFact]
    public async Task A_folder_that_is_missing_relative_or_inside_bylines_own_files_is_refused_beside_the_field()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var media = app.Services.GetRequiredService<Byline.Media.MediaStore>().LocalRoot!;
        Directory.CreateDirectory(media);
        foreach (var bad in new[] { Path.Combine(_folder, "does-not-exist"), "relative/folder", media })
        {
            using var refused = await admin.SubmitAsync("/newsroom/wire/sources", new Dictionary<string, string>
            {
                ["AgencyName"] = "Folder", ["Kind"] = nameof(WireFeedKind.NewsMlG2Folder), ["FeedUrl"] = "", ["FolderPath"] = bad,
            }, "form[data-form=source]");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var page = await NewsroomClient.ParseAsync(refused);
            Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector("[data-error-for=FolderPath]")?.TextContent), bad);
            Assert.Equal(bad, page.QuerySelector("#FolderPath")?.GetAttribute("value"));
        }
        var name = Unique("Folder Agency");
        using var created = await admin.SubmitAsync("/newsroom/wire/sources", new Dictionary<string, string>
        {
            ["AgencyName"] = name, ["Kind"] = nameof(WireFeedKind.NewsMlG2Folder), ["FeedUrl"] = "", ["FolderPath"] = _folder,
            ["PollIntervalSeconds"] = "30",
        }, "form[data-form=source]");
        Assert.True(created.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, created.StatusCode.ToString());
        var row = await app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstAsync(db.Set<WireSource>(), s => s.AgencyName == name));
        Assert.Equal(_folder, row.FolderPath);
        Assert.Null(row.Url);
        Assert.True(Directory.Exists(Path.Combine(_folder, WireFolder.Processed)));
        Assert.Equal(30, row.PollIntervalSeconds);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
        GC.SuppressFinalize(this);
    }
}

public sealed class WireFolderTestsOnSqlite(WireSqliteApp app) : WireFolderTests(app), IClassFixture<WireSqliteApp>;

public sealed class WireFolderTestsOnPostgres(WirePostgresApp app) : WireFolderTests(app), IClassFixture<WirePostgresApp>;

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Byline.Content;
using Byline.Media;
using Byline.Storage;
using Byline.Tests.Newsroom;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Media;

/// <summary>
/// Media on an S3-compatible store (Byline:Media:Store = S3), against the real s3rver scripts/test.sh starts
/// (<c>BYLINE_TEST_S3</c>): uploads land in the bucket, Byline streams them back with the bucket's validators,
/// crops are made on demand, a second node on the same bucket serves the same bytes, deleting a picture removes
/// its objects, and an upload while the store is down is refused with nothing kept.
/// </summary>
public abstract class MediaOnS3Tests(BylineApp app)
{
    private string Bucket => ((IS3App)app).Bucket;

    private static async Task<HttpResponseMessage> UploadAsync(NewsroomClient client, byte[] bytes, string alt)
    {
        var token = await client.TokenAsync("/newsroom/media");
        using var form = new MultipartFormDataContent();
#pragma warning disable CA2000 // the form owns its parts and disposes them with itself
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "Upload", "picture.png");
        form.Add(new StringContent(alt), "Alt");
        form.Add(new StringContent(token), NewsroomClient.TokenField);
#pragma warning restore CA2000
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/newsroom/media?handler=Json", UriKind.Relative)) { Content = form };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await client.Http.SendAsync(request);
    }

    private async Task<Image> UploadedAsync(NewsroomClient client, string alt)
    {
        using var response = await UploadAsync(client, TestImages.Png(1000, 600), alt);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await app.WithDbAsync(db => db.Images.SingleAsync(i => i.Alt == alt));
    }

    [DatabaseFact]
    public async Task An_upload_is_stored_in_the_bucket_and_served_from_it_with_its_validators()
    {
        using var client = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var image = await UploadedAsync(client, TestContent.Unique("Quay in fog"));

        var objects = await S3Server.ListAsync(Bucket, $"media/{image.Key}/");
        Assert.Equal(["480.jpg", "480.webp", "800.jpg", "800.webp"], objects.Select(o => o[$"media/{image.Key}/".Length..]).Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(app.MediaPath, image.Key)), "nothing is written to the node's own media folder");
        var stored = await S3Server.GetAsync(Bucket, $"media/{image.Key}/800.webp");
        Assert.Equal("image/webp", stored!.Value.ContentType);

        // The reader page's picture points at /media/…, which Byline answers from the bucket.
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec { LeadImage = image, LeadImageAlt = image.Alt });
        var page = await app.PageAsync(story.Path);
        var src = page.QuerySelector("article picture img, picture img")?.GetAttribute("src");
        Assert.NotNull(src);
        Assert.StartsWith($"/media/{image.Key}/", src, StringComparison.Ordinal);
        using var served = await app.GetAsync(src);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var file = src[(src.LastIndexOf('/') + 1)..];
        var original = await S3Server.GetAsync(Bucket, $"media/{image.Key}/{file}");
        Assert.Equal(original!.Value.Bytes, await served.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/jpeg", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(original.Value.ETag, served.Headers.ETag?.ToString());
        Assert.NotNull(served.Content.Headers.LastModified);
        Assert.Contains("immutable", served.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);

        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri(src, UriKind.Relative));
        again.Headers.IfNoneMatch.Add(served.Headers.ETag!);
        using var notModified = await app.Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [DatabaseFact]
    public async Task A_crop_is_made_on_its_first_request_and_kept_in_the_bucket()
    {
        using var client = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var image = await UploadedAsync(client, TestContent.Unique("Harbour crane"));
        Assert.Null(await S3Server.GetAsync(Bucket, $"media/{image.Key}/1200x900.jpg"));

        using var crop = await app.GetAsync(MediaPaths.CropUrl(image.Key, 1200, 900));

        Assert.Equal(HttpStatusCode.OK, crop.StatusCode);
        using var bitmap = SkiaSharp.SKBitmap.Decode(await crop.Content.ReadAsByteArrayAsync());
        Assert.Equal((1200, 900), (bitmap.Width, bitmap.Height));
        Assert.NotNull(await S3Server.GetAsync(Bucket, $"media/{image.Key}/1200x900.jpg"));
    }

    [DatabaseFact]
    public async Task A_second_node_on_the_same_bucket_serves_the_same_picture()
    {
        using var client = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var image = await UploadedAsync(client, TestContent.Unique("Lighthouse"));
        using var first = await app.GetAsync(MediaPaths.Url(image.Key, 800, "jpg"));

        // Its own media folder (empty): whatever it serves comes from the bucket.
        await using var node = await app.StartNodeAsync(settings: new Dictionary<string, string>
        {
            ["Byline:Media:Path"] = Path.Combine(BylineApp.TempRoot, "second-node-" + Guid.NewGuid().ToString("N")),
        });
        using var second = await node.Client.GetAsync(new Uri(MediaPaths.Url(image.Key, 800, "jpg"), UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
    }

    [DatabaseFact]
    public async Task Deleting_a_picture_removes_its_row_and_every_object()
    {
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var image = await UploadedAsync(contributor, TestContent.Unique("Old ferry"));
        using (await app.GetAsync(MediaPaths.CropUrl(image.Key, 1200, 1200)))
        {
        }
        Assert.Equal(5, (await S3Server.ListAsync(Bucket, $"media/{image.Key}/")).Count);
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);

        using var refused = await contributor.PostWithTokenAsync("/newsroom/media?handler=Delete", [new("id", image.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))], "/newsroom/media");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var deleted = await editor.PostWithTokenAsync("/newsroom/media?handler=Delete", [new("id", image.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))], "/newsroom/media");

        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Empty(await S3Server.ListAsync(Bucket, $"media/{image.Key}/"));
        Assert.False(await app.WithDbAsync(db => db.Images.AnyAsync(i => i.Id == image.Id)));
        using var gone = await app.GetAsync(MediaPaths.Url(image.Key, 800, "jpg"));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [DatabaseFact]
    public async Task A_picture_a_story_uses_is_not_deleted()
    {
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var image = await UploadedAsync(contributor, TestContent.Unique("Used picture"));
        await app.Content.StoryAsync(await app.Content.SectionAsync(), new StorySpec { LeadImage = image });
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);

        using var refused = await editor.PostWithTokenAsync("/newsroom/media?handler=Delete", [new("id", image.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))], "/newsroom/media");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        (await NewsroomClient.ParseAsync(refused)).One("[data-delete-error]");
        Assert.Equal(4, (await S3Server.ListAsync(Bucket, $"media/{image.Key}/")).Count);
        Assert.True(await app.WithDbAsync(db => db.Images.AnyAsync(i => i.Id == image.Id)));
    }

    [DatabaseFact]
    public async Task A_backup_leaves_the_bucket_out_and_a_restore_puts_a_folder_s_media_into_the_bucket()
    {
        var folder = Path.Combine(BylineApp.TempRoot, "s3-backup-" + Guid.NewGuid().ToString("N")[..10]);
        var key = "up-" + Guid.NewGuid().ToString("N")[..16];
        Directory.CreateDirectory(Path.Combine(folder, "media", key));
        var picture = TestImages.Jpeg(480, 270);
        await File.WriteAllBytesAsync(Path.Combine(folder, "media", key, "480.jpg"), picture);
        var source = $"Data Source={Path.Combine(folder, "site.db")}";
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection(source))
        {
            await db.OpenAsync();
            await using var create = db.CreateCommand();
            create.CommandText = "CREATE TABLE Kept (Id INTEGER PRIMARY KEY)";
            await create.ExecuteNonQueryAsync();
        }
        string[] onDisk = [$"--ConnectionStrings:Byline={source}", $"--Byline:Media:Path={Path.Combine(folder, "media")}"];
        string[] inBucket = [$"--ConnectionStrings:Byline=Data Source={Path.Combine(folder, "moved.db")}",
            .. S3Server.Settings(Bucket).Select(s => $"--{s.Key}={s.Value}")];
        try
        {
            var backup = await CliAsync(["backup", Path.Combine(folder, "site.zip"), .. onDisk]);
            Assert.True(backup.Exit == 0, backup.Error);

            // Moving media from disk to the bucket: restore the folder's backup with Store=S3.
            var restore = await CliAsync(["restore", Path.Combine(folder, "site.zip"), .. inBucket]);
            Assert.True(restore.Exit == 0, restore.Error);
            Assert.Equal(picture, (await S3Server.GetAsync(Bucket, $"media/{key}/480.jpg"))!.Value.Bytes);

            var fromBucket = await CliAsync(["backup", Path.Combine(folder, "bucket.zip"), .. inBucket]);
            Assert.True(fromBucket.Exit == 0, fromBucket.Error);
            Assert.Contains("not part of this backup", fromBucket.Out, StringComparison.Ordinal);
            using var zip = System.IO.Compression.ZipFile.OpenRead(Path.Combine(folder, "bucket.zip"));
            Assert.DoesNotContain(zip.Entries, e => e.FullName.StartsWith("media/", StringComparison.Ordinal));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(int Exit, string Out, string Error)> CliAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await Byline.Cli.BylineCli.RunAsync(args, new Byline.Cli.CliConsole(new StringReader(""), output, error, InteractiveInput: false));
        return (exit, output.ToString(), error.ToString());
    }

    [DatabaseFact]
    public async Task With_the_store_down_an_upload_is_refused_with_its_code_and_nothing_is_kept()
    {
        // A node whose bucket address answers nothing: a port no server listens on.
        var dead = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        await using var node = await app.StartNodeAsync(settings: new Dictionary<string, string>
        {
            ["Byline:Media:S3:ServiceUrl"] = dead,
            ["Byline:Media:S3:MaxRetries"] = "0",
        });
        using var signedIn = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        using var client = signedIn.Via(node);
        var alt = TestContent.Unique("Never stored");

        using var response = await UploadAsync(client, TestImages.Png(1000, 600), alt);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("store-unavailable", problem.GetProperty("code").GetString());
        Assert.False(await app.WithDbAsync(db => db.Images.AnyAsync(i => i.Alt == alt)));
        Assert.False(await app.WithDbAsync(db => db.MediaUploads.AnyAsync(u => u.UserId == signedIn.User!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        // And reading through that node says the store is away rather than failing.
        using var read = await node.Client.GetAsync(new Uri(MediaPaths.Url("up-0000000000000000", 800, "jpg"), UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
    }
}

public sealed class MediaOnS3OnSqlite(S3SqliteApp app) : MediaOnS3Tests(app), IClassFixture<S3SqliteApp>;

public sealed class MediaOnS3OnPostgres(S3PostgresApp app) : MediaOnS3Tests(app), IClassFixture<S3PostgresApp>;

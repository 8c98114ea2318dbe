using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Byline.Content;
using Byline.Media;
using Byline.Newsroom;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Newsroom;

public abstract class MediaUploadTests(BylineApp app)
{
    private static async Task<HttpResponseMessage> UploadAsync(NewsroomClient client, byte[] bytes, string fileName, string contentType, string alt = "A picture")
    {
        var token = await client.TokenAsync("/newsroom/media");
        using var form = new MultipartFormDataContent();
#pragma warning disable CA2000 // the form owns its parts and disposes them with itself
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "Upload", fileName);
        form.Add(new StringContent(alt), "Alt");
        form.Add(new StringContent("A caption"), "Caption");
        form.Add(new StringContent("Test Agency"), "Credit");
        form.Add(new StringContent(token), NewsroomClient.TokenField);
#pragma warning restore CA2000
        return await client.Http.PostAsync(new Uri("/newsroom/media", UriKind.Relative), form);
    }

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response) =>
        (await NewsroomClient.ParseAsync(response)).QuerySelector(".upload-error")?.GetAttribute("data-code");

    [DatabaseFact]
    public async Task A_picture_is_stored_as_renditions_with_its_alt_caption_and_credit()
    {
        using var client = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var alt = TestContent.Unique("Harbour at dawn");

        using var response = await UploadAsync(client, TestImages.Png(1000, 600), "harbour.png", "image/png", alt);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var image = await app.WithDbAsync(db => Task.FromResult(db.Images.Single(i => i.Alt == alt)));
        Assert.Equal((1000, 600), (image.Width, image.Height));
        Assert.Equal("480,800", image.Widths);
        Assert.Equal(("A caption", "Test Agency"), (image.Caption, image.Credit));
        foreach (var width in MediaPaths.ParseWidths(image.Widths))
        {
            using var jpg = await app.GetAsync(MediaPaths.Url(image.Key, width, "jpg"));
            using var webp = await app.GetAsync(MediaPaths.Url(image.Key, width, "webp"));
            Assert.Equal(HttpStatusCode.OK, jpg.StatusCode);
            Assert.Equal(HttpStatusCode.OK, webp.StatusCode);
        }
        var grid = await client.PageAsync("/newsroom/media?q=" + Uri.EscapeDataString(alt));
        grid.One($"li.media-item[data-image-id='{image.Id}']");
    }

    [DatabaseFact]
    public async Task A_wide_picture_is_decoded_scaled_to_its_largest_rendition_and_keeps_its_full_size()
    {
        using var client = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var alt = TestContent.Unique("Panorama");

        using var response = await UploadAsync(client, TestImages.Png(12000, 3333), "panorama.png", "image/png", alt);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var image = await app.WithDbAsync(db => Task.FromResult(db.Images.Single(i => i.Alt == alt)));
        Assert.Equal((12000, 3333), (image.Width, image.Height));
        Assert.Equal("480,800,1200", image.Widths);
        using var largest = await app.GetAsync(MediaPaths.Url(image.Key, 1200, "jpg"));
        using var bitmap = SkiaSharp.SKBitmap.Decode(await largest.Content.ReadAsByteArrayAsync());
        Assert.Equal((1200, 333), (bitmap.Width, bitmap.Height));
        // The middle of the picture is the orange circle TestImages draws: the scaled decode kept the content.
        var middle = bitmap.GetPixel(600, 166);
        Assert.True(middle.Red > 200 && middle.Blue < 80, $"expected orange in the middle, got {middle}");
    }

    [DatabaseFact]
    public async Task Renditions_are_served_with_nosniff_and_a_sandbox()
    {
        using var client = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var alt = TestContent.Unique("Served safely");
        using var upload = await UploadAsync(client, TestImages.Jpeg(), "safe.jpg", "image/jpeg", alt);
        var image = await app.WithDbAsync(db => Task.FromResult(db.Images.Single(i => i.Alt == alt)));

        using var rendition = await app.GetAsync(MediaPaths.Url(image.Key, 480, "jpg"));

        Assert.Equal(HttpStatusCode.OK, rendition.StatusCode);
        Assert.Equal("nosniff", rendition.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("sandbox", rendition.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task An_upload_past_the_accounts_daily_quota_is_refused_with_a_message_by_the_field()
    {
        using var client = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var limit = app.Services.GetRequiredService<MediaOptions>().UploadBytesPerDay;
        var bytes = TestImages.Jpeg();
        await app.WithDbAsync(async db =>
        {
            db.MediaUploads.Add(new MediaUpload { UserId = client.User!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), At = DateTime.UtcNow.AddHours(-2), Bytes = limit - bytes.Length + 1, Kind = UploadQuota.ImageKind });
            // A day-old upload no longer counts.
            db.MediaUploads.Add(new MediaUpload { UserId = client.User!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), At = DateTime.UtcNow.AddHours(-25), Bytes = limit, Kind = UploadQuota.ImageKind });
            return await db.SaveChangesAsync();
        });

        using var refused = await UploadAsync(client, bytes, "one-too-many.jpg", "image/jpeg");
        await app.WithDbAsync(db => db.MediaUploads.Where(u => u.UserId == client.User!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) && u.At > DateTime.UtcNow.AddHours(-3)).ExecuteDeleteAsync());
        using var accepted = await UploadAsync(client, bytes, "fits.jpg", "image/jpeg");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("quota-exceeded", await ErrorCodeAsync(refused));
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal(bytes.Length, await app.WithDbAsync(db => db.MediaUploads.Where(u => u.UserId == client.User!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) && u.At > DateTime.UtcNow.AddHours(-3)).SumAsync(u => u.Bytes)));
    }

    [DatabaseFact]
    public async Task The_type_comes_from_the_bytes_not_the_name()
    {
        using var client = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var alt = TestContent.Unique("Named wrongly");

        using var misnamed = await UploadAsync(client, TestImages.Jpeg(), "picture.gif", "image/gif", alt);
        using var text = await UploadAsync(client, Encoding.UTF8.GetBytes("<?php echo 'not a picture'; ?>\n"), "photo.jpg", "image/jpeg");
        using var svg = await UploadAsync(client, Encoding.UTF8.GetBytes("<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"), "logo.png", "image/png");

        Assert.Equal(HttpStatusCode.Redirect, misnamed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, text.StatusCode);
        Assert.Equal("not-an-image", await ErrorCodeAsync(text));
        Assert.Equal(HttpStatusCode.BadRequest, svg.StatusCode);
        Assert.Equal("not-an-image", await ErrorCodeAsync(svg));
    }

    [DatabaseFact]
    public async Task A_decompression_bomb_is_refused_from_its_header()
    {
        using var client = await NewsroomClient.SignInAsync(app, Roles.Contributor);

        using var response = await UploadAsync(client, TestImages.PngBombHeader(), "small.png", "image/png");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("too-many-pixels", await ErrorCodeAsync(response));
    }

    [DatabaseFact]
    public async Task An_oversize_upload_gets_a_message_not_a_reset()
    {
        using var client = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var big = new byte[50 * 1024 * 1024];
        TestImages.Jpeg().CopyTo(big, 0);

        using var response = await UploadAsync(client, big, "huge.jpg", "image/jpeg");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("too-large", await ErrorCodeAsync(response));
        (await NewsroomClient.ParseAsync(response)).One("form.upload-form");
    }

    [DatabaseFact]
    public async Task Re_encoding_strips_exif()
    {
        using var client = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var alt = TestContent.Unique("Camera picture");
        const string Marker = "GPS-51.5007N-0.1246W-SECRET";

        using var response = await UploadAsync(client, TestImages.JpegWithExif(Marker), "camera.jpg", "image/jpeg", alt);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var image = await app.WithDbAsync(db => Task.FromResult(db.Images.Single(i => i.Alt == alt)));
        var root = app.Services.GetRequiredService<MediaStore>().LocalRoot!;
        foreach (var width in MediaPaths.ParseWidths(image.Widths))
        {
            foreach (var ext in new[] { "jpg", "webp" })
            {
                var bytes = await File.ReadAllBytesAsync(MediaPaths.File(root, image.Key, width, ext));
                var latin = Encoding.Latin1.GetString(bytes);
                Assert.DoesNotContain(Marker, latin, StringComparison.Ordinal);
                Assert.DoesNotContain("Exif\0\0", latin, StringComparison.Ordinal);
            }
        }
    }

    [DatabaseFact]
    public async Task The_media_library_needs_a_newsroom_account()
    {
        using var anonymous = NewsroomClient.Anonymous(app);
        using var page = await anonymous.GetAsync("/newsroom/media");
        using var api = await anonymous.GetAsync("/newsroom/api/media");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, api.StatusCode);
    }
}

public sealed class MediaUploadOnSqlite(SqliteApp app) : MediaUploadTests(app), IClassFixture<SqliteApp>;

public sealed class MediaUploadOnPostgres(PostgresApp app) : MediaUploadTests(app), IClassFixture<PostgresApp>;

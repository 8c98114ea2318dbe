using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Byline.Content;
using Byline.Media;
using Byline.Newsroom;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace Byline.Tests.Newsroom;

/// <summary>
/// The media library's tools beyond the upload form: the JSON upload the editor's drops use, focal points
/// per crop rendition, usage, search filters and paging, and the editor's embed preview with its link-card
/// fetch through the private-address guard (the app's own loopback address is allowed, "localhost" is not).
/// </summary>
public abstract class MediaLibraryToolsTests(BylineApp app)
{
    private static async Task<HttpResponseMessage> UploadJsonAsync(NewsroomClient client, byte[] bytes, string fileName, string credit = "Wire Agency", bool withToken = true)
    {
        var token = await client.TokenAsync("/newsroom/media");
        using var form = new MultipartFormDataContent();
#pragma warning disable CA2000 // the form owns its parts and disposes them with itself
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "Upload", fileName);
        form.Add(new StringContent(credit), "Credit");
        if (withToken)
        {
            form.Add(new StringContent(token), NewsroomClient.TokenField);
        }
#pragma warning restore CA2000
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/newsroom/media?handler=Json", UriKind.Relative)) { Content = form };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await client.Http.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    private static byte[] HalfRedHalfBlue(int width, int height)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        surface.Canvas.Clear(SKColors.Blue);
        using var paint = new SKPaint { Color = SKColors.Red };
        surface.Canvas.DrawRect(0, 0, width / 2f, height, paint);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    [DatabaseFact]
    public async Task The_json_upload_answers_the_picture_or_a_problem_with_the_librarys_code()
    {
        using var client = await NewsroomClient.SignInAsync(app, Roles.Contributor);

        using var stored = await UploadJsonAsync(client, TestImages.Png(900, 500), "dropped.png");
        using var text = await UploadJsonAsync(client, Encoding.UTF8.GetBytes("just some words, not a picture"), "notes.png");
        var big = new byte[50 * 1024 * 1024];
        TestImages.Png(10, 10).CopyTo(big, 0);
        using var huge = await UploadJsonAsync(client, big, "huge.png");
        using var noToken = await UploadJsonAsync(client, TestImages.Png(10, 10), "forged.png", withToken: false);

        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        var picture = await JsonAsync(stored);
        var id = picture.GetProperty("id").GetInt32();
        Assert.Equal("Wire Agency", picture.GetProperty("credit").GetString());
        Assert.StartsWith("/media/up-", picture.GetProperty("src").GetString(), StringComparison.Ordinal);
        var image = await app.WithDbAsync(db => db.Images.FindAsync(id).AsTask());
        Assert.Equal(("image/png", client.User!.UserName), (image!.SourceType, image.UploadedBy));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal("not-an-image", (await JsonAsync(text)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal("too-large", (await JsonAsync(huge)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
    }

    [DatabaseFact]
    public async Task A_crops_focal_point_is_stored_and_the_crop_is_made_around_it()
    {
        using var client = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        using var upload = await UploadJsonAsync(client, HalfRedHalfBlue(1600, 600), "halves.png");
        var id = (await JsonAsync(upload)).GetProperty("id").GetInt32();
        var key = (await app.WithDbAsync(db => db.Images.FindAsync(id).AsTask()))!.Key;

        async Task<SKColor> CropPixelAsync(int x, int y)
        {
            using var response = await app.GetAsync(MediaPaths.CropUrl(key, 1200, 1200));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var bitmap = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
            return bitmap.GetPixel(x, y);
        }
        Task<HttpResponseMessage> FocusAsync(string x, string y) => client.PostWithTokenAsync("/newsroom/media?handler=Focus",
            [new("id", id.ToString(CultureInfo.InvariantCulture)), new("rendition", "1200x1200"), new("x", x), new("y", y)], "/newsroom/media");

        // Left: the square crop shows only the red half; right: only the blue half.
        using var left = await FocusAsync("10", "50");
        var red = await CropPixelAsync(1150, 600);
        using var right = await FocusAsync("90", "50");
        var blue = await CropPixelAsync(50, 600);
        using var outside = await FocusAsync("150", "50");
        using var unknown = await FocusAsync("50", "50x");

        Assert.Equal(HttpStatusCode.Redirect, left.StatusCode);
        Assert.True(red.Red > 200 && red.Blue < 60, $"expected red at the right edge of a crop centred left, got {red}");
        Assert.True(blue.Blue > 200 && blue.Red < 60, $"expected blue at the left edge of a crop centred right, got {blue}");
        Assert.Equal("1200x1200=0.9,0.5", (await app.WithDbAsync(db => db.Images.FindAsync(id).AsTask()))!.Focus);
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        (await NewsroomClient.ParseAsync(outside)).One(".focus-error");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var panel = await client.PageAsync($"/newsroom/media?id={id}");
        Assert.Equal("90", panel.One("[data-focus-form='1200x1200'] input[name=x]").GetAttribute("value"));
    }

    [DatabaseFact]
    public async Task The_details_panel_counts_and_links_the_stories_that_use_a_picture()
    {
        using var client = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var content = new TestContent(app);
        var section = await content.SectionAsync();
        var image = await content.ImageAsync();
        var unused = await content.ImageAsync();
        var lead = await content.StoryAsync(section, new StorySpec { LeadImage = image });
        var inBody = await content.StoryAsync(section, new StorySpec { BodyMarkdown = $"Before.\n\n![Street](/media/{image.Key}/800.jpg)\n\nAfter." });
        await content.StoryAsync(section, new StorySpec { BodyMarkdown = "Nothing pictured." });

        var panel = await client.PageAsync($"/newsroom/media?id={image.Id}");
        var none = await client.PageAsync($"/newsroom/media?id={unused.Id}");

        Assert.Equal("2", panel.One("[data-use-count]").TextContent);
        Assert.Equal(new[] { inBody.Id.ToString(CultureInfo.InvariantCulture), lead.Id.ToString(CultureInfo.InvariantCulture) },
            panel.QuerySelectorAll("[data-use-story]").Select(e => e.GetAttribute("data-use-story")!).ToArray());
        Assert.Equal($"/newsroom/stories/{lead.Id}", panel.One($"[data-use-story='{lead.Id}'] a").GetAttribute("href"));
        Assert.Equal("0", none.One("[data-use-count]").TextContent);
    }

    [DatabaseFact]
    public async Task The_library_pages_past_a_full_grid_and_filters_by_format_day_and_uploader()
    {
        using var client = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var word = TestContent.Unique("paging");
        var day = new DateTime(2031, 3, 14, 12, 0, 0, DateTimeKind.Utc);
        await app.WithDbAsync(async db =>
        {
            for (var i = 0; i < Byline.Newsroom.MediaLibrary.MediaPageModel.PageSize + 4; i++)
            {
                db.Images.Add(new Image
                {
                    Key = TestContent.Unique("pg"), Width = 800, Height = 600, Widths = "480,800", Caption = word + " " + i,
                    SourceType = i < 3 ? "image/png" : "image/jpeg", UploadedBy = i < 5 ? "filer@newsroom.test" : null,
                    CreatedAt = i == 0 ? day : day.AddDays(-10),
                });
            }
            return await db.SaveChangesAsync();
        });

        var first = await client.PageAsync("/newsroom/media?q=" + word);
        var next = first.One("a[rel=next]").GetAttribute("href")!;
        var second = await client.PageAsync(next);
        var png = await client.PageAsync($"/newsroom/media?q={word}&type=image%2Fpng");
        var onDay = await client.PageAsync($"/newsroom/media?q={word}&from=2031-03-14&to=2031-03-14");
        var byFiler = await client.PageAsync($"/newsroom/media?q={word}&uploader=filer%40newsroom.test");

        Assert.Equal(Byline.Newsroom.MediaLibrary.MediaPageModel.PageSize, first.QuerySelectorAll("li.media-item").Length);
        Assert.Contains("page=2", next, StringComparison.Ordinal);
        Assert.Contains("q=" + word, next, StringComparison.Ordinal);
        Assert.Equal(4, second.QuerySelectorAll("li.media-item").Length);
        Assert.Empty(second.QuerySelectorAll("a[rel=next]"));
        Assert.Equal(3, png.QuerySelectorAll("li.media-item").Length);
        // The publication's day (Asia/Kolkata by default) holds noon UTC of the same date.
        Assert.Single(onDay.QuerySelectorAll("li.media-item"));
        Assert.Equal(5, byFiler.QuerySelectorAll("li.media-item").Length);
    }

    [DatabaseFact]
    public async Task An_embed_preview_is_the_readers_markup_and_a_link_card_is_fetched_only_from_allowed_addresses()
    {
        using var client = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var content = new TestContent(app);
        var section = await content.SectionAsync();
        var story = await content.StoryAsync(section);
        var own = app.Client.BaseAddress!;
        async Task<JsonElement> PreviewAsync(string url)
        {
            using var response = await client.GetAsync("/newsroom/api/embed?url=" + Uri.EscapeDataString(url));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await JsonAsync(response);
        }

        var video = await PreviewAsync("https://www.youtube.com/watch?v=dQw4w9WgXcQ");
        var card = await PreviewAsync(new Uri(own, story.Path).AbsoluteUri);
        var viaName = await PreviewAsync($"http://localhost:{own.Port}{story.Path}");
        var metadata = await PreviewAsync("http://169.254.169.254/latest/meta-data/");
        using var notLink = await client.GetAsync("/newsroom/api/embed?url=" + Uri.EscapeDataString("javascript:alert(1)"));

        Assert.Equal("player", video.GetProperty("kind").GetString());
        Assert.Equal(Embeds.Html("https://www.youtube.com/watch?v=dQw4w9WgXcQ"), video.GetProperty("html").GetString());
        Assert.Equal("card", card.GetProperty("kind").GetString());
        Assert.Contains(story.Headline, card.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("embed-card", card.GetProperty("html").GetString(), StringComparison.Ordinal);
        foreach (var refused in new[] { viaName, metadata })
        {
            Assert.Equal("link", refused.GetProperty("kind").GetString());
            Assert.Equal("private-address", refused.GetProperty("code").GetString());
            Assert.DoesNotContain("embed-card", refused.GetProperty("html").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.BadRequest, notLink.StatusCode);
        Assert.Equal("embed.not-a-link", (await JsonAsync(notLink)).GetProperty("code").GetString());
    }

    [DatabaseFact]
    public async Task A_story_saved_after_its_link_was_previewed_gives_readers_the_same_card()
    {
        using var client = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var content = new TestContent(app);
        var section = await content.SectionAsync();
        var linked = await content.StoryAsync(section);
        var url = new Uri(app.Client.BaseAddress!, linked.Path).AbsoluteUri;
        var preview = await client.GetAsync("/newsroom/api/embed?url=" + Uri.EscapeDataString(url));
        var html = (await JsonAsync(preview)).GetProperty("html").GetString()!;
        preview.Dispose();

        var cards = app.Services.GetRequiredService<LinkCardCache>();
        var body = BodyDocument.Render($"Read this:\n\n<{url}>", cards.CardFor);

        Assert.Equal(html, body.Single(b => b.Kind == BlockKind.Embed).Html);
    }

    [DatabaseFact]
    public async Task A_picture_shown_by_slides_or_as_an_authors_photo_is_not_deleted()
    {
        var onSlide = await app.Content.ImageAsync();
        var portrait = await app.Content.ImageAsync();
        var unused = await app.Content.ImageAsync();
        var story = await app.Content.StoryAsync(await app.Content.SectionAsync());
        var slides = new FormatData { Slides = [new Slide((unused.Id * 10) + 1), new Slide(onSlide.Id, "At the quay")] }.ToJson();
        var author = await app.Content.AuthorAsync();
        await app.WithDbAsync(async db =>
            await db.Articles.Where(a => a.Id == story.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.FormatData, slides))
            + await db.Authors.Where(a => a.Id == author.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.PhotoImageId, portrait.Id)));
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);

        async Task<HttpResponseMessage> DeleteAsync(Image image) =>
            await editor.PostWithTokenAsync("/newsroom/media?handler=Delete", [new("id", image.Id.ToString(CultureInfo.InvariantCulture))], "/newsroom/media");

        using var slideRefused = await DeleteAsync(onSlide);
        using var portraitRefused = await DeleteAsync(portrait);
        using var deleted = await DeleteAsync(unused);

        Assert.Equal(HttpStatusCode.Conflict, slideRefused.StatusCode);
        Assert.Contains("used in 1 story", (await NewsroomClient.ParseAsync(slideRefused)).One("[data-delete-error]").TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, portraitRefused.StatusCode);
        Assert.Contains(author.Name, (await NewsroomClient.ParseAsync(portraitRefused)).One("[data-delete-error]").TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal([onSlide.Id, portrait.Id], await app.WithDbAsync(db => db.Images.Where(i => i.Id == onSlide.Id || i.Id == portrait.Id || i.Id == unused.Id).OrderBy(i => i.Id).Select(i => i.Id).ToListAsync()));
        Assert.Equal(portrait.Id, await app.WithDbAsync(db => db.Authors.Where(a => a.Id == author.Id).Select(a => a.PhotoImageId).SingleAsync()));
    }
}

/// <summary>The app's own loopback address is allowed for link cards, as an admin would allow a host; nothing else private is.</summary>
public sealed class LinkCardSqliteApp : SqliteApp
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Byline:LinkCards:AllowedHosts:0"] = "127.0.0.1", ["Byline:LinkCards:Timeout"] = "00:00:10" };
}

public sealed class LinkCardPostgresApp : PostgresApp
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Byline:LinkCards:AllowedHosts:0"] = "127.0.0.1", ["Byline:LinkCards:Timeout"] = "00:00:10" };
}

public sealed class MediaLibraryToolsOnSqlite(LinkCardSqliteApp app) : MediaLibraryToolsTests(app), IClassFixture<LinkCardSqliteApp>;

public sealed class MediaLibraryToolsOnPostgres(LinkCardPostgresApp app) : MediaLibraryToolsTests(app), IClassFixture<LinkCardPostgresApp>;

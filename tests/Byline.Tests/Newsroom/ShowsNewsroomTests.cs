using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Byline.Content;
using Byline.Newsroom;
using Byline.Newsroom.Shows;
using Byline.Site.Shows;
using Byline.Storage;
using Byline.Tests.Site;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Newsroom;

/// <summary>Shows, Live TV and episode videos from the newsroom: the forms, their rules and what readers then see.</summary>
public abstract class ShowsNewsroomTests(BylineApp app)
{
    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    private static async Task<string?> FieldErrorAsync(HttpResponseMessage response, string field) =>
        (await NewsroomClient.ParseAsync(response)).QuerySelector($"[data-error-for={field}]")?.TextContent.Trim();

    /// <summary>The smallest MP4 the upload accepts: an ftyp box with the isom brand, an empty moov box, then a small mdat box.</summary>
    internal static byte[] Mp4Bytes() => [.. Mp4Header(), .. "\0\0\0\x08moov"u8, .. "\0\0\0\x10mdat"u8, 1, 2, 3, 4, 5, 6, 7, 8];

    /// <summary>The 24-byte ftyp box alone.</summary>
    private static byte[] Mp4Header() =>
        [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m', 0, 0, 2, 0,
            (byte)'i', (byte)'s', (byte)'o', (byte)'m', (byte)'m', (byte)'p', (byte)'4', (byte)'1'];

    private static async Task<HttpResponseMessage> UploadVideoAsync(NewsroomClient client, byte[] bytes, string name, bool json)
    {
        var token = await client.TokenAsync("/newsroom/media/video");
        using var form = new MultipartFormDataContent();
#pragma warning disable CA2000 // the form owns its parts and disposes them with itself
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        form.Add(file, "Video", name);
        form.Add(new StringContent(token), NewsroomClient.TokenField);
#pragma warning restore CA2000
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/newsroom/media/video", UriKind.Relative)) { Content = form };
        if (json)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        }
        return await client.Http.SendAsync(request);
    }

    private static Dictionary<string, string> ShowFields(string name, string slug = "") => new()
    {
        ["Name"] = name, ["Slug"] = slug, ["Description"] = "Interviews with the people in charge.", ["ScheduleText"] = "Saturdays at 8 pm", ["Position"] = "",
    };

    [DatabaseFact]
    public async Task An_editor_creates_a_show_that_readers_then_see_with_an_audit_entry()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var name = TestContent.Unique("Face to Face");
        // Cached before the show exists: creating it must evict the header of every page.
        await app.PageAsync("/");
        await app.PageAsync("/");

        using var response = await editor.SubmitAsync("/newsroom/shows/new", ShowFields(name), "form[data-form=show]");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var show = await app.WithDbAsync(db => db.Shows.SingleAsync(s => s.Name == name));
        Assert.Equal(Slugs.From(name), show.Slug);
        Assert.True(show.IsActive);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == ShowAuditActions.ShowSaved && e.EntityId == Id(show.Id))));
        var shows = await app.PageAsync("/shows");
        Assert.NotNull(shows.One($"li.show-card[data-show=\"{show.Slug}\"]"));
        var page = await app.PageAsync($"/shows/{show.Slug}");
        Assert.Equal(name, page.One("h1.headline").Text());
        var home = await app.PageAsync("/");
        Assert.Contains($"/shows/{show.Slug}", home.One("details.drawer[data-drawer=shows]").LinkPaths("a"));
    }

    [DatabaseFact]
    public async Task A_show_without_a_name_or_with_a_taken_slug_is_refused_by_the_field_keeping_what_was_typed()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var taken = await ShowContent.ShowAsync(app);

        using var noName = await editor.SubmitAsync("/newsroom/shows/new", ShowFields("") , "form[data-form=show]");
        using var clash = await editor.SubmitAsync("/newsroom/shows/new", ShowFields("Another show", taken.Slug), "form[data-form=show]");

        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
        Assert.False(string.IsNullOrEmpty(await FieldErrorAsync(noName, "Name")));
        Assert.Equal("Saturdays at 8 pm", (await NewsroomClient.ParseAsync(noName)).One("#show-schedule").GetAttribute("value"));
        Assert.Equal(HttpStatusCode.BadRequest, clash.StatusCode);
        Assert.False(string.IsNullOrEmpty(await FieldErrorAsync(clash, "Slug")));
        Assert.Equal("Another show", (await NewsroomClient.ParseAsync(clash)).One("#show-name").GetAttribute("value"));
    }

    [DatabaseFact]
    public async Task Renaming_a_shows_slug_keeps_the_old_address_answering_301()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var show = await ShowContent.ShowAsync(app);
        var episode = await ShowContent.EpisodeAsync(app, show, ShowContent.Hls);
        var renamed = TestContent.Unique("renamed");

        using var response = await editor.SubmitAsync($"/newsroom/shows/{Id(show.Id)}", new Dictionary<string, string> { ["Slug"] = renamed }, "form[data-form=show]");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        using var old = await app.GetAsync($"/shows/{show.Slug}");
        Assert.Equal(HttpStatusCode.MovedPermanently, old.StatusCode);
        Assert.Equal($"/shows/{renamed}", old.Headers.Location!.IsAbsoluteUri ? old.Headers.Location.AbsolutePath : old.Headers.Location.OriginalString);
        using var oldEpisode = await app.GetAsync(episode.Path);
        Assert.Equal(HttpStatusCode.MovedPermanently, oldEpisode.StatusCode);
        await app.PageAsync($"/shows/{renamed}/{episode.Slug}-{Id(episode.Id)}");
    }

    [DatabaseFact]
    public async Task Deleting_a_show_is_refused_while_it_has_episodes_and_works_once_it_has_none()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var busy = await ShowContent.ShowAsync(app);
        await ShowContent.EpisodeAsync(app, busy, ShowContent.Hls, status: ArticleStatus.Draft);
        var empty = await ShowContent.ShowAsync(app);

        using var refused = await editor.SubmitAsync("/newsroom/shows", new Dictionary<string, string>(), $"tr[data-show-id=\"{Id(busy.Id)}\"] form[data-form=delete-show]");
        using var deleted = await editor.SubmitAsync("/newsroom/shows", new Dictionary<string, string>(), $"tr[data-show-id=\"{Id(empty.Id)}\"] form[data-form=delete-show]");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(Id(busy.Id), (await NewsroomClient.ParseAsync(refused)).One("[data-error-for=delete]").GetAttribute("data-show-id"));
        Assert.True(await app.WithDbAsync(db => db.Shows.AnyAsync(s => s.Id == busy.Id)));
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Shows.AnyAsync(s => s.Id == empty.Id)));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == ShowAuditActions.ShowDeleted && e.EntityId == Id(empty.Id))));
        using var gone = await app.GetAsync($"/shows/{empty.Slug}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [DatabaseFact]
    public async Task Contributors_cannot_manage_shows_or_live_tv()
    {
        var contributor = await NewsroomClient.ForRoleAsync(app, Roles.Contributor);

        using var shows = await contributor.GetAsync("/newsroom/shows");
        using var live = await contributor.GetAsync("/newsroom/live-tv");

        Assert.Equal(HttpStatusCode.Forbidden, shows.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, live.StatusCode);
    }

    [DatabaseFact]
    public async Task Publishing_an_episode_without_a_video_or_with_an_hls_address_that_is_not_a_url_is_refused_by_the_field()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var section = await app.Content.SectionAsync();
        var show = await ShowContent.ShowAsync(app);
        var headline = TestContent.Unique("Episode headline");
        Dictionary<string, string> Fields(string kind, string url) => new()
        {
            ["Form.Headline"] = headline, ["Form.Standfirst"] = "What the episode covers.", ["Form.SectionId"] = Id(section.Id),
            ["Form.ShowId"] = Id(show.Id), ["Form.VideoKind"] = kind, ["Form.VideoUrl"] = url, ["Form.VideoDuration"] = "12:30", ["act"] = "publish",
        };

        using var missing = await editor.SubmitAsync("/newsroom/stories/new?format=episode", Fields("Hls", ""), "#story-form");
        using var notUrl = await editor.SubmitAsync("/newsroom/stories/new?format=episode", Fields("Hls", "not a web address"), "#story-form");

        foreach (var response in new[] { missing, notUrl })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var page = await NewsroomClient.ParseAsync(response);
            Assert.False(string.IsNullOrWhiteSpace(page.One(".field-error[data-for=videoUrl]").TextContent));
            Assert.Equal(headline, page.One("#Form_Headline").GetAttribute("value"));
            Assert.Equal("12:30", page.One("#Form_VideoDuration").GetAttribute("value"));
        }
        Assert.Equal("not a web address", (await NewsroomClient.ParseAsync(notUrl)).One("#Form_VideoUrl").GetAttribute("value"));
        Assert.False(await app.WithDbAsync(db => db.Articles.AnyAsync(a => a.Headline == headline && a.Status == ArticleStatus.Published)));
    }

    [DatabaseFact]
    public async Task An_episode_for_a_show_that_does_not_exist_is_refused_by_the_show_field()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var section = await app.Content.SectionAsync();

        using var response = await editor.SubmitAsync("/newsroom/stories/new?format=episode", new Dictionary<string, string>
        {
            ["Form.Headline"] = TestContent.Unique("Orphan"), ["Form.SectionId"] = Id(section.Id), ["Form.ShowId"] = "987654321",
            ["Form.VideoKind"] = "Hls", ["Form.VideoUrl"] = "https://video.example.org/a.m3u8", ["act"] = "save",
        }, "#story-form");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((await NewsroomClient.ParseAsync(response)).One(".field-error[data-for=showId]").TextContent));
    }

    [DatabaseFact]
    public async Task A_published_episode_from_the_editor_appears_on_its_show_page_with_its_player()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var section = await app.Content.SectionAsync();
        var show = await ShowContent.ShowAsync(app);
        var word = "zq" + Guid.NewGuid().ToString("N")[..10];
        var headline = $"Published episode on {word}";

        using var response = await editor.SubmitAsync("/newsroom/stories/new?format=episode", new Dictionary<string, string>
        {
            ["Form.Headline"] = headline, ["Form.Standfirst"] = "The episode in a sentence.", ["Form.SectionId"] = Id(section.Id),
            ["Form.ShowId"] = Id(show.Id), ["Form.VideoKind"] = "Hls", ["Form.VideoUrl"] = "https://video.example.org/show/master.m3u8",
            ["Form.VideoDuration"] = "1:02:05", ["act"] = "publish",
        }, "#story-form");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var article = await app.WithDbAsync(db => db.Articles.SingleAsync(a => a.Headline == headline));
        Assert.Equal(StoryFormat.Episode, article.Format);
        Assert.Equal(3725, FormatData.FromJson(article.FormatData).Video!.DurationSeconds);
        var path = StoryFormats.Path(StoryFormat.Episode, "", article.Slug, article.Id, show.Slug);
        var showPage = await app.PageAsync($"/shows/{show.Slug}");
        Assert.Contains(path, showPage.LinkPaths("a.episode-link"));
        var episode = await app.PageAsync(path);
        Assert.Equal("https://video.example.org/show/master.m3u8", episode.One(".video-frame video source").GetAttribute("src"));
        var preview = await editor.PageAsync($"/newsroom/stories/{Id(article.Id)}/preview/episode");
        Assert.NotNull(preview.One(".video-frame"));
        // Search finds it, and its result leads to the episode's own address.
        var found = (await app.PageAsync("/search?q=" + word)).StoryLinks();
        var hit = Assert.Single(found);
        using var followed = await app.GetAsync(hit);
        Assert.True(hit == path || (followed.StatusCode == HttpStatusCode.MovedPermanently && NewsroomClient.LocationPath(followed) == path), $"search result {hit} does not lead to {path}");
    }

    [DatabaseFact]
    public async Task An_mp4_upload_is_stored_and_served_with_ranges_and_a_long_cache()
    {
        var contributor = await NewsroomClient.ForRoleAsync(app, Roles.Contributor);
        var bytes = Mp4Bytes();

        using var response = await UploadVideoAsync(contributor, bytes, "clip.mp4", json: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var url = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("url").GetString()!;
        Assert.Null(Byline.Publishing.FormatRules.VideoProblem(new VideoSource(VideoKind.Upload, url)));
        using var whole = await app.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("video/mp4", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes, await whole.Content.ReadAsByteArrayAsync());
        Assert.Contains("immutable", whole.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        request.Headers.Range = new RangeHeaderValue(4, 7);
        using var part = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal("ftyp"u8.ToArray(), await part.Content.ReadAsByteArrayAsync());
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == ShowAuditActions.VideoUploaded && e.EntityId == url)));
    }

    [DatabaseFact]
    public async Task An_mp4_header_followed_by_html_is_refused_and_never_served()
    {
        var contributor = await NewsroomClient.ForRoleAsync(app, Roles.Contributor);
        byte[] polyglot = [.. Mp4Header(), .. "<html><script>alert(document.cookie)</script></html>"u8];
        byte[] noMovie = [.. Mp4Header(), .. "\0\0\0\x10mdat"u8, 1, 2, 3, 4, 5, 6, 7, 8];
        byte[] overrun = [.. Mp4Header(), .. "\0\0\x10\0moov"u8, 1, 2, 3];

        int Stored() => Directory.Exists(app.MediaPath) ? Directory.GetFiles(app.MediaPath, "video.mp4*", SearchOption.AllDirectories).Length : 0;
        var before = Stored();

        foreach (var bytes in new[] { polyglot, noMovie, overrun })
        {
            using var response = await UploadVideoAsync(contributor, bytes, "clip.mp4", json: true);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("not-mp4", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        }
        Assert.Equal(before, Stored());
    }

    [DatabaseFact]
    public async Task An_uploaded_video_is_served_with_nosniff_and_a_sandbox()
    {
        var contributor = await NewsroomClient.ForRoleAsync(app, Roles.Contributor);
        using var upload = await UploadVideoAsync(contributor, Mp4Bytes(), "clip.mp4", json: true);
        var url = JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement.GetProperty("url").GetString()!;

        using var video = await app.GetAsync(url);

        Assert.Equal("nosniff", video.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("sandbox", video.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("inline", video.Content.Headers.ContentDisposition?.DispositionType);
    }

    [DatabaseFact]
    public async Task A_file_that_is_not_an_mp4_is_refused_whatever_its_name()
    {
        var contributor = await NewsroomClient.ForRoleAsync(app, Roles.Contributor);
        var png = TestImages.Png(20, 20);

        using var json = await UploadVideoAsync(contributor, png, "clip.mp4", json: true);
        using var form = await UploadVideoAsync(contributor, "just some text pretending to be video"u8.ToArray(), "clip.mp4", json: false);

        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal("not-mp4", JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode);
        Assert.Equal("not-mp4", (await NewsroomClient.ParseAsync(form)).One("[data-error-for=Video]").GetAttribute("data-code"));
    }

    [DatabaseFact]
    public async Task Unknown_uploaded_videos_and_bad_keys_answer_404()
    {
        using var unknown = await app.GetAsync("/media/vid-ffffffffffffffff/video.mp4");
        using var bad = await app.GetAsync("/media/not-a-video/video.mp4");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, bad.StatusCode);
    }

    [DatabaseFact]
    public async Task Live_tv_settings_refuse_an_address_that_is_not_a_url_and_put_a_good_one_on_air()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);

        using var bad = await editor.SubmitAsync("/newsroom/live-tv", new Dictionary<string, string> { ["StreamUrl"] = "ftp:/nope", ["LiveTitle"] = "Byline Live" }, "form[data-form=live-tv]");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.False(string.IsNullOrEmpty(await FieldErrorAsync(bad, "StreamUrl")));
        Assert.Equal("ftp:/nope", (await NewsroomClient.ParseAsync(bad)).One("#live-url").GetAttribute("value"));
        Assert.False(app.Content.CurrentSettings.LiveTv.OnAir);

        const string stream = "https://live.example.org/tv/master.m3u8";
        try
        {
            using var good = await editor.SubmitAsync("/newsroom/live-tv", new Dictionary<string, string> { ["StreamUrl"] = stream, ["LiveTitle"] = "Byline Live" }, "form[data-form=live-tv]");
            Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
            var page = await app.PageAsync("/live");
            Assert.Equal(stream, page.One(".video-frame video source").GetAttribute("src"));
        }
        finally
        {
            await app.Content.SettingsAsync(s => s with { LiveTv = new() });
        }
    }
}

public sealed class ShowsNewsroomOnSqlite(SqliteApp app) : ShowsNewsroomTests(app), IClassFixture<SqliteApp>;

public sealed class ShowsNewsroomOnPostgres(PostgresApp app) : ShowsNewsroomTests(app), IClassFixture<PostgresApp>;

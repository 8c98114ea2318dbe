using System.Net;
using System.Text.Json;
using Byline.Content;
using Byline.Publishing;
using Byline.Tests.Support;

namespace Byline.Tests.Site;

/// <summary>/shows, a show's page, an episode's page and /live, as readers get them.</summary>
public abstract class ShowPagesTests(BylineApp app)
{
    private static List<string> EpisodeLinks(AngleSharp.Dom.IParentNode page) => page.LinkPaths("ol.episode-list > li.episode-card a.episode-link");

    private static JsonElement LdOfType(AngleSharp.Dom.IParentNode page, string type) =>
        page.Some("script[type=\"application/ld+json\"]")
            .Select(s => JsonDocument.Parse(s.TextContent).RootElement)
            .First(e => e.TryGetProperty("@type", out var t) && t.GetString() == type);

    [DatabaseFact]
    public async Task Shows_page_lists_active_shows_with_artwork_and_schedule_and_leaves_out_hidden_ones()
    {
        var art = await app.Content.ImageAsync();
        var active = await ShowContent.ShowAsync(app, artwork: art, schedule: "Sundays at 10 am");
        var hidden = await ShowContent.ShowAsync(app, active: false);

        var page = await app.PageAsync("/shows");

        var card = page.One($"li.show-card[data-show=\"{active.Slug}\"]");
        Assert.Equal($"/shows/{active.Slug}", Html.PathOf(card.One("h2.show-name a").GetAttribute("href")));
        Assert.Contains("Sundays at 10 am", card.One(".show-schedule").Text(), StringComparison.Ordinal);
        Assert.Contains(art.Key, card.One(".show-art img").GetAttribute("src"), StringComparison.Ordinal);
        Assert.Empty(page.QuerySelectorAll($"li.show-card[data-show=\"{hidden.Slug}\"]"));
    }

    [DatabaseFact]
    public async Task Show_page_lists_its_episodes_newest_first_and_nothing_else()
    {
        var show = await ShowContent.ShowAsync(app);
        var other = await ShowContent.ShowAsync(app);
        var now = TestContent.Now();
        var older = await ShowContent.EpisodeAsync(app, show, ShowContent.Hls, now.AddHours(-5));
        var newer = await ShowContent.EpisodeAsync(app, show, ShowContent.Hls, now.AddHours(-1));
        var middle = await ShowContent.EpisodeAsync(app, show, ShowContent.Hls, now.AddHours(-3));
        var draft = await ShowContent.EpisodeAsync(app, show, ShowContent.Hls, status: ArticleStatus.Draft);
        var elsewhere = await ShowContent.EpisodeAsync(app, other, ShowContent.Hls);

        var page = await app.PageAsync($"/shows/{show.Slug}");

        Assert.Equal([newer.Path, middle.Path, older.Path], EpisodeLinks(page));
        Assert.Equal($"/shows/{show.Slug}", Html.PathOf(page.One("link[rel=canonical]").GetAttribute("href")));
        Assert.DoesNotContain(draft.Path, EpisodeLinks(page));
        Assert.DoesNotContain(elsewhere.Path, EpisodeLinks(page));
    }

    [DatabaseFact]
    public async Task Episodes_stay_off_the_section_and_home_story_lists()
    {
        var section = await app.Content.SectionAsync();
        var show = await ShowContent.ShowAsync(app);
        var episode = await ShowContent.EpisodeAsync(app, show, ShowContent.Hls, section: section);

        var sectionPage = await app.PageAsync($"/{section.Slug}");

        Assert.DoesNotContain(episode.Path, sectionPage.StoryLinks());
    }

    [DatabaseFact]
    public async Task Show_page_paginates_and_refuses_bad_and_empty_pages()
    {
        var show = await ShowContent.ShowAsync(app);
        var size = app.Content.CurrentSettings.PageSize;
        var now = TestContent.Now();
        var episodes = new List<Story>();
        for (var i = 0; i <= size; i++)
        {
            episodes.Add(await ShowContent.EpisodeAsync(app, show, ShowContent.Hls, now.AddMinutes(-i)));
        }

        var first = await app.PageAsync($"/shows/{show.Slug}");
        var second = await app.PageAsync($"/shows/{show.Slug}?page=2");
        using var bad = await app.GetAsync($"/shows/{show.Slug}?page=zero");
        using var beyond = await app.GetAsync($"/shows/{show.Slug}?page=3");

        Assert.Equal(size, EpisodeLinks(first).Count);
        Assert.Equal($"/shows/{show.Slug}?page=2", Html.PathOf(first.One("nav.pagination a[rel=next]").GetAttribute("href")));
        Assert.Equal([episodes[^1].Path], EpisodeLinks(second));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, beyond.StatusCode);
    }

    [DatabaseFact]
    public async Task Unknown_show_and_unknown_episode_answer_404()
    {
        var show = await ShowContent.ShowAsync(app);
        using var noShow = await app.GetAsync($"/shows/{TestContent.Unique("nosuch")}");
        using var noEpisode = await app.GetAsync($"/shows/{show.Slug}/nothing-here-99999999");
        var article = await app.Content.StoryAsync(await app.Content.SectionAsync());
        using var notAnEpisode = await app.GetAsync($"/shows/{show.Slug}/{article.Slug}-{article.Id}");

        Assert.Equal(HttpStatusCode.NotFound, noShow.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noEpisode.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notAnEpisode.StatusCode);
    }

    [DatabaseFact]
    public async Task An_episode_under_the_wrong_show_or_slug_or_the_article_route_moves_to_its_address()
    {
        var show = await ShowContent.ShowAsync(app);
        var other = await ShowContent.ShowAsync(app);
        var episode = await ShowContent.EpisodeAsync(app, show, ShowContent.Hls);

        foreach (var wrong in new[] { $"/shows/{other.Slug}/{episode.Slug}-{episode.Id}", $"/shows/{show.Slug}/old-slug-{episode.Id}", $"/{episode.Section.Slug}/{episode.Slug}-{episode.Id}" })
        {
            using var response = await app.GetAsync(wrong);
            Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
            Assert.Equal(episode.Path, response.Headers.Location!.OriginalString.Replace(app.Client.BaseAddress!.ToString().TrimEnd('/'), "", StringComparison.Ordinal));
        }
    }

    [DatabaseFact]
    public async Task Mp4_episode_plays_in_a_native_video_element_with_VideoObject_data()
    {
        var show = await ShowContent.ShowAsync(app);
        var thumb = await app.Content.ImageAsync();
        var episode = await ShowContent.EpisodeAsync(app, show, ShowContent.Mp4(), thumbnail: thumb, standfirst: "A look at the week in one sentence.");

        var page = await app.PageAsync(episode.Path);

        var frame = page.One("article.story.episode .video-frame[data-player=mp4]");
        Assert.NotNull(frame.One("video[controls]"));
        Assert.Equal("video/mp4", frame.One("video source").GetAttribute("type"));
        Assert.Equal("/media/vid-0123456789abcdef/video.mp4", frame.One("video source").GetAttribute("src"));
        Assert.Empty(page.QuerySelectorAll("iframe"));
        Assert.Equal($"/shows/{show.Slug}", Html.PathOf(page.One("a.episode-show").GetAttribute("href")));
        Assert.Single(page.Some("h1.headline"));
        Assert.Equal("PT12M34S", page.One(".episode-duration time").GetAttribute("datetime"));
        var ld = LdOfType(page, "VideoObject");
        Assert.Equal(episode.Headline, ld.GetProperty("name").GetString());
        Assert.Equal("A look at the week in one sentence.", ld.GetProperty("description").GetString());
        Assert.Equal("PT12M34S", ld.GetProperty("duration").GetString());
        Assert.EndsWith("/media/vid-0123456789abcdef/video.mp4", ld.GetProperty("contentUrl").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("http", ld.GetProperty("contentUrl").GetString(), StringComparison.Ordinal);
        Assert.Contains(thumb.Key, ld.GetProperty("thumbnailUrl")[0].GetString(), StringComparison.Ordinal);
        Assert.True(DateTimeOffset.TryParseExact(ld.GetProperty("uploadDate").GetString(), "yyyy-MM-dd'T'HH:mm:sszzz", null, System.Globalization.DateTimeStyles.None, out _));
        Assert.Equal("video.episode", page.One("meta[property=\"og:type\"]").GetAttribute("content"));
        Assert.EndsWith("/media/vid-0123456789abcdef/video.mp4", page.One("meta[property=\"og:video\"]").GetAttribute("content"), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Hls_episode_has_a_video_with_the_stream_a_first_party_script_and_a_stream_link()
    {
        var show = await ShowContent.ShowAsync(app);
        var episode = await ShowContent.EpisodeAsync(app, show, ShowContent.Hls);

        var page = await app.PageAsync(episode.Path);

        var frame = page.One(".video-frame[data-player=hls]");
        Assert.Equal(ShowContent.Hls.Url, frame.One("video source").GetAttribute("src"));
        Assert.Equal("application/vnd.apple.mpegurl", frame.One("video source").GetAttribute("type"));
        Assert.Equal(ShowContent.Hls.Url, frame.One(".hls-note a.stream-link").GetAttribute("href"));
        // Every script is the site's own: no streaming library from elsewhere.
        Assert.All(page.Some("script[src]"), s => Assert.StartsWith("/", s.GetAttribute("src"), StringComparison.Ordinal));
        Assert.Contains(page.Some("script[src]"), s => s.GetAttribute("src")!.StartsWith("/hls-player.js", StringComparison.Ordinal));
        Assert.Empty(page.QuerySelectorAll("iframe"));
        Assert.Equal(ShowContent.Hls.Url, LdOfType(page, "VideoObject").GetProperty("contentUrl").GetString());
        using var script = await app.GetAsync("/hls-player.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    [DatabaseFact]
    public async Task Embedded_episode_uses_the_privacy_respecting_frame_and_embedUrl()
    {
        var show = await ShowContent.ShowAsync(app);
        var episode = await ShowContent.EpisodeAsync(app, show, ShowContent.YouTube);

        var page = await app.PageAsync(episode.Path);

        var frame = page.One(".video-frame[data-player=embed] iframe");
        Assert.StartsWith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", frame.GetAttribute("src"), StringComparison.Ordinal);
        Assert.Single(page.Some("iframe"));
        var ld = LdOfType(page, "VideoObject");
        Assert.StartsWith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", ld.GetProperty("embedUrl").GetString(), StringComparison.Ordinal);
        Assert.False(ld.TryGetProperty("contentUrl", out _));
    }

    [DatabaseFact]
    public async Task More_episodes_lists_the_shows_other_episodes()
    {
        var show = await ShowContent.ShowAsync(app);
        var first = await ShowContent.EpisodeAsync(app, show, ShowContent.Hls, TestContent.Now().AddHours(-2));
        var second = await ShowContent.EpisodeAsync(app, show, ShowContent.Hls);

        var page = await app.PageAsync(first.Path);

        Assert.Equal([second.Path], page.One("section.more-episodes").LinkPaths("a.episode-link"));
    }

    [DatabaseFact]
    public async Task Publishing_an_episode_evicts_the_cached_show_page()
    {
        var show = await ShowContent.ShowAsync(app);
        await ShowContent.EpisodeAsync(app, show, ShowContent.Hls, TestContent.Now().AddHours(-1));
        var before = await app.PageAsync($"/shows/{show.Slug}");
        // Served again from the cache: the same list.
        Assert.Equal(EpisodeLinks(before), EpisodeLinks(await app.PageAsync($"/shows/{show.Slug}")));

        var added = await ShowContent.EpisodeAsync(app, show, ShowContent.Hls);

        var after = await app.PageAsync($"/shows/{show.Slug}");
        Assert.Equal(added.Path, EpisodeLinks(after)[0]);
    }

    [DatabaseFact]
    public async Task Live_page_without_a_stream_says_it_is_off_air_and_is_not_indexed()
    {
        await app.Content.SettingsAsync(s => s with { LiveTv = new() });

        using var response = await app.GetAsync("/live");
        var page = await app.PageAsync("/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("off-air", page.One("section.live-tv").GetAttribute("data-live"));
        Assert.NotNull(page.One("section.live-tv .off-air"));
        Assert.Empty(page.QuerySelectorAll("video"));
        Assert.Contains("noindex", page.One("meta[name=robots]").GetAttribute("content"), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Live_page_plays_the_stream_set_in_the_settings()
    {
        const string stream = "https://live.example.org/channel/master.m3u8";
        await app.Content.SettingsAsync(s => s with { LiveTv = new() { StreamUrl = stream, Title = "Byline Live", Description = "Our channel, around the clock." } });
        try
        {
            var page = await app.PageAsync("/live");

            Assert.Equal("on-air", page.One("section.live-tv").GetAttribute("data-live"));
            Assert.Equal(stream, page.One("section.live-tv .video-frame[data-player=hls] video source").GetAttribute("src"));
            Assert.Equal("Byline Live", page.One("h1.headline").Text());
            Assert.Empty(page.QuerySelectorAll("meta[name=robots]"));
        }
        finally
        {
            await app.Content.SettingsAsync(s => s with { LiveTv = new() });
        }
    }

    [DatabaseFact]
    public async Task Header_video_shows_menu_and_shows_drawer_list_the_active_shows()
    {
        var active = await ShowContent.ShowAsync(app);
        var hidden = await ShowContent.ShowAsync(app, active: false);
        await app.Content.SettingsAsync(s => s with { Navigation = [new MenuItem("Video Shows", "/shows")] });

        var page = await app.PageAsync("/");

        var menu = page.One("nav.primary-nav").Some("li").First(li => li.QuerySelector(":scope > a")?.GetAttribute("href") == "/shows");
        var items = menu.LinkPaths("ul a");
        Assert.Contains($"/shows/{active.Slug}", items);
        Assert.DoesNotContain($"/shows/{hidden.Slug}", items);
        var drawer = page.One("details.drawer[data-drawer=shows]").LinkPaths("a");
        Assert.Contains($"/shows/{active.Slug}", drawer);
        Assert.Contains("/live", drawer);
        Assert.Contains("/live", page.One("header.site-header").LinkPaths("a.live-link"));
    }

    [DatabaseFact]
    public async Task Top_shows_rail_appears_on_the_home_page_and_after_an_article()
    {
        // First in the editors' order, so the rail (six shows) includes it whatever else the class made.
        var show = await ShowContent.ShowAsync(app, position: -1);
        var episode = await ShowContent.EpisodeAsync(app, show, ShowContent.Hls);
        var story = await app.Content.StoryAsync(await app.Content.SectionAsync());

        foreach (var path in new[] { "/", story.Path })
        {
            var page = await app.PageAsync(path);
            var rail = page.One("section.top-shows");
            Assert.Contains($"/shows/{show.Slug}", rail.LinkPaths("h3.show-name a"));
            Assert.Contains(episode.Path, rail.LinkPaths(".show-latest a"));
        }
    }
}

public sealed class ShowPagesOnSqlite(SqliteApp app) : ShowPagesTests(app), IClassFixture<SqliteApp>;

public sealed class ShowPagesOnPostgres(PostgresApp app) : ShowPagesTests(app), IClassFixture<PostgresApp>;

using System.Net;
using System.Text.Json;
using Byline.Content;
using Byline.Newsroom;
using Byline.Storage;
using Byline.Tests.Support;

namespace Byline.Tests.VisualStories;

public abstract class WebStoryPageTests(BylineApp app)
{
    private async Task<(int Id, List<Slide> Slides)> WebStoryAsync(int pages = 6, DateTime? publishedAt = null)
    {
        var section = await app.Content.SectionAsync();
        var slides = VisualStoryKit.Slides(await app.ImagesAsync(pages), Guid.NewGuid().ToString("N")[..8]);
        return (await app.PublishAsync(VisualStoryKit.Input(section, StoryFormat.WebStory, slides), publishedAt), slides);
    }

    [DatabaseFact]
    public async Task A_web_story_shows_every_page_in_order_as_real_text_in_its_own_reader()
    {
        var (id, slides) = await WebStoryAsync(6);
        var path = await app.PathAsync(id);
        Assert.StartsWith("/web-stories/", path, StringComparison.Ordinal);

        var page = await app.PageAsync(path);

        var story = page.One("main.web-story");
        Assert.Equal("6", story.GetAttribute("data-page-count"));
        var sections = story.QuerySelectorAll("section.ws-page");
        Assert.Equal(6, sections.Length);
        for (var i = 0; i < 6; i++)
        {
            var s = sections[i];
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), s.GetAttribute("data-page"));
            var heading = s.One("h2.ws-heading");
            Assert.Equal(slides[i].Heading, heading.Text());
            Assert.Equal(heading.Id, s.GetAttribute("aria-labelledby"));
            Assert.Equal(slides[i].Text, s.One("p.ws-text").Text());
            Assert.Equal(slides[i].Alt, s.One("picture img").GetAttribute("alt"));
        }
        page.One("h1.ws-title");
        page.One("a.ws-close[href='/web-stories']");
        page.One(".ws-status[aria-live='polite']");
        Assert.Equal(2, page.QuerySelectorAll(".ws-nav button[aria-label]").Length);
        // Its own lightweight page: none of the site's chrome.
        Assert.Null(page.QuerySelector("header.site-header"));
        Assert.Null(page.QuerySelector("footer.site-footer"));
        page.One("script[src^='/web-story.js']");
    }

    [DatabaseFact]
    public async Task A_web_story_has_a_canonical_url_an_og_cover_and_NewsArticle_data_with_its_pages_pictures()
    {
        var (id, _) = await WebStoryAsync(5);
        var path = await app.PathAsync(id);

        var page = await app.PageAsync(path);

        Assert.EndsWith(path, page.One("link[rel=canonical]").GetAttribute("href"), StringComparison.Ordinal);
        Assert.Contains("/media/", page.One("meta[property='og:image']").GetAttribute("content"), StringComparison.Ordinal);
        var article = page.QuerySelectorAll("script[type='application/ld+json']").Select(s => JsonDocument.Parse(s.TextContent).RootElement)
            .Single(d => d.GetProperty("@type").GetString() == "NewsArticle");
        Assert.EndsWith(path, article.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Equal(5, article.GetProperty("image").GetArrayLength());
    }

    [DatabaseFact]
    public async Task The_web_stories_page_lists_them_newest_first_with_paging_and_publishing_evicts_it()
    {
        var size = app.Content.CurrentSettings.PageSize;
        // Cached now; publishing the stories below must evict it.
        await app.PageAsync("/web-stories");
        // Later than anything other tests of this class publish, so these fill the first pages.
        var start = TestContent.Now().AddDays(1);
        var ids = new List<int>();
        for (var i = 0; i <= size; i++)
        {
            ids.Add((await WebStoryAsync(5, start.AddMinutes(i))).Id);
        }
        var newestFirst = new List<string>();
        foreach (var id in Enumerable.Reverse(ids))
        {
            newestFirst.Add(await app.PathAsync(id));
        }

        var first = await app.PageAsync("/web-stories");
        var second = await app.PageAsync("/web-stories?page=2");

        var firstLinks = first.LinkPaths("ol.web-story-list > li.web-story-card a.story-link");
        Assert.Equal(newestFirst.Take(size), firstLinks);
        Assert.Equal(newestFirst[size], second.LinkPaths("ol.web-story-list > li.web-story-card a.story-link")[0]);
        Assert.Equal("/web-stories?page=2", Html.PathOf(first.One("nav.pagination a[rel=next]").GetAttribute("href")));
        first.Some("li.web-story-card img");
    }

    [DatabaseFact]
    public async Task The_sitemaps_list_web_stories_and_photo_stories_at_their_own_addresses()
    {
        var (webId, _) = await WebStoryAsync(5);
        var section = await app.Content.SectionAsync();
        var photoId = await app.PublishAsync(VisualStoryKit.Input(section, StoryFormat.PhotoStory, VisualStoryKit.Slides(await app.ImagesAsync(1), "map")));
        var webPath = await app.PathAsync(webId);
        var photoPath = await app.PathAsync(photoId);

        foreach (var sitemap in new[] { $"/sitemaps/articles-{webId / 50_000}.xml", "/news-sitemap.xml" })
        {
            using var response = await app.GetAsync(sitemap);
            var xml = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{sitemap} answered {(int)response.StatusCode}");
            Assert.Contains(webPath + "</loc>", xml, StringComparison.Ordinal);
            Assert.Contains(photoPath + "</loc>", xml, StringComparison.Ordinal);
        }
    }

    [DatabaseFact]
    public async Task The_home_page_shows_a_strip_of_the_newest_web_stories()
    {
        await WebStoryAsync(5);

        var home = await app.PageAsync("/");
        var stream = await app.PageAsync("/web-stories");

        var strip = home.One("section.web-stories-strip");
        Assert.Equal("/web-stories", Html.PathOf(strip.One("h2 a").GetAttribute("href")));
        var links = strip.LinkPaths("li.web-story-card a.story-link");
        Assert.NotEmpty(links);
        Assert.Equal(stream.LinkPaths("ol.web-story-list a.story-link").Take(links.Count), links);
    }

    [DatabaseFact]
    public async Task Unknown_ids_drafts_and_other_formats_under_web_stories_answer_404()
    {
        var section = await app.Content.SectionAsync();
        var article = await app.Content.StoryAsync(section);
        var draft = await app.Content.StoryAsync(section, new StorySpec { Status = ArticleStatus.Draft });

        foreach (var path in new[] { "/web-stories/nothing-here-987654321", $"/web-stories/{article.Slug}-{article.Id}", $"/web-stories/x-{draft.Id}", "/web-stories/no-id-at-all" })
        {
            using var response = await app.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} answered {(int)response.StatusCode}");
        }
        using var badPage = await app.GetAsync("/web-stories?page=nope");
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
    }

    [DatabaseFact]
    public async Task A_web_story_on_the_article_route_or_under_an_old_slug_answers_301_to_its_own_address()
    {
        var (id, _) = await WebStoryAsync(5);
        var path = await app.PathAsync(id);
        var top = await app.WithDbAsync(db => Task.FromResult(db.Sections.Where(s => db.Articles.Any(a => a.Id == id && a.TopSectionId == s.Id)).Select(s => s.Slug).First()));

        using var viaArticle = await app.GetAsync($"/{top}/{path.Split('/')[^1]}");
        using var oldSlug = await app.GetAsync($"/web-stories/an-old-slug-{id}");

        Assert.Equal(HttpStatusCode.MovedPermanently, viaArticle.StatusCode);
        Assert.Equal(path, NewsroomClient.LocationPath(viaArticle));
        Assert.Equal(HttpStatusCode.MovedPermanently, oldSlug.StatusCode);
        Assert.Equal(path, NewsroomClient.LocationPath(oldSlug));
    }

    [DatabaseFact]
    public async Task The_newsroom_preview_of_a_draft_web_story_is_private_uncached_and_noindex()
    {
        var section = await app.Content.SectionAsync();
        var editor = await Newsroom.NewsroomServices.UserAsync(app, Roles.Editor);
        var input = VisualStoryKit.Input(section, StoryFormat.WebStory, VisualStoryKit.Slides(await app.ImagesAsync(2), "draft"));
        var created = await Newsroom.NewsroomServices.CreateAsync(app, input, editor);
        var client = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        using var anonymous = NewsroomClient.Anonymous(app);

        using var viaArticlePreview = await client.GetAsync($"/newsroom/stories/{created.ArticleId}/preview");
        using var preview = await client.GetAsync($"/newsroom/stories/{created.ArticleId}/preview/web-story");
        using var refused = await anonymous.GetAsync($"/newsroom/stories/{created.ArticleId}/preview/web-story");

        Assert.Equal(HttpStatusCode.Redirect, viaArticlePreview.StatusCode);
        Assert.Equal($"/newsroom/stories/{created.ArticleId}/preview/web-story", NewsroomClient.LocationPath(viaArticlePreview));
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains("no-store", preview.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        var page = await NewsroomClient.ParseAsync(preview);
        page.One("meta[name=robots][content=noindex]");
        Assert.Equal(2, page.QuerySelectorAll("section.ws-page").Length);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/newsroom/signin", NewsroomClient.LocationPath(refused));
    }
}

public sealed class WebStoryPageTestsOnSqlite(SqliteApp app) : WebStoryPageTests(app), IClassFixture<SqliteApp>;

public sealed class WebStoryPageTestsOnPostgres(PostgresApp app) : WebStoryPageTests(app), IClassFixture<PostgresApp>;

using System.Net;
using Byline.Content;
using Byline.Tests.Support;

namespace Byline.Tests.Distribution;

/// <summary>robots.txt, the sitemap index and its children, the Google News sitemap.</summary>
public abstract class SitemapTests(BylineApp app)
{
    [DatabaseFact]
    public async Task Robots_txt_names_the_sitemaps_and_keeps_crawlers_out_of_the_newsroom_and_search()
    {
        using var response = await app.GetAsync("/robots.txt");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var lines = text.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("Disallow: /newsroom", lines);
        Assert.Contains("Disallow: /search", lines);
        var sitemaps = lines.Where(l => l.StartsWith("Sitemap: ", StringComparison.Ordinal)).Select(l => XmlDocs.PathOf(l["Sitemap: ".Length..])).ToList();
        Assert.Equal(["/sitemap.xml", "/news-sitemap.xml"], sitemaps);
    }

    [DatabaseFact]
    public async Task The_index_names_every_child_and_every_child_is_a_valid_urlset_covering_stories_sections_tags_authors_and_pages()
    {
        var section = await app.Content.SectionAsync();
        var sub = await app.Content.SectionAsync(section);
        var tag = await app.Content.TagAsync();
        var author = await app.Content.AuthorAsync();
        var image = await app.Content.ImageAsync();
        var picturedStory = await app.Content.StoryAsync(sub, new StorySpec { Tags = [tag], Authors = [author], LeadImage = image });
        var pictured = picturedStory with { Path = Slugs.ArticlePath(section.Slug, picturedStory.Slug, picturedStory.Id) };
        var bare = await app.Content.StoryAsync(section, new StorySpec { Headline = new string('x', 150) + " long headline " + new string('y', 135) });
        var draft = await app.Content.StoryAsync(section, new StorySpec { Status = ArticleStatus.Draft });
        var about = await app.WithDbAsync(async db =>
        {
            if (!db.StaticPages.Any(p => p.Slug == "about"))
            {
                db.StaticPages.Add(new StaticPage { Slug = "about", Title = "About us", UpdatedAt = TestContent.Now() });
                await db.SaveChangesAsync();
            }
            return "/about";
        });

        var index = await XmlDocs.GetAsync(app, "/sitemap.xml", "application/xml");
        Assert.Equal(XmlDocs.Sitemap + "sitemapindex", index.Root!.Name);
        var children = index.Root.Elements(XmlDocs.Sitemap + "sitemap").ToList();
        Assert.NotEmpty(children);
        var urls = new Dictionary<string, System.Xml.Linq.XElement>(StringComparer.Ordinal);
        foreach (var child in children)
        {
            var path = XmlDocs.PathOf(child.Required(XmlDocs.Sitemap + "loc"));
            XmlDocs.Rfc3339(child.Required(XmlDocs.Sitemap + "lastmod"));
            var set = await XmlDocs.GetAsync(app, path, "application/xml");
            Assert.Equal(XmlDocs.Sitemap + "urlset", set.Root!.Name);
            var entries = set.Root.Elements(XmlDocs.Sitemap + "url").ToList();
            Assert.True(entries.Count <= 50_000, $"{path} has {entries.Count} URLs");
            foreach (var url in entries)
            {
                var loc = XmlDocs.PathOf(url.Required(XmlDocs.Sitemap + "loc"));
                if (url.Element(XmlDocs.Sitemap + "lastmod") is { } lastmod)
                {
                    XmlDocs.Rfc3339(lastmod.Value);
                }
                urls[loc] = url;
            }
        }
        Assert.Contains("/sitemaps/sections.xml", children.Select(c => XmlDocs.PathOf(c.Element(XmlDocs.Sitemap + "loc")!.Value)));
        Assert.Contains(pictured.Path, urls.Keys);
        Assert.Contains(bare.Path, urls.Keys);
        Assert.DoesNotContain(urls.Keys, u => u.EndsWith($"-{draft.Id}", StringComparison.Ordinal));
        Assert.Contains($"/{section.Slug}", urls.Keys);
        Assert.Contains($"/{section.Slug}/{sub.Slug}", urls.Keys);
        Assert.Contains($"/tag/{tag.Slug}", urls.Keys);
        Assert.Contains($"/author/{author.Slug}", urls.Keys);
        Assert.Contains("/", urls.Keys);
        Assert.Contains(about, urls.Keys);
        var img = urls[pictured.Path].Element(XmlDocs.Image + "image");
        Assert.NotNull(img);
        Assert.Equal($"/media/{image.Key}/1200.jpg", XmlDocs.PathOf(img!.Required(XmlDocs.Image + "loc")));
        Assert.Null(urls[bare.Path].Element(XmlDocs.Image + "image"));
    }

    [DatabaseFact]
    public async Task Article_sitemaps_cover_fixed_id_ranges_and_an_empty_range_is_404()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section);
        var number = story.Id / 50_000;
        var set = await XmlDocs.GetAsync(app, $"/sitemaps/articles-{number}.xml", "application/xml");
        Assert.Contains(story.Path, set.Root!.Elements(XmlDocs.Sitemap + "url").Select(u => XmlDocs.PathOf(u.Element(XmlDocs.Sitemap + "loc")!.Value)));

        using var empty = await app.GetAsync($"/sitemaps/articles-{number + 1000}.xml");
        Assert.Equal(HttpStatusCode.NotFound, empty.StatusCode);
        using var negative = await app.GetAsync("/sitemaps/articles--1.xml");
        Assert.Equal(HttpStatusCode.NotFound, negative.StatusCode);
    }

    [DatabaseFact]
    public async Task The_news_sitemap_lists_only_the_last_48_hours_with_publication_language_date_and_title()
    {
        var section = await app.Content.SectionAsync();
        var now = TestContent.Now();
        var fresh = await app.Content.StoryAsync(section, new StorySpec { PublishedAt = now.AddHours(-47), Headline = "Fresh <news> & more " + Guid.NewGuid().ToString("N") });
        var stale = await app.Content.StoryAsync(section, new StorySpec { PublishedAt = now.AddHours(-49) });
        var untitled = await app.Content.StoryAsync(section, new StorySpec { Standfirst = "" });

        var doc = await XmlDocs.GetAsync(app, "/news-sitemap.xml", "application/xml");

        Assert.Equal(XmlDocs.Sitemap + "urlset", doc.Root!.Name);
        var urls = doc.Root.Elements(XmlDocs.Sitemap + "url").ToList();
        Assert.True(urls.Count <= 1000);
        var byPath = urls.ToDictionary(u => XmlDocs.PathOf(u.Element(XmlDocs.Sitemap + "loc")!.Value));
        Assert.Contains(fresh.Path, byPath.Keys);
        Assert.Contains(untitled.Path, byPath.Keys);
        Assert.DoesNotContain(stale.Path, byPath.Keys);
        foreach (var url in urls)
        {
            var news = url.Element(XmlDocs.News + "news");
            Assert.NotNull(news);
            var publication = news!.Element(XmlDocs.News + "publication");
            Assert.NotNull(publication);
            publication!.Required(XmlDocs.News + "name");
            Assert.Matches("^[a-z]{2,3}(-[a-z]{2})?$", publication.Required(XmlDocs.News + "language"));
            var date = XmlDocs.Rfc3339(news.Required(XmlDocs.News + "publication_date"));
            Assert.True(date >= DateTimeOffset.UtcNow.AddHours(-48).AddMinutes(-5));
            news.Required(XmlDocs.News + "title");
        }
        Assert.Equal(fresh.Headline, byPath[fresh.Path].Element(XmlDocs.News + "news")!.Element(XmlDocs.News + "title")!.Value);
        Assert.Equal("en", byPath[fresh.Path].Element(XmlDocs.News + "news")!.Element(XmlDocs.News + "publication")!.Element(XmlDocs.News + "language")!.Value);
    }

    [DatabaseFact]
    public async Task Ads_txt_serves_the_setting_and_the_manifest_names_its_icons()
    {
        await app.Content.SettingsAsync(s => s with { AdsTxt = "# ads\nexample-exchange.com, pub-123, DIRECT, f08c47fec0942fa0\n" });
        using (var response = await app.GetAsync("/ads.txt"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("example-exchange.com, pub-123, DIRECT", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var response = await app.GetAsync("/manifest.webmanifest"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/manifest+json", response.Content.Headers.ContentType?.MediaType);
            using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var root = json.RootElement;
            Assert.False(string.IsNullOrEmpty(root.GetProperty("name").GetString()));
            Assert.True(root.GetProperty("short_name").GetString()!.Length <= 12);
            Assert.Equal("/", root.GetProperty("start_url").GetString());
            var sizes = root.GetProperty("icons").EnumerateArray().Select(i => i.GetProperty("sizes").GetString()).ToList();
            Assert.Contains("192x192", sizes);
            Assert.Contains("512x512", sizes);
            foreach (var icon in root.GetProperty("icons").EnumerateArray())
            {
                using var png = await app.GetAsync(icon.GetProperty("src").GetString()!);
                Assert.Equal(HttpStatusCode.OK, png.StatusCode);
                Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
            }
        }
        var home = await app.PageAsync("/");
        Assert.Equal("/manifest.webmanifest", Html.PathOf(home.One("link[rel=manifest]").GetAttribute("href")));
    }
}

public sealed class SitemapOnSqlite(SqliteApp app) : SitemapTests(app), IClassFixture<SqliteApp>;

public sealed class SitemapOnPostgres(PostgresApp app) : SitemapTests(app), IClassFixture<PostgresApp>;

using System.Net;
using System.Net.Http.Headers;
using System.Xml.Linq;
using Byline.Content;
using Byline.Tests.Support;

namespace Byline.Tests.Distribution;

/// <summary>RSS 2.0 and Atom 1.0 feeds: what the specs require, every scope, odd stories, conditional GET.</summary>
public abstract class FeedTests(BylineApp app)
{
    private async Task<(Section Section, Tag Tag, Author Author, Story WithImage, Story Bare, Story Long)> OddStoriesAsync()
    {
        var section = await app.Content.SectionAsync();
        var tag = await app.Content.TagAsync();
        var author = await app.Content.AuthorAsync();
        var image = await app.Content.ImageAsync();
        var now = TestContent.Now();
        var withImage = await app.Content.StoryAsync(section, new StorySpec { Tags = [tag], Authors = [author], LeadImage = image, PublishedAt = now.AddMinutes(-3), UpdatedAt = now.AddMinutes(-1) });
        // No picture, no author, no tags, no standfirst.
        var bare = await app.Content.StoryAsync(section, new StorySpec { Standfirst = "", PublishedAt = now.AddMinutes(-2) });
        var long300 = await app.Content.StoryAsync(section, new StorySpec
        {
            Headline = string.Join(' ', Enumerable.Repeat("Lengthy <headline> & \"quotes\"", 11))[..300],
            Tags = [tag],
            Authors = [author],
            PublishedAt = now.AddMinutes(-1),
        });
        return (section, tag, author, withImage, bare, long300);
    }

    private static void CheckRss(XDocument doc, int? expectedItems = null)
    {
        var rss = doc.Root!;
        Assert.Equal("rss", rss.Name.LocalName);
        Assert.Equal("2.0", rss.Attribute("version")?.Value);
        var channel = rss.Element("channel");
        Assert.NotNull(channel);
        channel!.Required("title");
        XmlDocs.PathOf(channel.Required("link"));
        channel.Required("description");
        var self = channel.Element(XmlDocs.Atom + "link");
        Assert.Equal("self", self?.Attribute("rel")?.Value);
        var items = channel.Elements("item").ToList();
        Assert.True(items.Count <= 50, $"{items.Count} items, at most 50 expected");
        if (expectedItems is int n)
        {
            Assert.Equal(n, items.Count);
        }
        foreach (var item in items)
        {
            item.Required("title");
            XmlDocs.PathOf(item.Required("link"));
            item.Required("guid");
            XmlDocs.Rfc822(item.Required("pubDate"));
            foreach (var enclosure in item.Elements("enclosure"))
            {
                XmlDocs.PathOf(enclosure.Attribute("url")!.Value);
                Assert.True(long.TryParse(enclosure.Attribute("length")?.Value, out _));
                Assert.Equal("image/jpeg", enclosure.Attribute("type")?.Value);
            }
        }
    }

    private static void CheckAtom(XDocument doc)
    {
        var feed = doc.Root!;
        Assert.Equal(XmlDocs.Atom + "feed", feed.Name);
        feed.Required(XmlDocs.Atom + "id");
        feed.Required(XmlDocs.Atom + "title");
        XmlDocs.Rfc3339(feed.Required(XmlDocs.Atom + "updated"));
        Assert.Contains(feed.Elements(XmlDocs.Atom + "link"), l => l.Attribute("rel")?.Value == "self");
        var feedHasAuthor = feed.Element(XmlDocs.Atom + "author")?.Element(XmlDocs.Atom + "name") is not null;
        foreach (var entry in feed.Elements(XmlDocs.Atom + "entry"))
        {
            Assert.StartsWith("tag:", entry.Required(XmlDocs.Atom + "id"), StringComparison.Ordinal);
            entry.Required(XmlDocs.Atom + "title");
            XmlDocs.Rfc3339(entry.Required(XmlDocs.Atom + "updated"));
            var link = entry.Elements(XmlDocs.Atom + "link").FirstOrDefault(l => l.Attribute("rel")?.Value == "alternate");
            Assert.NotNull(link);
            XmlDocs.PathOf(link!.Attribute("href")!.Value);
            Assert.True(feedHasAuthor || entry.Element(XmlDocs.Atom + "author") is not null, "an entry without an author in a feed without one");
        }
    }

    [DatabaseFact]
    public async Task Site_feeds_are_valid_rss_and_atom_even_for_stories_without_picture_author_or_short_headline()
    {
        var (_, _, _, withImage, bare, long300) = await OddStoriesAsync();

        var rss = await XmlDocs.GetAsync(app, "/rss.xml", "application/rss+xml");
        var atom = await XmlDocs.GetAsync(app, "/atom.xml", "application/atom+xml");

        CheckRss(rss);
        CheckAtom(atom);
        var links = rss.Root!.Element("channel")!.Elements("item").Select(i => XmlDocs.PathOf(i.Element("link")!.Value)).ToList();
        Assert.Contains(bare.Path, links);
        Assert.Contains(long300.Path, links);
        var pictured = rss.Root!.Element("channel")!.Elements("item").Single(i => XmlDocs.PathOf(i.Element("link")!.Value) == withImage.Path);
        Assert.NotNull(pictured.Element("enclosure"));
        var media = pictured.Element(XmlDocs.Media + "content");
        Assert.Equal("image", media?.Attribute("medium")?.Value);
        Assert.Equal("1200", media?.Attribute("width")?.Value);
        Assert.Equal("675", media?.Attribute("height")?.Value);
        var entry = atom.Root!.Elements(XmlDocs.Atom + "entry").Single(e => e.Elements(XmlDocs.Atom + "link").Any(l => XmlDocs.PathOf(l.Attribute("href")!.Value) == withImage.Path));
        Assert.Contains(entry.Elements(XmlDocs.Atom + "link"), l => l.Attribute("rel")?.Value == "enclosure" && l.Attribute("type")?.Value == "image/jpeg");
        Assert.True(XmlDocs.Rfc3339(entry.Element(XmlDocs.Atom + "updated")!.Value) > XmlDocs.Rfc3339(entry.Element(XmlDocs.Atom + "published")!.Value));
    }

    [DatabaseFact]
    public async Task Section_sub_section_tag_and_author_feeds_list_their_own_stories_newest_first()
    {
        var (section, tag, author, withImage, bare, long300) = await OddStoriesAsync();
        var sub = await app.Content.SectionAsync(section);
        var inSub = await app.Content.StoryAsync(sub);
        var inSubPath = Slugs.ArticlePath(section.Slug, inSub.Slug, inSub.Id);
        var elsewhere = await app.Content.StoryAsync(await app.Content.SectionAsync(), new StorySpec { Tags = [], Authors = [] });

        async Task<List<string>> RssLinks(string path) =>
            [.. (await XmlDocs.GetAsync(app, path, "application/rss+xml")).Root!.Element("channel")!.Elements("item").Select(i => XmlDocs.PathOf(i.Element("link")!.Value))];
        async Task<List<string>> AtomLinks(string path) =>
            [.. (await XmlDocs.GetAsync(app, path, "application/atom+xml")).Root!.Elements(XmlDocs.Atom + "entry")
                .Select(e => XmlDocs.PathOf(e.Elements(XmlDocs.Atom + "link").First(l => l.Attribute("rel")?.Value == "alternate").Attribute("href")!.Value))];

        Assert.Equal([inSubPath, long300.Path, bare.Path, withImage.Path], await RssLinks($"/{section.Slug}/rss.xml"));
        Assert.Equal([inSubPath, long300.Path, bare.Path, withImage.Path], await AtomLinks($"/{section.Slug}/atom.xml"));
        Assert.Equal([inSubPath], await RssLinks($"/{section.Slug}/{sub.Slug}/rss.xml"));
        Assert.Equal([inSubPath], await AtomLinks($"/{section.Slug}/{sub.Slug}/atom.xml"));
        Assert.Equal([long300.Path, withImage.Path], await RssLinks($"/tag/{tag.Slug}/rss.xml"));
        Assert.Equal([long300.Path, withImage.Path], await AtomLinks($"/tag/{tag.Slug}/atom.xml"));
        Assert.Equal([long300.Path, withImage.Path], await RssLinks($"/author/{author.Slug}/rss.xml"));
        Assert.Equal([long300.Path, withImage.Path], await AtomLinks($"/author/{author.Slug}/atom.xml"));
        Assert.DoesNotContain(elsewhere.Path, await RssLinks($"/{section.Slug}/rss.xml"));
    }

    [DatabaseTheory]
    [InlineData("/no-such-section-x1/rss.xml")]
    [InlineData("/tag/no-such-tag-x1/atom.xml")]
    [InlineData("/author/no-such-author-x1/rss.xml")]
    [InlineData("/tag/Bad%20Slug/rss.xml")]
    public async Task Feeds_of_unknown_things_answer_404(string path)
    {
        using var response = await app.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [DatabaseFact]
    public async Task A_sub_section_feed_under_the_wrong_parent_answers_404()
    {
        var parent = await app.Content.SectionAsync();
        var other = await app.Content.SectionAsync();
        var sub = await app.Content.SectionAsync(parent);
        using var response = await app.GetAsync($"/{other.Slug}/{sub.Slug}/rss.xml");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [DatabaseFact]
    public async Task Feeds_answer_304_to_a_matching_etag_or_a_later_if_modified_since_and_200_after_a_change()
    {
        var section = await app.Content.SectionAsync();
        await app.Content.StoryAsync(section, new StorySpec { PublishedAt = TestContent.Now().AddMinutes(-5) });
        var path = $"/{section.Slug}/rss.xml";
        using var first = await app.GetAsync(path);
        var etag = first.Headers.ETag;
        var lastModified = first.Content.Headers.LastModified;
        Assert.NotNull(etag);
        Assert.NotNull(lastModified);

        using (var request = new HttpRequestMessage(HttpMethod.Get, path))
        {
            request.Headers.IfNoneMatch.Add(etag!);
            using var response = await app.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, path))
        {
            request.Headers.IfModifiedSince = lastModified;
            using var response = await app.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        }

        await app.Content.StoryAsync(section);

        using (var request = new HttpRequestMessage(HttpMethod.Get, path))
        {
            request.Headers.IfNoneMatch.Add(etag!);
            using var response = await app.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotEqual(etag, response.Headers.ETag);
        }
    }

    [DatabaseFact]
    public async Task Full_content_setting_puts_the_body_in_content_encoded_and_atom_content()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec { BodyMarkdown = "First paragraph with **bold** words.\n\nSecond paragraph." });
        await app.Content.SettingsAsync(s => s with { FeedFullContent = true });
        try
        {
            var rss = await XmlDocs.GetAsync(app, $"/{section.Slug}/rss.xml", "application/rss+xml");
            var encoded = rss.Root!.Element("channel")!.Element("item")!.Element(XmlDocs.Content + "encoded");
            Assert.NotNull(encoded);
            Assert.Contains("<strong>bold</strong>", encoded!.Value, StringComparison.Ordinal);
            var atom = await XmlDocs.GetAsync(app, $"/{section.Slug}/atom.xml", "application/atom+xml");
            var content = atom.Root!.Element(XmlDocs.Atom + "entry")!.Element(XmlDocs.Atom + "content");
            Assert.Equal("html", content?.Attribute("type")?.Value);
        }
        finally
        {
            await app.Content.SettingsAsync(s => s with { FeedFullContent = false });
        }
        var summary = await XmlDocs.GetAsync(app, $"/{section.Slug}/rss.xml", "application/rss+xml");
        Assert.Null(summary.Root!.Element("channel")!.Element("item")!.Element(XmlDocs.Content + "encoded"));
        Assert.NotNull(story);
    }

    [DatabaseFact]
    public async Task Feeds_hold_at_most_the_newest_50_stories()
    {
        var section = await app.Content.SectionAsync();
        var stories = await app.Content.StoriesAsync(section, 53, paragraphs: 1);
        var rss = await XmlDocs.GetAsync(app, $"/{section.Slug}/rss.xml", "application/rss+xml");
        CheckRss(rss, expectedItems: 50);
        Assert.Equal(stories[^1].Path, XmlDocs.PathOf(rss.Root!.Element("channel")!.Element("item")!.Element("link")!.Value));
    }

    [DatabaseFact]
    public async Task List_pages_link_their_feeds_in_the_head()
    {
        var (section, tag, author, _, _, _) = await OddStoriesAsync();
        foreach (var (page, feed) in new[] { ("/", "/rss.xml"), ($"/{section.Slug}", $"/{section.Slug}/rss.xml"), ($"/tag/{tag.Slug}", $"/tag/{tag.Slug}/rss.xml"), ($"/author/{author.Slug}", $"/author/{author.Slug}/rss.xml") })
        {
            var doc = await app.PageAsync(page);
            Assert.Contains(feed, doc.LinkPaths("link[rel=alternate][type='application/rss+xml']"));
            Assert.Contains(feed.Replace("rss.xml", "atom.xml", StringComparison.Ordinal), doc.LinkPaths("link[rel=alternate][type='application/atom+xml']"));
        }
    }
}

public sealed class FeedOnSqlite(SqliteApp app) : FeedTests(app), IClassFixture<SqliteApp>;

public sealed class FeedOnPostgres(PostgresApp app) : FeedTests(app), IClassFixture<PostgresApp>;

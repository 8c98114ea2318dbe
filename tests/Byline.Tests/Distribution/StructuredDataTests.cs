using AngleSharp.Html.Dom;
using Byline.Content;
using Byline.Tests.Support;

namespace Byline.Tests.Distribution;

/// <summary>JSON-LD, Open Graph, Twitter cards, canonical URLs and noindex on every reader page type.</summary>
public abstract class StructuredDataTests(BylineApp app)
{
    private static string Meta(IHtmlDocument page, string property) =>
        page.QuerySelector($"meta[property='{property}'], meta[name='{property}']")?.GetAttribute("content") ?? "";

    [DatabaseFact]
    public async Task An_article_carries_a_news_article_with_three_crops_breadcrumbs_and_a_full_social_card()
    {
        var top = await app.Content.SectionAsync();
        var section = await app.Content.SectionAsync(top);
        var tag = await app.Content.TagAsync();
        var author = await app.Content.AuthorAsync();
        var desk = await app.Content.DeskAsync();
        var image = await app.Content.ImageAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec
        {
            Headline = "A </script><script>alert(1)</script> headline that runs on " + string.Join(' ', Enumerable.Repeat("and on", 34)),
            Tags = [tag], Authors = [author, desk], LeadImage = image, UpdatedAt = TestContent.Now(), PublishedAt = TestContent.Now().AddHours(-2),
        });

        var path = Slugs.ArticlePath(top.Slug, story.Slug, story.Id);
        var page = await app.PageAsync(path);

        var article = StructuredDataChecker.One(page, "NewsArticle");
        StructuredDataChecker.NewsArticle(article, expectImages: true);
        Assert.EndsWith("…", article.GetProperty("headline").GetString(), StringComparison.Ordinal);
        Assert.Equal(section.Name, article.GetProperty("articleSection").GetString());
        Assert.Contains(tag.Name, article.GetProperty("keywords").EnumerateArray().Select(k => k.GetString()));
        var authors = article.GetProperty("author").EnumerateArray().ToList();
        Assert.Equal("Person", authors[0].GetProperty("@type").GetString());
        Assert.Equal("Organization", authors[1].GetProperty("@type").GetString());
        Assert.Equal($"/author/{author.Slug}", XmlDocs.PathOf(authors[0].GetProperty("url").GetString()!));
        StructuredDataChecker.Breadcrumbs(StructuredDataChecker.One(page, "BreadcrumbList"), 4);
        // The headline's markup must not have closed the script element.
        Assert.Equal(2, page.QuerySelectorAll("script[type='application/ld+json']").Length);

        Assert.Equal("article", Meta(page, "og:type"));
        Assert.Equal(path, XmlDocs.PathOf(Meta(page, "og:url")));
        Assert.Equal($"/media/{image.Key}/1200.jpg", XmlDocs.PathOf(Meta(page, "og:image")));
        Assert.Equal("1200", Meta(page, "og:image:width"));
        Assert.Equal("675", Meta(page, "og:image:height"));
        Assert.False(string.IsNullOrEmpty(Meta(page, "og:title")));
        Assert.False(string.IsNullOrEmpty(Meta(page, "og:description")));
        Assert.False(string.IsNullOrEmpty(Meta(page, "og:site_name")));
        XmlDocs.Rfc3339(Meta(page, "article:published_time"));
        XmlDocs.Rfc3339(Meta(page, "article:modified_time"));
        Assert.Equal(section.Name, Meta(page, "article:section"));
        Assert.Contains(tag.Name, page.QuerySelectorAll("meta[property='article:tag']").Select(m => m.GetAttribute("content")));
        Assert.Equal("summary_large_image", Meta(page, "twitter:card"));
        Assert.False(string.IsNullOrEmpty(Meta(page, "twitter:title")));
        Assert.False(string.IsNullOrEmpty(Meta(page, "twitter:description")));
        Assert.False(string.IsNullOrEmpty(Meta(page, "twitter:image")));
        Assert.False(string.IsNullOrEmpty(Meta(page, "og:image:alt")));
        Assert.Equal(Meta(page, "og:image:alt"), Meta(page, "twitter:image:alt"));
        Assert.Equal(path, Html.PathOf(page.One("link[rel=canonical]").GetAttribute("href")));
        Assert.Empty(page.QuerySelectorAll("meta[name=robots]"));
    }

    [DatabaseFact]
    public async Task A_story_without_picture_or_author_still_has_valid_structured_data()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec { Standfirst = "" });

        var page = await app.PageAsync(story.Path);

        var article = StructuredDataChecker.One(page, "NewsArticle");
        StructuredDataChecker.NewsArticle(article, expectImages: false);
        Assert.Equal("Organization", article.GetProperty("author")[0].GetProperty("@type").GetString());
        Assert.Equal("article", Meta(page, "og:type"));
        Assert.False(string.IsNullOrEmpty(Meta(page, "og:image")));
        // The card falls back to the publication's icon, and says so.
        Assert.EndsWith(" logo", Meta(page, "twitter:image:alt"), StringComparison.Ordinal);
        Assert.Equal(Meta(page, "og:image:alt"), Meta(page, "twitter:image:alt"));
    }

    [DatabaseFact]
    public async Task Crop_renditions_are_served_for_the_two_crop_sizes_only()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec { LeadImage = await app.Content.ImageAsync() });
        var page = await app.PageAsync(story.Path);
        var urls = StructuredDataChecker.One(page, "NewsArticle").GetProperty("image").EnumerateArray().Select(i => XmlDocs.PathOf(i.GetProperty("url").GetString()!)).ToList();
        Assert.Contains(urls, u => u.EndsWith("/1200x900.jpg", StringComparison.Ordinal));
        Assert.Contains(urls, u => u.EndsWith("/1200x1200.jpg", StringComparison.Ordinal));
        foreach (var bad in new[] { "/media/some-key/1200x901.jpg", "/media/some-key/1200x900.webp", "/media/some-key/x.jpg", "/media/Some-Key/1200x900.jpg", "/media/some-key/..%2F1200x900.jpg" })
        {
            using var response = await app.GetAsync(bad);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [DatabaseFact]
    public async Task Home_has_website_with_search_action_and_organization_with_logo()
    {
        var page = await app.PageAsync("/");
        var site = StructuredDataChecker.One(page, "WebSite");
        StructuredDataChecker.Url(site, "url");
        var action = site.GetProperty("potentialAction");
        Assert.Equal("SearchAction", action.GetProperty("@type").GetString());
        Assert.Contains("{search_term_string}", action.GetProperty("target").GetProperty("urlTemplate").GetString(), StringComparison.Ordinal);
        Assert.Equal("required name=search_term_string", action.GetProperty("query-input").GetString());
        var org = StructuredDataChecker.One(page, "NewsMediaOrganization");
        var logo = org.GetProperty("logo");
        using var png = await app.GetAsync(XmlDocs.PathOf(StructuredDataChecker.Url(logo, "url")));
        Assert.Equal(System.Net.HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal("website", Meta(page, "og:type"));
    }

    [DatabaseFact]
    public async Task Section_and_tag_pages_are_collection_pages_with_item_lists_and_paginated_canonicals()
    {
        var section = await app.Content.SectionAsync();
        var tag = await app.Content.TagAsync();
        var size = app.Content.CurrentSettings.PageSize;
        var now = TestContent.Now();
        for (var i = size; i >= 0; i--)
        {
            await app.Content.StoryAsync(section, new StorySpec { Tags = [tag], Paragraphs = 1, PublishedAt = now.AddSeconds(-1 - i) });
        }
        foreach (var basePath in new[] { $"/{section.Slug}", $"/tag/{tag.Slug}" })
        {
            var first = await app.PageAsync(basePath);
            var collection = StructuredDataChecker.One(first, "CollectionPage");
            var items = collection.GetProperty("mainEntity").GetProperty("itemListElement").EnumerateArray().ToList();
            Assert.Equal("ItemList", collection.GetProperty("mainEntity").GetProperty("@type").GetString());
            Assert.Equal(first.StoryLinks(), items.Select(i => XmlDocs.PathOf(i.GetProperty("url").GetString()!)).ToList());
            StructuredDataChecker.Breadcrumbs(StructuredDataChecker.One(first, "BreadcrumbList"), 2);
            var second = await app.PageAsync(basePath + "?page=2");
            Assert.Equal(basePath + "?page=2", Html.PathOf(second.One("link[rel=canonical]").GetAttribute("href")));
            Assert.Equal(basePath + "?page=2", XmlDocs.PathOf(Meta(second, "og:url")));
        }
    }

    [DatabaseFact]
    public async Task Author_and_desk_pages_are_profile_pages_of_a_person_or_an_organization()
    {
        var section = await app.Content.SectionAsync();
        var author = await app.Content.AuthorAsync();
        var desk = await app.Content.DeskAsync();
        await app.Content.StoryAsync(section, new StorySpec { Authors = [author, desk] });

        var person = StructuredDataChecker.One(await app.PageAsync($"/author/{author.Slug}"), "ProfilePage").GetProperty("mainEntity");
        Assert.Equal("Person", person.GetProperty("@type").GetString());
        Assert.Equal(author.Name, person.GetProperty("name").GetString());
        StructuredDataChecker.Url(person, "url");
        var org = StructuredDataChecker.One(await app.PageAsync($"/author/{desk.Slug}"), "ProfilePage").GetProperty("mainEntity");
        Assert.Equal("Organization", org.GetProperty("@type").GetString());
    }

    [DatabaseFact]
    public async Task Empty_lists_search_results_and_error_pages_are_noindex_and_lists_with_stories_are_not()
    {
        var emptySection = await app.Content.SectionAsync();
        var emptyTag = await app.Content.TagAsync();
        var emptyAuthor = await app.Content.AuthorAsync();
        var full = await app.Content.SectionAsync();
        await app.Content.StoryAsync(full);

        foreach (var path in new[] { $"/{emptySection.Slug}", $"/tag/{emptyTag.Slug}", $"/author/{emptyAuthor.Slug}", "/search?q=anything" })
        {
            var page = await app.PageAsync(path);
            Assert.Contains("noindex", page.One("meta[name=robots]").GetAttribute("content"), StringComparison.Ordinal);
        }
        using (var response = await app.GetAsync("/no-such-section-at-all"))
        {
            var html = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("noindex", html.One("meta[name=robots]").GetAttribute("content"), StringComparison.Ordinal);
        }
        Assert.Empty((await app.PageAsync($"/{full.Slug}")).QuerySelectorAll("meta[name=robots]"));
    }
}

public sealed class StructuredDataOnSqlite(SqliteApp app) : StructuredDataTests(app), IClassFixture<SqliteApp>;

public sealed class StructuredDataOnPostgres(PostgresApp app) : StructuredDataTests(app), IClassFixture<PostgresApp>;

using System.Net;
using System.Text.Json;
using AngleSharp.Html.Dom;
using Byline.Content;
using Byline.Tests.Support;

namespace Byline.Tests.Site;

public abstract class ArticlePageTests(BylineApp app)
{
    /// <summary>2025-04-25T17:55:55Z: in Asia/Kolkata "April 25, 2025, 23:25:55 IST".</summary>
    private static readonly DateTime Published = new(2025, 4, 25, 17, 55, 55, DateTimeKind.Utc);

    private static readonly DateTime Updated = new(2025, 4, 26, 4, 0, 0, DateTimeKind.Utc);

    /// <summary>A complete story: two authors, two tags, a lead image, wire copy, two siblings, in Top Stories.</summary>
    private sealed record Fixture(Story Story, Section Section, Author[] Authors, Tag[] Tags, Image Image, Story[] Siblings, IHtmlDocument Page);

    private async Task<Fixture> FullStoryAsync(Section? section = null)
    {
        await EnsureKolkataAsync();
        section ??= await app.Content.SectionAsync();
        var authors = new[] { await app.Content.AuthorAsync(), await app.Content.AuthorAsync() };
        var tags = new[] { await app.Content.TagAsync(), await app.Content.TagAsync() };
        var image = await app.Content.ImageAsync();
        var siblings = (await app.Content.StoriesAsync(section, 2)).ToArray();
        var story = await app.Content.StoryAsync(section, new StorySpec
        {
            Authors = authors,
            Tags = tags,
            Paragraphs = 12,
            PublishedAt = Published,
            UpdatedAt = Updated,
            LeadImage = image,
            LeadImageAlt = "Crowds gather on the riverfront",
            Standfirst = "\"We will rebuild,\" the mayor said on Friday.",
            Attribution = "With inputs from agencies",
        });
        await app.Content.CurateAsync("top", siblings[0]);
        return new Fixture(story, section, authors, tags, image, siblings, await app.PageAsync(story.Path));
    }

    private async Task EnsureKolkataAsync()
    {
        if (app.Content.CurrentSettings.TimeZone != "Asia/Kolkata")
        {
            await app.Content.SettingsAsync(s => s with { TimeZone = "Asia/Kolkata" });
        }
    }

    [DatabaseFact]
    public async Task The_page_has_one_headline_inside_the_story()
    {
        var f = await FullStoryAsync();

        var h1 = f.Page.One("h1");
        Assert.True(h1.ClassList.Contains("headline"), "the h1 is h1.headline");
        Assert.NotNull(h1.Closest("article.story"));
        Assert.Equal(f.Story.Headline, h1.Text());
        f.Page.One("main#main article.story");
    }

    [DatabaseFact]
    public async Task Breadcrumb_leads_from_home_through_the_section_to_the_headline()
    {
        var f = await FullStoryAsync();

        var crumb = f.Page.One("nav.breadcrumb");
        Assert.Equal("Breadcrumb", crumb.GetAttribute("aria-label"));
        var items = crumb.QuerySelectorAll("ol > li");
        Assert.Equal(3, items.Length);
        Assert.Equal("/", Html.PathOf(items[0].One("a").GetAttribute("href")));
        Assert.Equal($"/{f.Section.Slug}", Html.PathOf(items[1].One("a").GetAttribute("href")));
        Assert.Contains(f.Story.Headline, items[2].Text(), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Breadcrumb_of_a_sub_section_story_names_both_sections()
    {
        var parent = await app.Content.SectionAsync();
        var sub = await app.Content.SectionAsync(parent);
        var story = await app.Content.StoryAsync(sub);

        var page = await app.PageAsync(story.Path);

        var items = page.One("nav.breadcrumb").QuerySelectorAll("ol > li");
        Assert.Equal(4, items.Length);
        Assert.Equal($"/{parent.Slug}", Html.PathOf(items[1].One("a").GetAttribute("href")));
        Assert.Equal($"/{parent.Slug}/{sub.Slug}", Html.PathOf(items[2].One("a").GetAttribute("href")));
    }

    [DatabaseFact]
    public async Task Byline_links_each_author_to_their_page_in_order()
    {
        var f = await FullStoryAsync();

        var byline = f.Page.One("article.story .byline");
        Assert.Equal(f.Authors.Select(a => $"/author/{a.Slug}"), byline.LinkPaths("a[rel=author]"));
    }

    [DatabaseFact]
    public async Task A_desk_story_names_the_desk_in_the_byline()
    {
        var section = await app.Content.SectionAsync();
        var desk = await app.Content.DeskAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec { Authors = [desk] });

        var page = await app.PageAsync(story.Path);

        Assert.Contains(desk.Name, page.One("article.story .byline").Text(), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Dateline_shows_the_publication_time_in_IST_with_a_machine_readable_offset()
    {
        var f = await FullStoryAsync();

        var published = f.Page.One(".dateline time.published");
        Assert.Equal("2025-04-25T23:25:55+05:30", published.GetAttribute("datetime"));
        Assert.Contains("April 25, 2025, 23:25:55 IST", published.Text(), StringComparison.Ordinal);
        var updated = f.Page.One(".dateline time.updated");
        Assert.Equal("2025-04-26T09:30:00+05:30", updated.GetAttribute("datetime"));
        Assert.Contains("April 26, 2025, 09:30:00 IST", updated.Text(), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task A_story_never_updated_shows_no_updated_time()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section);

        var page = await app.PageAsync(story.Path);

        page.One(".dateline time.published[datetime]");
        Assert.Empty(page.QuerySelectorAll("time.updated"));
    }

    [DatabaseFact]
    public async Task Share_links_are_plain_links_and_copy_link_is_the_article_url()
    {
        var f = await FullStoryAsync();

        var share = f.Page.One(".share");
        foreach (var network in new[] { "a.share-whatsapp", "a.share-facebook", "a.share-x" })
        {
            var href = share.One(network).GetAttribute("href");
            Assert.False(string.IsNullOrWhiteSpace(href), $"{network} has no href");
            Assert.Contains(f.Story.Path, Uri.UnescapeDataString(href!), StringComparison.Ordinal);
        }
        Assert.Equal(f.Story.Path, Html.PathOf(share.One("a.share-copy").GetAttribute("href")));
    }

    [DatabaseFact]
    public async Task Standfirst_follows_the_headline()
    {
        var f = await FullStoryAsync();

        var standfirst = f.Page.One("p.standfirst");
        Assert.Equal("\"We will rebuild,\" the mayor said on Friday.", standfirst.Text());
    }

    [DatabaseFact]
    public async Task Calls_to_action_appear_when_switched_on()
    {
        var f = await FullStoryAsync();

        foreach (var cta in new[] { "newsletter", "membership", "preferred-source" })
        {
            f.Page.One($"aside.cta[data-cta=\"{cta}\"]");
        }
    }

    [DatabaseFact]
    public async Task Lead_figure_has_a_responsive_picture_with_alt_caption_and_credit()
    {
        var f = await FullStoryAsync();

        var figure = f.Page.One("figure.lead-figure");
        var picture = figure.One("picture");
        Assert.False(string.IsNullOrWhiteSpace(picture.One("source[type=\"image/webp\"]").GetAttribute("srcset")));
        var img = picture.One("img");
        Assert.Equal("Crowds gather on the riverfront", img.GetAttribute("alt"));
        Assert.Contains($"/media/{f.Image.Key}/", img.GetAttribute("srcset") ?? "", StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(img.GetAttribute("sizes")), "img has sizes");
        Assert.Equal("1200", img.GetAttribute("width"));
        Assert.Equal("675", img.GetAttribute("height"));
        var caption = figure.One("figcaption");
        Assert.Contains(f.Image.Caption, caption.One(".caption").Text(), StringComparison.Ordinal);
        Assert.Contains(f.Image.Credit, caption.One(".credit").Text(), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Body_carries_the_story_and_labelled_ad_breaks()
    {
        var f = await FullStoryAsync();

        var body = f.Page.One("div.story-body");
        Assert.Equal(12, body.QuerySelectorAll("p").Count(p => p.Closest("aside") is null));
        var ads = body.QuerySelectorAll("aside.ad-break");
        // 12 paragraphs with an ad after every 4th, none after the last: two breaks.
        Assert.Equal(2, ads.Length);
        var label = app.Content.CurrentSettings.Insertion.AdLabel;
        Assert.All(ads, ad => Assert.Equal(label, ad.One("p.ad-label").Text()));
        // Landmarks of the same kind carry different names, so a screen reader's list tells them apart.
        Assert.Equal(["Advertisement 1 of 2", "Advertisement 2 of 2"], ads.Select(a => a.GetAttribute("aria-label")));
        Assert.NotEqual("aside", body.Children[body.Children.Length - 1].LocalName);
    }

    [DatabaseFact]
    public async Task More_from_the_section_offers_two_other_stories_of_the_section()
    {
        var f = await FullStoryAsync();

        var box = f.Page.One("div.story-body aside.more-from");
        Assert.Contains(f.Section.Name, box.One("h2").Text(), StringComparison.Ordinal);
        var links = box.LinkPaths("a[href]").Distinct().ToList();
        Assert.Equal(2, links.Count);
        Assert.DoesNotContain(f.Story.Path, links);
        Assert.All(links, l => Assert.StartsWith($"/{f.Section.Slug}/", l, StringComparison.Ordinal));
    }

    [DatabaseFact]
    public async Task Attribution_names_the_wire_copy()
    {
        var f = await FullStoryAsync();

        Assert.Equal("With inputs from agencies", f.Page.One("p.attribution").Text());
    }

    [DatabaseFact]
    public async Task A_story_without_wire_copy_has_no_attribution()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section);

        var page = await app.PageAsync(story.Path);

        Assert.Empty(page.QuerySelectorAll("p.attribution"));
    }

    [DatabaseFact]
    public async Task Tags_link_to_their_pages()
    {
        var f = await FullStoryAsync();

        Assert.Equal(f.Tags.Select(t => $"/tag/{t.Slug}"), f.Page.One("ul.story-tags").LinkPaths("a[href^=\"/tag/\"]"));
    }

    [DatabaseFact]
    public async Task Latest_news_and_top_stories_follow_the_article()
    {
        var f = await FullStoryAsync();

        var latest = f.Page.One("section.latest-news").LinkPaths("a[href]");
        Assert.NotEmpty(latest);
        Assert.Contains(f.Siblings[1].Path, latest);
        Assert.Contains(f.Siblings[0].Path, f.Page.One("section.top-stories").LinkPaths("a[href]"));
    }

    [DatabaseFact]
    public async Task Footer_and_canonical_link_are_on_the_article()
    {
        var f = await FullStoryAsync();

        var footer = f.Page.One("footer.site-footer");
        footer.One("nav.static-pages");
        Assert.Contains("/sitemap", footer.LinkPaths("a[href]"));
        footer.One("p.copyright");
        var canonical = f.Page.One("link[rel=canonical]").GetAttribute("href");
        Assert.True(Uri.TryCreate(canonical, UriKind.Absolute, out _), $"canonical '{canonical}' is absolute");
        Assert.Equal(f.Story.Path, Html.PathOf(canonical));
    }

    [DatabaseFact]
    public async Task Structured_data_is_a_NewsArticle_that_parses_as_json()
    {
        var f = await FullStoryAsync();

        var scripts = f.Page.Some("script[type=\"application/ld+json\"]");
        var articles = scripts
            .SelectMany(s => JsonItems(JsonDocument.Parse(s.TextContent).RootElement))
            .Where(e => e.TryGetProperty("@type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "NewsArticle")
            .ToList();
        var article = Assert.Single(articles);
        Assert.Equal(f.Story.Headline, article.GetProperty("headline").GetString());
        Assert.Equal("2025-04-25T23:25:55+05:30", article.GetProperty("datePublished").GetString());
    }

    private static IEnumerable<JsonElement> JsonItems(JsonElement root) => root.ValueKind switch
    {
        JsonValueKind.Array => root.EnumerateArray().SelectMany(JsonItems),
        JsonValueKind.Object when root.TryGetProperty("@graph", out var graph) => JsonItems(graph),
        JsonValueKind.Object => [root.Clone()],
        _ => [],
    };

    [DatabaseFact]
    public async Task Old_slug_answers_301_to_the_current_url()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section);

        using var response = await app.GetAsync($"/{section.Slug}/an-earlier-headline-{story.Id}");

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(story.Path, Html.PathOf(response.Headers.Location?.OriginalString));
    }

    [DatabaseFact]
    public async Task A_url_with_the_id_alone_answers_301_to_the_current_url()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section);

        using var response = await app.GetAsync($"/{section.Slug}/{story.Id}");

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(story.Path, Html.PathOf(response.Headers.Location?.OriginalString));
    }

    [DatabaseFact]
    public async Task Unknown_article_id_answers_404()
    {
        var section = await app.Content.SectionAsync();

        using var response = await app.GetAsync($"/{section.Slug}/no-such-story-987654321");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [DatabaseFact]
    public async Task A_draft_answers_404()
    {
        var section = await app.Content.SectionAsync();
        var draft = await app.Content.StoryAsync(section, new StorySpec { Status = ArticleStatus.Draft });

        using var response = await app.GetAsync(draft.Path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [DatabaseFact]
    public async Task Body_markup_from_the_editor_cannot_run_script_on_the_page()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec
        {
            BodyMarkdown = "Safe words.\n\n<script>document.title='owned'</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n\nMore words.",
        });

        var page = await app.PageAsync(story.Path);

        var body = page.One("div.story-body");
        Assert.Empty(body.QuerySelectorAll("script"));
        Assert.DoesNotContain(body.QuerySelectorAll("*").SelectMany(e => e.Attributes), a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("javascript:", body.InnerHtml, StringComparison.OrdinalIgnoreCase);
    }
}

public sealed class ArticlePageOnSqlite(SqliteApp app) : ArticlePageTests(app), IClassFixture<SqliteApp>;

public sealed class ArticlePageOnPostgres(PostgresApp app) : ArticlePageTests(app), IClassFixture<PostgresApp>;

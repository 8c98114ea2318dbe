using AngleSharp.Dom;
using Byline.Content;
using Byline.Tests.Support;

namespace Byline.Tests.Site;

public abstract class HomePageTests(BylineApp app)
{
    private static List<string> Only(IEnumerable<string> paths, IEnumerable<Story> stories)
    {
        var wanted = stories.Select(s => s.Path).ToHashSet();
        return paths.Where(wanted.Contains).Distinct().ToList();
    }

    [DatabaseFact]
    public async Task Top_stories_follow_the_editors_order()
    {
        var section = await app.Content.SectionAsync();
        var stories = await app.Content.StoriesAsync(section, 3);
        // Editors' order is not publication order: the middle one leads, the newest is last.
        var order = new[] { stories[1], stories[0], stories[2] };
        await app.Content.CurateAsync("top", order);

        var page = await app.PageAsync("/");

        var top = page.One("section.top-stories");
        Assert.Equal(order.Select(s => s.Path), Only(top.LinkPaths("a[href]"), order));
    }

    [DatabaseFact]
    public async Task Latest_news_lists_the_newest_stories_first_after_those_top_stories_show()
    {
        var section = await app.Content.SectionAsync();
        var stories = await app.Content.StoriesAsync(section, 3);

        var page = await app.PageAsync("/");

        // Top Stories may take some (curated, or filled by importance); Latest shows the others, newest first.
        var top = page.One("section.top-stories").LinkPaths("a[href]");
        var latest = page.One("section.latest-news");
        var expected = stories.Where(s => !top.Contains(s.Path)).Select(s => s.Path).Reverse().ToList();
        Assert.Equal(expected, Only(latest.LinkPaths("a[href]"), stories));
    }

    [DatabaseFact]
    public async Task A_draft_is_not_in_latest_news()
    {
        var section = await app.Content.SectionAsync();
        var draft = await app.Content.StoryAsync(section, new StorySpec { Status = ArticleStatus.Draft });
        var published = await app.Content.StoryAsync(section);

        var page = await app.PageAsync("/");

        var links = page.One("section.latest-news").LinkPaths("a[href]").Concat(page.One("section.top-stories").LinkPaths("a[href]"));
        Assert.Contains(published.Path, links);
        Assert.DoesNotContain(page.LinkPaths("a[href]"), p => p.EndsWith($"-{draft.Id}", StringComparison.Ordinal));
    }

    [DatabaseFact]
    public async Task A_section_gets_a_block_with_its_link_and_stories()
    {
        var section = await app.Content.SectionAsync(position: -1000);
        var story = await app.Content.StoryAsync(section);

        var page = await app.PageAsync("/");

        var blocks = page.QuerySelectorAll("section")
            .Where(s => !s.ClassList.Contains("top-stories") && !s.ClassList.Contains("latest-news"))
            .Where(s => s.LinkPaths("a[href]").Contains($"/{section.Slug}"))
            .ToList();
        Assert.True(blocks.Count > 0, $"no section block links to /{section.Slug}");
        Assert.Contains(blocks, b => b.LinkPaths("a[href]").Contains(story.Path));
    }

    private static readonly string[] TrendingPaths = ["/tag/monsoon", "/tag/elections"];

    [DatabaseFact]
    public async Task Header_carries_logo_navigation_topic_hub_trending_topics_and_drawers()
    {
        var parent = await app.Content.SectionAsync();
        var child = await app.Content.SectionAsync(parent);
        var hub = TestContent.Unique("hub");
        await app.Content.SettingsAsync(s => s with
        {
            Navigation = [new MenuItem(parent.Name, $"/{parent.Slug}", [new MenuItem(child.Name, $"/{parent.Slug}/{child.Slug}")])],
            TopicHub = new LinkItem("Budget", $"/tag/{hub}"),
            // The hub's own name among the trending topics (another address) is not shown a second time.
            TrendingTopics = [new LinkItem("Monsoon", "/tag/monsoon"), new LinkItem("budget ", "/tag/budget"), new LinkItem("Elections", "/tag/elections")],
            Shows = [new LinkItem("The Evening Show", "/shows/evening")],
            Events = [new LinkItem("Budget", $"/tag/{hub}")],
        });

        var page = await app.PageAsync("/");

        var header = page.One("header.site-header");
        Assert.Equal("/", Html.PathOf(header.One("a.logo").GetAttribute("href")));
        var nav = page.One("nav.primary-nav");
        Assert.Equal("Primary", nav.GetAttribute("aria-label"));
        Assert.Contains($"/{parent.Slug}", nav.LinkPaths("ul > li > a"));
        Assert.Contains($"/{parent.Slug}/{child.Slug}", nav.LinkPaths("ul > li ul a"));
        Assert.Equal($"/tag/{hub}", Html.PathOf(page.One("a.topic-hub").GetAttribute("href")));
        Assert.Equal(TrendingPaths, page.One("nav.trending-topics").LinkPaths("a.chip"));
        foreach (var drawer in new[] { "sections", "shows", "events" })
        {
            page.One($"details.drawer[data-drawer=\"{drawer}\"]");
        }
    }

    [DatabaseFact]
    public async Task Every_page_has_skip_link_main_search_footer_and_canonical()
    {
        await app.Content.SettingsAsync(s => s with
        {
            FooterGroups = [new LinkGroup("Quick links", [new LinkItem("Newsletters", "/newsletter")])],
        });

        var page = await app.PageAsync("/");

        var skip = page.One("a.skip-link");
        Assert.Equal("#main", skip.GetAttribute("href"));
        var header = page.One("header.site-header");
        Assert.True(skip.CompareDocumentPosition(header).HasFlag(DocumentPositions.Following), "the skip link must come before the header");
        page.One("main#main");
        var search = page.One("form.site-search");
        Assert.Equal("/search", Html.PathOf(search.GetAttribute("action")));
        search.One("input[name=q]");
        var footer = page.One("footer.site-footer");
        Assert.Contains("/newsletter", footer.One(".footer-groups").LinkPaths("a[href]"));
        footer.One("nav.static-pages");
        Assert.Contains("/sitemap", footer.LinkPaths("a[href]"));
        footer.One("p.copyright");
        Assert.Equal("/", Html.PathOf(page.One("link[rel=canonical]").GetAttribute("href")));
    }
}

public sealed class HomePageOnSqlite(SqliteApp app) : HomePageTests(app), IClassFixture<SqliteApp>;

public sealed class HomePageOnPostgres(PostgresApp app) : HomePageTests(app), IClassFixture<PostgresApp>;

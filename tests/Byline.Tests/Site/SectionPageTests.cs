using System.Net;
using Byline.Tests.Support;

namespace Byline.Tests.Site;

public abstract class SectionPageTests(BylineApp app)
{
    [DatabaseFact]
    public async Task Section_page_lists_its_stories_newest_first()
    {
        var section = await app.Content.SectionAsync();
        var stories = await app.Content.StoriesAsync(section, 3);

        var page = await app.PageAsync($"/{section.Slug}");

        Assert.Equal(stories.Select(s => s.Path).Reverse(), page.StoryLinks());
        Assert.Equal($"/{section.Slug}", Html.PathOf(page.One("link[rel=canonical]").GetAttribute("href")));
    }

    [DatabaseFact]
    public async Task Section_page_leaves_out_other_sections()
    {
        var section = await app.Content.SectionAsync();
        var other = await app.Content.SectionAsync();
        var mine = await app.Content.StoryAsync(section);
        var theirs = await app.Content.StoryAsync(other);

        var links = (await app.PageAsync($"/{section.Slug}")).StoryLinks();

        Assert.Contains(mine.Path, links);
        Assert.DoesNotContain(theirs.Path, links);
    }

    [DatabaseFact]
    public async Task Sub_section_page_lists_only_its_own_stories()
    {
        var parent = await app.Content.SectionAsync();
        var sub = await app.Content.SectionAsync(parent);
        var inSub = await app.Content.StoryAsync(sub);
        var inParent = await app.Content.StoryAsync(parent);

        var page = await app.PageAsync($"/{parent.Slug}/{sub.Slug}");

        var links = page.StoryLinks();
        Assert.Contains(inSub.Path, links);
        Assert.DoesNotContain(inParent.Path, links);
        Assert.Contains(page.One("nav.breadcrumb").LinkPaths("a[href]"), p => p == $"/{parent.Slug}");
    }

    [DatabaseFact]
    public async Task Parent_section_page_includes_its_sub_sections_stories()
    {
        var parent = await app.Content.SectionAsync();
        var sub = await app.Content.SectionAsync(parent);
        var inSub = await app.Content.StoryAsync(sub);
        var inParent = await app.Content.StoryAsync(parent);

        var links = (await app.PageAsync($"/{parent.Slug}")).StoryLinks();

        Assert.Contains(inSub.Path, links);
        Assert.Contains(inParent.Path, links);
    }

    [DatabaseFact]
    public async Task A_full_page_links_to_the_next_and_page_two_shows_other_stories()
    {
        var section = await app.Content.SectionAsync();
        var size = app.Content.CurrentSettings.PageSize;
        var stories = await app.Content.StoriesAsync(section, size + 1);

        var first = await app.PageAsync($"/{section.Slug}");
        var firstLinks = first.StoryLinks();
        Assert.Equal(size, firstLinks.Count);
        Assert.Empty(first.QuerySelectorAll("nav.pagination a[rel=prev]"));
        var next = Html.PathOf(first.One("nav.pagination a[rel=next]").GetAttribute("href"), $"/{section.Slug}");

        var second = await app.PageAsync(next);
        var secondLinks = second.StoryLinks();
        Assert.Equal(new[] { stories[0].Path }, secondLinks);
        Assert.Empty(firstLinks.Intersect(secondLinks));
        Assert.Empty(second.QuerySelectorAll("nav.pagination a[rel=next]"));
        var prev = Html.PathOf(second.One("nav.pagination a[rel=prev]").GetAttribute("href"), next);
        Assert.Equal(firstLinks, (await app.PageAsync(prev)).StoryLinks());
    }

    [DatabaseFact]
    public async Task A_single_page_section_has_no_next_link()
    {
        var section = await app.Content.SectionAsync();
        await app.Content.StoriesAsync(section, 2);

        var page = await app.PageAsync($"/{section.Slug}");

        Assert.Empty(page.QuerySelectorAll("nav.pagination a[rel=next]"));
    }

    [DatabaseTheory]
    [InlineData("0", HttpStatusCode.BadRequest)]
    [InlineData("-1", HttpStatusCode.BadRequest)]
    [InlineData("abc", HttpStatusCode.BadRequest)]
    [InlineData("99999999999", HttpStatusCode.NotFound)]
    [InlineData("5001", HttpStatusCode.NotFound)]
    public async Task A_page_number_that_is_malformed_answers_400_and_one_out_of_range_404(string page, HttpStatusCode expected)
    {
        var section = await app.Content.SectionAsync();
        await app.Content.StoryAsync(section);

        using var response = await app.GetAsync($"/{section.Slug}?page={page}");

        Assert.Equal(expected, response.StatusCode);
    }

    [DatabaseFact]
    public async Task Unknown_section_answers_404()
    {
        using var response = await app.GetAsync($"/{TestContent.Unique("nosuch")}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [DatabaseFact]
    public async Task Unknown_sub_section_answers_404()
    {
        var parent = await app.Content.SectionAsync();
        using var response = await app.GetAsync($"/{parent.Slug}/{TestContent.Unique("nosuch")}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [DatabaseFact]
    public async Task A_sub_section_under_the_wrong_parent_is_not_served_there()
    {
        var parent = await app.Content.SectionAsync();
        var other = await app.Content.SectionAsync();
        var sub = await app.Content.SectionAsync(parent);

        using var response = await app.GetAsync($"/{other.Slug}/{sub.Slug}");

        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MovedPermanently,
            $"/{other.Slug}/{sub.Slug} answered {(int)response.StatusCode}");
    }
}

public sealed class SectionPageOnSqlite(SqliteApp app) : SectionPageTests(app), IClassFixture<SqliteApp>;

public sealed class SectionPageOnPostgres(PostgresApp app) : SectionPageTests(app), IClassFixture<PostgresApp>;

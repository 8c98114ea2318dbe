using Byline.Tests.Support;

namespace Byline.Tests.Site;

public abstract class StaticPageAndSitemapTests(BylineApp app)
{
    [DatabaseFact]
    public async Task A_static_page_is_linked_from_the_footer_and_opens()
    {
        var page = await app.Content.StaticPageAsync("about");

        var home = await app.PageAsync("/");
        var link = home.One("footer.site-footer nav.static-pages")
            .QuerySelectorAll("a[href]")
            .FirstOrDefault(a => a.Text() == page.Title);
        Assert.True(link is not null, $"nav.static-pages has no link to '{page.Title}'");

        var opened = await app.PageAsync(Html.PathOf(link.GetAttribute("href")));
        Assert.Equal(page.Title, opened.One("h1").Text());
        Assert.Contains("We make a newspaper.", opened.One("main#main").Text(), StringComparison.Ordinal);
        Assert.Equal("/about", Html.PathOf(opened.One("link[rel=canonical]").GetAttribute("href")));
    }

    [DatabaseFact]
    public async Task An_unknown_static_page_answers_404()
    {
        using var response = await app.GetAsync("/privacy");

        // No test writes "privacy": the footer may name it, but until the newsroom writes it there is no page.
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [DatabaseFact]
    public async Task The_html_sitemap_links_every_section_and_sub_section()
    {
        var parent = await app.Content.SectionAsync();
        var sub = await app.Content.SectionAsync(parent);

        var page = await app.PageAsync("/sitemap");

        var links = page.One("main#main").LinkPaths("a[href]");
        Assert.Contains($"/{parent.Slug}", links);
        Assert.Contains($"/{parent.Slug}/{sub.Slug}", links);
        Assert.Equal("/sitemap", Html.PathOf(page.One("link[rel=canonical]").GetAttribute("href")));
    }
}

public sealed class StaticPageAndSitemapOnSqlite(SqliteApp app) : StaticPageAndSitemapTests(app), IClassFixture<SqliteApp>;

public sealed class StaticPageAndSitemapOnPostgres(PostgresApp app) : StaticPageAndSitemapTests(app), IClassFixture<PostgresApp>;

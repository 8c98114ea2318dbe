using System.Net;
using Byline.Content;
using Byline.Tests.Support;

namespace Byline.Tests.Site;

/// <summary>Tag, author and desk pages: paginated lists of the stories listed under them.</summary>
public abstract class ListPageTests(BylineApp app)
{
    [DatabaseFact]
    public async Task Tag_page_lists_the_tagged_stories_newest_first()
    {
        var section = await app.Content.SectionAsync();
        var tag = await app.Content.TagAsync();
        var older = await app.Content.StoryAsync(section, new StorySpec { Tags = [tag], PublishedAt = TestContent.Now().AddMinutes(-10) });
        var newer = await app.Content.StoryAsync(section, new StorySpec { Tags = [tag] });
        var untagged = await app.Content.StoryAsync(section);

        var page = await app.PageAsync($"/tag/{tag.Slug}");

        Assert.Equal(new[] { newer.Path, older.Path }, page.StoryLinks());
        Assert.DoesNotContain(untagged.Path, page.StoryLinks());
        Assert.Equal($"/tag/{tag.Slug}", Html.PathOf(page.One("link[rel=canonical]").GetAttribute("href")));
    }

    [DatabaseFact]
    public async Task Tag_page_leaves_out_unpublished_stories()
    {
        var section = await app.Content.SectionAsync();
        var tag = await app.Content.TagAsync();
        var published = await app.Content.StoryAsync(section, new StorySpec { Tags = [tag] });
        var draft = await app.Content.StoryAsync(section, new StorySpec { Tags = [tag], Status = ArticleStatus.Draft });

        var links = (await app.PageAsync($"/tag/{tag.Slug}")).StoryLinks();

        Assert.Contains(published.Path, links);
        Assert.DoesNotContain(links, l => l.EndsWith($"-{draft.Id}", StringComparison.Ordinal));
    }

    [DatabaseFact]
    public async Task Tag_page_paginates()
    {
        var section = await app.Content.SectionAsync();
        var tag = await app.Content.TagAsync();
        var size = app.Content.CurrentSettings.PageSize;
        var now = TestContent.Now();
        for (var i = size; i >= 0; i--)
        {
            await app.Content.StoryAsync(section, new StorySpec { Tags = [tag], Paragraphs = 1, PublishedAt = now.AddSeconds(-1 - i) });
        }

        var first = await app.PageAsync($"/tag/{tag.Slug}");
        Assert.Equal(size, first.StoryLinks().Count);
        var next = Html.PathOf(first.One("nav.pagination a[rel=next]").GetAttribute("href"), $"/tag/{tag.Slug}");
        var second = await app.PageAsync(next);
        Assert.Single(second.StoryLinks());
        Assert.Empty(first.StoryLinks().Intersect(second.StoryLinks()));
    }

    [DatabaseFact]
    public async Task Author_page_lists_the_authors_stories_newest_first()
    {
        var section = await app.Content.SectionAsync();
        var author = await app.Content.AuthorAsync();
        var colleague = await app.Content.AuthorAsync();
        var older = await app.Content.StoryAsync(section, new StorySpec { Authors = [author, colleague], PublishedAt = TestContent.Now().AddMinutes(-10) });
        var newer = await app.Content.StoryAsync(section, new StorySpec { Authors = [author] });
        var theirs = await app.Content.StoryAsync(section, new StorySpec { Authors = [colleague] });

        var page = await app.PageAsync($"/author/{author.Slug}");

        Assert.Equal(new[] { newer.Path, older.Path }, page.StoryLinks());
        Assert.DoesNotContain(theirs.Path, page.StoryLinks());
        Assert.Contains(author.Name, page.One("h1").Text(), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Desk_page_lists_the_desks_stories()
    {
        var section = await app.Content.SectionAsync();
        var desk = await app.Content.DeskAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec { Authors = [desk] });

        var page = await app.PageAsync($"/author/{desk.Slug}");

        Assert.Equal(new[] { story.Path }, page.StoryLinks());
        Assert.Contains(desk.Name, page.One("h1").Text(), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Unknown_tag_answers_404()
    {
        using var response = await app.GetAsync($"/tag/{TestContent.Unique("nosuch")}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [DatabaseFact]
    public async Task Unknown_author_answers_404()
    {
        using var response = await app.GetAsync($"/author/{TestContent.Unique("nosuch")}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [DatabaseTheory]
    [InlineData("tag")]
    [InlineData("author")]
    public async Task A_malformed_page_number_on_a_list_answers_400(string kind)
    {
        var section = await app.Content.SectionAsync();
        var tag = await app.Content.TagAsync();
        var author = await app.Content.AuthorAsync();
        await app.Content.StoryAsync(section, new StorySpec { Tags = [tag], Authors = [author] });
        var slug = kind == "tag" ? tag.Slug : author.Slug;

        using var response = await app.GetAsync($"/{kind}/{slug}?page=-1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}

public sealed class ListPageOnSqlite(SqliteApp app) : ListPageTests(app), IClassFixture<SqliteApp>;

public sealed class ListPageOnPostgres(PostgresApp app) : ListPageTests(app), IClassFixture<PostgresApp>;

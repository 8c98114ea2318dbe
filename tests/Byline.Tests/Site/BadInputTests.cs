using System.Net;
using Byline.Tests.Support;

namespace Byline.Tests.Site;

/// <summary>Whatever a crawler or an attacker sends, the site answers 400 or 404, never a server error.</summary>
public abstract class BadInputTests(BylineApp app)
{
    [DatabaseTheory]
    [InlineData("/{section}?page=-1")]
    [InlineData("/{section}?page=abc")]
    [InlineData("/{section}?page=99999999999")]
    [InlineData("/{section}?page=0")]
    [InlineData("/{section}?page=%00")]
    [InlineData("/{section}/{sub}?page=-1")]
    [InlineData("/tag/{tag}?page=abc")]
    [InlineData("/author/{author}?page=99999999999")]
    [InlineData("/%F0%9F%98%80")]
    [InlineData("/%C0%AF")]
    [InlineData("/tag/%00")]
    [InlineData("/author/%00")]
    [InlineData("/tag/%F0%9F%98%80")]
    [InlineData("/news/x-0")]
    [InlineData("/{section}/x-0")]
    [InlineData("/{section}/x-99999999999")]
    [InlineData("/{section}/-987654321")]
    [InlineData("/{section}/%2e%2e%2f%2e%2e%2fetc%2fpasswd-987654321")]
    [InlineData("/{section}/story-%3Cscript%3E-987654321")]
    [InlineData("/{section}/a/b/c/d")]
    [InlineData("/..%2f..%2fetc%2fpasswd")]
    public async Task Bad_input_answers_400_or_404_never_a_server_error(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var path = await FillAsync(template);

        using var response = await app.GetAsync(path);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound,
            $"GET {path} answered {(int)response.StatusCode} {response.StatusCode}");
    }

    /// <summary>
    /// The id is the key of a story's URL ("-5" is an empty slug and id 5), so garbage around an id
    /// that exists may also answer 301 to the story's own address, never echoing the garbage.
    /// </summary>
    [DatabaseTheory]
    [InlineData("/news/-{id}")]
    [InlineData("/{section}/-{id}")]
    [InlineData("/%C0%AF/%C0%AF-{id}")]
    [InlineData("/{section}/%2e%2e%2f%2e%2e%2fetc%2fpasswd-{id}")]
    [InlineData("/{section}/story-%3Cscript%3E-{id}")]
    public async Task Garbage_around_a_real_story_id_answers_404_or_301_to_the_story(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section);
        var path = template.Replace("{section}", section.Slug, StringComparison.Ordinal)
            .Replace("{id}", story.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        using var response = await app.GetAsync(path);

        if (response.StatusCode == HttpStatusCode.MovedPermanently)
        {
            Assert.Equal(story.Path, Html.PathOf(response.Headers.Location?.OriginalString));
        }
        else
        {
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound,
                $"GET {path} answered {(int)response.StatusCode} {response.StatusCode}");
        }
    }

    [DatabaseFact]
    public async Task A_path_of_three_thousand_characters_answers_400_or_404()
    {
        var path = "/" + new string('a', 3000);

        using var response = await app.GetAsync(path);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.RequestUriTooLong,
            $"a 3,000-character path answered {(int)response.StatusCode}");
    }

    [DatabaseFact]
    public async Task An_article_key_of_three_thousand_characters_answers_400_or_404()
    {
        var section = await app.Content.SectionAsync();
        var path = $"/{section.Slug}/{new string('a', 3000)}-1";

        using var response = await app.GetAsync(path);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.RequestUriTooLong,
            $"a 3,000-character article key answered {(int)response.StatusCode}");
    }

    [DatabaseFact]
    public async Task A_not_found_page_is_html_with_the_site_chrome()
    {
        using var response = await app.GetAsync($"/{TestContent.Unique("nosuch")}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        page.One("header.site-header");
        page.One("footer.site-footer");
    }

    private async Task<string> FillAsync(string template)
    {
        if (!template.Contains('{', StringComparison.Ordinal))
        {
            return template;
        }
        var section = await app.Content.SectionAsync();
        var sub = await app.Content.SectionAsync(section);
        var tag = await app.Content.TagAsync();
        var author = await app.Content.AuthorAsync();
        await app.Content.StoryAsync(sub, new StorySpec { Tags = [tag], Authors = [author] });
        return template
            .Replace("{section}", section.Slug, StringComparison.Ordinal)
            .Replace("{sub}", sub.Slug, StringComparison.Ordinal)
            .Replace("{tag}", tag.Slug, StringComparison.Ordinal)
            .Replace("{author}", author.Slug, StringComparison.Ordinal);
    }
}

public sealed class BadInputOnSqlite(SqliteApp app) : BadInputTests(app), IClassFixture<SqliteApp>;

public sealed class BadInputOnPostgres(PostgresApp app) : BadInputTests(app), IClassFixture<PostgresApp>;

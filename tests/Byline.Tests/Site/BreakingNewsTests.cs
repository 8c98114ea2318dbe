using System.Net;
using Byline.Storage;
using Byline.Tests.Support;

namespace Byline.Tests.Site;

/// <summary>The breaking-news banner: put up and taken down by an editor in the newsroom, on every reader page at once.</summary>
public abstract class BreakingNewsTests(BylineApp app)
{
    private const string Page = "/newsroom/curation/breaking";

    [DatabaseFact]
    public async Task An_editor_puts_the_banner_up_every_cached_page_shows_it_and_taking_it_down_removes_it()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section);
        // Cached first: the banner must replace what readers were served.
        await app.PageAsync("/");
        await app.PageAsync(story.Path);
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var line = TestContent.Unique("Parliament passes the budget");

        using var up = await editor.SubmitAsync(Page, new Dictionary<string, string> { ["Text"] = line, ["Url"] = story.Path }, "form[data-form=breaking]");

        Assert.Equal(HttpStatusCode.Redirect, up.StatusCode);
        foreach (var path in new[] { "/", story.Path, "/" + section.Slug, "/search?q=budget" })
        {
            var banner = (await app.PageAsync(path)).One("div.breaking-banner[role=region]");
            Assert.Equal("Breaking news", banner.GetAttribute("aria-label"));
            Assert.Equal(line, banner.One("a").TextContent.Trim());
            Assert.Equal(story.Path, banner.One("a").GetAttribute("href"));
        }
        Assert.Contains(line, (await editor.PageAsync(Page)).One("[data-breaking=up]").TextContent, StringComparison.Ordinal);

        using var down = await editor.SubmitAsync(Page, new Dictionary<string, string>(), "form[data-form=breaking-remove]");

        Assert.Equal(HttpStatusCode.Redirect, down.StatusCode);
        Assert.Null((await app.PageAsync("/")).QuerySelector(".breaking-banner"));
        Assert.Null((await app.PageAsync(story.Path)).QuerySelector(".breaking-banner"));
        (await editor.PageAsync(Page)).One("[data-breaking=down]");
    }

    [DatabaseFact]
    public async Task Bad_lines_and_links_are_refused_beside_the_field_with_what_was_typed_and_contributors_cannot_post()
    {
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var hostile = "javascript:alert(1)";

        using var badLink = await editor.SubmitAsync(Page, new Dictionary<string, string> { ["Text"] = "Storm reaches the coast", ["Url"] = hostile }, "form[data-form=breaking]");
        using var tooLong = await editor.SubmitAsync(Page, new Dictionary<string, string> { ["Text"] = new string('x', 200), ["Url"] = "" }, "form[data-form=breaking]");
        using var empty = await editor.SubmitAsync(Page, new Dictionary<string, string> { ["Text"] = "  ", ["Url"] = "/news" }, "form[data-form=breaking]");

        Assert.Equal(HttpStatusCode.BadRequest, badLink.StatusCode);
        var page = await NewsroomClient.ParseAsync(badLink);
        Assert.Contains("starts with https://", page.One("[data-error-for=Url]").TextContent, StringComparison.Ordinal);
        Assert.Equal(hostile, page.One("input[name=Url]").GetAttribute("value"));
        Assert.Equal("Storm reaches the coast", page.One("input[name=Text]").GetAttribute("value"));
        Assert.Contains("160 characters", (await NewsroomClient.ParseAsync(tooLong)).One("[data-error-for=Text]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Write the line", (await NewsroomClient.ParseAsync(empty)).One("[data-error-for=Text]").TextContent, StringComparison.Ordinal);
        Assert.Null((await app.PageAsync("/")).QuerySelector(".breaking-banner"));

        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        using var refused = await contributor.PostWithTokenAsync(Page, [new("Text", "Not mine to say"), new("Url", "")]);
        Assert.True(refused.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"a contributor's post answered {(int)refused.StatusCode}");
        Assert.Null((await app.PageAsync("/")).QuerySelector(".breaking-banner"));
    }
}

public sealed class BreakingNewsOnSqlite(SqliteApp app) : BreakingNewsTests(app), IClassFixture<SqliteApp>;

public sealed class BreakingNewsOnPostgres(PostgresApp app) : BreakingNewsTests(app), IClassFixture<PostgresApp>;

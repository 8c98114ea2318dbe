using System.Globalization;
using System.Net;
using Byline.Content;
using Byline.Newsroom;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Newsroom;

/// <summary>
/// Contributors see their own stories and published ones, and what an editor shared with them;
/// other people's drafts, stories in review and embargoed scheduled stories are 404 on every route
/// that shows a story to the newsroom (list, editor, revisions, compare, previews, live desk, summary).
/// </summary>
public abstract class StoryVisibilityTests(BylineApp app)
{
    private static string N(int id) => id.ToString(CultureInfo.InvariantCulture);

    private async Task<int> StoryAsync(string headline, ArticleStatus status, int? createdBy, StoryFormat format = StoryFormat.Article)
    {
        var spec = new StorySpec
        {
            Headline = headline,
            Status = status,
            PublishedAt = status switch
            {
                ArticleStatus.Scheduled => DateTime.UtcNow.AddDays(2),
                ArticleStatus.Published => null,
                _ => null,
            },
        };
        var id = (await app.Content.StoryAsync(await app.Content.SectionAsync(), spec)).Id;
        await app.WithDbAsync(db => db.Articles.Where(a => a.Id == id)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.CreatedById, createdBy).SetProperty(a => a.Format, format)));
        return id;
    }

    private static async Task<List<int>> ListedAsync(NewsroomClient client, string token)
    {
        var page = await client.PageAsync($"/newsroom/stories?q={token}");
        return [.. page.QuerySelectorAll("tr.story-row").Select(r => int.Parse(r.GetAttribute("data-story-id")!, CultureInfo.InvariantCulture))];
    }

    private static async Task<HttpStatusCode> StatusAsync(NewsroomClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return response.StatusCode;
    }

    [DatabaseFact]
    public async Task A_contributor_lists_their_own_and_published_stories_but_not_others_drafts_or_embargoed_ones()
    {
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var token = TestContent.Unique("vis");
        var mine = await StoryAsync($"{token} mine", ArticleStatus.Draft, contributor.User!.Id);
        var published = await StoryAsync($"{token} published", ArticleStatus.Published, editor.User!.Id);
        var othersDraft = await StoryAsync($"{token} others draft", ArticleStatus.Draft, editor.User.Id);
        var inReview = await StoryAsync($"{token} in review", ArticleStatus.InReview, null);
        var embargoed = await StoryAsync($"{token} embargoed", ArticleStatus.Scheduled, editor.User.Id);

        var listed = await ListedAsync(contributor, token);
        var editorListed = await ListedAsync(editor, token);

        Assert.Equal(new[] { mine, published }.Order(), listed.Order());
        Assert.Equal(new[] { mine, published, othersDraft, inReview, embargoed }.Order(), editorListed.Order());
    }

    [DatabaseFact]
    public async Task Every_route_that_shows_a_story_answers_404_to_a_contributor_for_another_persons_draft()
    {
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var draft = N(await StoryAsync(TestContent.Unique("draft"), ArticleStatus.Draft, editor.User!.Id));
        var embargoed = N(await StoryAsync(TestContent.Unique("embargo"), ArticleStatus.Scheduled, editor.User.Id));
        var shortDraft = N(await StoryAsync(TestContent.Unique("short"), ArticleStatus.Draft, editor.User.Id, StoryFormat.ShortNews));
        var hubDraft = N(await StoryAsync(TestContent.Unique("hub"), ArticleStatus.Draft, editor.User.Id, StoryFormat.Hub));
        var liveBlog = N((await Byline.Tests.LiveBlogs.LiveBlogKit.CreateAsync(app, await app.Content.SectionAsync(), ArticleStatus.Draft, editor.User.Id)).Id);
        string[] paths =
        [
            $"/newsroom/stories/{draft}", $"/newsroom/stories/{embargoed}",
            $"/newsroom/stories/{draft}/revisions", $"/newsroom/stories/{draft}/revisions?a=1&b=1",
            $"/newsroom/stories/{draft}/preview", $"/newsroom/stories/{embargoed}/preview",
            $"/newsroom/stories/{shortDraft}/preview/short", $"/newsroom/stories/{hubDraft}/preview/hub",
            $"/newsroom/stories/{draft}/preview/web-story", $"/newsroom/stories/{draft}/preview/episode",
            $"/newsroom/stories/{liveBlog}/live",
        ];

        foreach (var path in paths)
        {
            Assert.True(await StatusAsync(contributor, path) == HttpStatusCode.NotFound, $"{path} as a contributor");
            Assert.True(await StatusAsync(editor, path) is HttpStatusCode.OK or HttpStatusCode.Redirect or HttpStatusCode.NotFound, $"{path} as an editor");
        }
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(editor, $"/newsroom/stories/{draft}/preview"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(editor, $"/newsroom/stories/{liveBlog}/live"));
        using var summary = await contributor.PostWithTokenAsync("/newsroom/stories/suggest-summary", [new("story", draft)]);
        Assert.Equal(HttpStatusCode.NotFound, summary.StatusCode);
    }

    [DatabaseFact]
    public async Task A_contributor_reads_a_published_story_but_not_its_revisions()
    {
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var published = N(await StoryAsync(TestContent.Unique("pub"), ArticleStatus.Published, editor.User!.Id));
        var mine = N(await StoryAsync(TestContent.Unique("mine"), ArticleStatus.Draft, contributor.User!.Id));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(contributor, $"/newsroom/stories/{published}"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(contributor, $"/newsroom/stories/{published}/preview"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(contributor, $"/newsroom/stories/{published}/revisions"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(contributor, $"/newsroom/stories/{mine}/revisions"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(editor, $"/newsroom/stories/{published}/revisions"));
    }

    [DatabaseFact]
    public async Task An_editor_shares_a_draft_with_a_contributor_who_can_read_but_not_change_it_until_unshared()
    {
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var token = TestContent.Unique("shared");
        var id = await StoryAsync($"{token} draft", ArticleStatus.Draft, editor.User!.Id);
        var path = $"/newsroom/stories/{N(id)}";
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(contributor, path));

        using (var share = await editor.SubmitAsync(path, new Dictionary<string, string> { ["shareWith"] = N(contributor.User!.Id) }, "form[data-form=share]"))
        {
            Assert.Equal(HttpStatusCode.Redirect, share.StatusCode);
        }

        var page = await contributor.PageAsync(path);
        page.One(".notice-readonly");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(contributor, path + "/revisions"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(contributor, path + "/preview"));
        Assert.Equal([id], await ListedAsync(contributor, token));
        using (var save = await contributor.SubmitAsync(path, new Dictionary<string, string> { ["Form.Headline"] = $"{token} changed" }, "#story-form"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, save.StatusCode);
        }
        Assert.Equal($"{token} draft", await app.WithDbAsync(db => db.Articles.Where(a => a.Id == id).Select(a => a.Headline).SingleAsync()));
        var editorPage = await editor.PageAsync(path);
        editorPage.One($"[data-panel=shares] li[data-share='{N(contributor.User.Id)}']");
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditActions.StoryShared && e.EntityId == N(id))));

        using (var unshare = await editor.SubmitAsync(path, new Dictionary<string, string>(), $"[data-panel=shares] li[data-share='{N(contributor.User.Id)}'] form"))
        {
            Assert.Equal(HttpStatusCode.Redirect, unshare.StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(contributor, path));
        Assert.Empty(await ListedAsync(contributor, token));
    }

    [DatabaseFact]
    public async Task A_contributor_cannot_share_a_story()
    {
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var mine = N(await StoryAsync(TestContent.Unique("mine"), ArticleStatus.Draft, contributor.User!.Id));
        var (other, _) = await NewsroomClient.CreateUserAsync(app, Roles.Contributor);

        using var share = await contributor.PostWithTokenAsync($"/newsroom/stories/{mine}?handler=share", [new("shareWith", N(other.Id))], $"/newsroom/stories/{mine}");

        Assert.Equal(HttpStatusCode.Forbidden, share.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.StoryShares.AnyAsync(s => s.UserId == other.Id)));
    }
}

public sealed class StoryVisibilityTestsOnSqlite(SqliteApp app) : StoryVisibilityTests(app), IClassFixture<SqliteApp>;

public sealed class StoryVisibilityTestsOnPostgres(PostgresApp app) : StoryVisibilityTests(app), IClassFixture<PostgresApp>;

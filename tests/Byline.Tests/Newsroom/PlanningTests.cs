using System.Globalization;
using System.Net;
using Byline.Content;
using Byline.Newsroom;
using Byline.Storage;
using Byline.Tests.Support;

namespace Byline.Tests.Newsroom;

/// <summary>
/// The planning page (/newsroom/planning): stories by local day, and moving a scheduled story with the
/// editor's Schedule rules (editors only, a future time that exists in the zone, the version it was seen at).
/// The publication is in New York here, so local days and UTC days differ and the clocks skip an hour in March.
/// </summary>
public abstract class PlanningTests(BylineApp app)
{
    private const string Zone = "America/New_York";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private async Task<(Story Story, Section Section)> ScheduledAsync(DateTime utc, ArticleStatus status = ArticleStatus.Scheduled)
    {
        if (app.Content.CurrentSettings.TimeZone != Zone)
        {
            await app.Content.SettingsAsync(s => s with { TimeZone = Zone });
        }
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec { Status = status, PublishedAt = utc, Headline = TestContent.Unique("Planned") });
        return (story, section);
    }

    private static Dictionary<string, string> Move(string at) => new() { ["at"] = at };

    private static string Form(int id) => $"li.plan-story[data-story-id='{id.ToString(Inv)}'] form[data-plan-move]";

    [DatabaseFact]
    public async Task The_week_shows_scheduled_and_published_stories_on_their_local_day_and_only_scheduled_ones_can_be_moved()
    {
        // 01:00 UTC on July 2nd is 21:00 on July 1st in New York.
        var (scheduled, _) = await ScheduledAsync(new DateTime(2099, 7, 2, 1, 0, 0, DateTimeKind.Utc));
        var (published, _) = await ScheduledAsync(new DateTime(2099, 7, 3, 14, 0, 0, DateTimeKind.Utc), ArticleStatus.Published);
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);

        var week = await editor.PageAsync("/newsroom/planning?view=week&date=2099-07-01");

        Assert.Equal(7, week.QuerySelectorAll("li.plan-day").Length);
        Assert.Equal("2099-06-29", week.QuerySelectorAll("li.plan-day")[0].GetAttribute("data-day"));
        var card = week.One($"li.plan-day[data-day='2099-07-01'] li.plan-story[data-story-id='{scheduled.Id.ToString(Inv)}']");
        Assert.Equal("21:00", card.One("time").Text());
        Assert.Equal("true", card.GetAttribute("draggable"));
        Assert.Equal("2099-07-01T21:00", card.One("input[name=at]").GetAttribute("value"));
        var live = week.One($"li.plan-day[data-day='2099-07-03'] li.plan-story[data-story-id='{published.Id.ToString(Inv)}']");
        Assert.Null(live.QuerySelector("form"));
        Assert.Null(live.GetAttribute("draggable"));
        var month = await editor.PageAsync("/newsroom/planning?view=month&date=2099-07-15");
        Assert.Equal(0, month.QuerySelectorAll("li.plan-day").Length % 7);
        month.One($"li.plan-day[data-day='2099-07-01'] li.plan-story[data-story-id='{scheduled.Id.ToString(Inv)}']");
        month.One("nav.nr-nav a[href='/newsroom/planning']");
        using var bad = await editor.GetAsync("/newsroom/planning?view=year&date=2099-13-45");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [DatabaseFact]
    public async Task An_editor_moves_a_scheduled_story_and_the_local_time_is_converted_in_the_publication_zone()
    {
        var (story, _) = await ScheduledAsync(new DateTime(2099, 7, 1, 13, 30, 0, DateTimeKind.Utc));
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);

        using var moved = await editor.SubmitAsync("/newsroom/planning?date=2099-07-01", Move("2099-07-03T21:00"), Form(story.Id));

        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        Assert.Contains("date=2099-07-03", moved.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var article = await app.ArticleAsync(story.Id);
        Assert.Equal(ArticleStatus.Scheduled, article.Status);
        // 21:00 EDT is 01:00 UTC the next day.
        Assert.Equal(new DateTime(2099, 7, 4, 1, 0, 0, DateTimeKind.Utc), DateTime.SpecifyKind(article.PublishedAt!.Value, DateTimeKind.Utc));
        var week = await editor.PageAsync("/newsroom/planning?date=2099-07-03");
        week.One($"li.plan-day[data-day='2099-07-03'] li.plan-story[data-story-id='{story.Id.ToString(Inv)}']");
        // In winter the same wall time is five hours behind UTC, not four.
        using var winter = await editor.SubmitAsync("/newsroom/planning?date=2099-07-03", Move("2099-12-01T09:00"), Form(story.Id));
        Assert.Equal(HttpStatusCode.Redirect, winter.StatusCode);
        Assert.Equal(new DateTime(2099, 12, 1, 14, 0, 0, DateTimeKind.Utc), DateTime.SpecifyKind((await app.ArticleAsync(story.Id)).PublishedAt!.Value, DateTimeKind.Utc));
    }

    [DatabaseFact]
    public async Task A_time_that_has_passed_or_that_the_clocks_skip_is_refused_beside_the_story_and_nothing_changes()
    {
        var at = new DateTime(2099, 3, 4, 15, 0, 0, DateTimeKind.Utc);
        var (story, _) = await ScheduledAsync(at);
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);

        using var past = await editor.SubmitAsync("/newsroom/planning?date=2099-03-04", Move("2001-01-01T10:00"), Form(story.Id));
        // 02:30 on March 8th 2099 does not exist in New York (clocks go from 02:00 to 03:00).
        using var skipped = await editor.SubmitAsync("/newsroom/planning?date=2099-03-04", Move("2099-03-08T02:30"), Form(story.Id));
        using var garbage = await editor.SubmitAsync("/newsroom/planning?date=2099-03-04", Move("next tuesday"), Form(story.Id));

        foreach (var response in new[] { past, skipped, garbage })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var page = await NewsroomClient.ParseAsync(response);
            Assert.Equal(story.Id.ToString(Inv), page.One("[data-plan-error]").GetAttribute("data-plan-error"));
            Assert.False(string.IsNullOrWhiteSpace(page.One("[data-plan-error]").Text()));
        }
        var skippedPage = await NewsroomClient.ParseAsync(skipped);
        Assert.Contains("skip", skippedPage.One("[data-plan-error]").Text(), StringComparison.Ordinal);
        Assert.Equal("2099-03-08T02:30", skippedPage.One(Form(story.Id) + " input[name=at]").GetAttribute("value"));
        Assert.Equal(at, DateTime.SpecifyKind((await app.ArticleAsync(story.Id)).PublishedAt!.Value, DateTimeKind.Utc));
    }

    [DatabaseFact]
    public async Task A_contributor_cannot_move_a_story_and_sees_no_move_control()
    {
        var at = new DateTime(2099, 8, 5, 12, 0, 0, DateTimeKind.Utc);
        var (story, _) = await ScheduledAsync(at);
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var version = (await editor.PageAsync("/newsroom/planning?date=2099-08-05")).One(Form(story.Id) + " input[name=version]").GetAttribute("value")!;
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);

        var page = await contributor.PageAsync("/newsroom/planning?date=2099-08-05");
        using var post = await contributor.PostWithTokenAsync("/newsroom/planning?handler=move",
            new Dictionary<string, string> { ["id"] = story.Id.ToString(Inv), ["version"] = version, ["at"] = "2099-08-06T10:00" }, "/newsroom/planning");

        // Another person's scheduled story is not shown to a contributor at all (an embargo), and the post is refused.
        Assert.Null(page.QuerySelector($"li.plan-story[data-story-id='{story.Id.ToString(Inv)}']"));
        Assert.Empty(page.QuerySelectorAll("form[data-plan-move]"));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal(at, DateTime.SpecifyKind((await app.ArticleAsync(story.Id)).PublishedAt!.Value, DateTimeKind.Utc));
    }

    [DatabaseFact]
    public async Task A_move_from_a_stale_plan_is_a_conflict_and_keeps_the_other_change()
    {
        var (story, _) = await ScheduledAsync(new DateTime(2099, 9, 9, 12, 0, 0, DateTimeKind.Utc));
        using var first = await NewsroomClient.SignInAsync(app, Roles.Editor);
        using var second = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var stale = await second.PageAsync("/newsroom/planning?date=2099-09-09");
        var staleVersion = stale.One(Form(story.Id) + " input[name=version]").GetAttribute("value")!;

        using var moved = await first.SubmitAsync("/newsroom/planning?date=2099-09-09", Move("2099-09-10T08:00"), Form(story.Id));
        using var late = await second.PostWithTokenAsync("/newsroom/planning?handler=move",
            new Dictionary<string, string> { ["id"] = story.Id.ToString(Inv), ["version"] = staleVersion, ["at"] = "2099-09-11T08:00", ["date"] = "2099-09-09" }, "/newsroom/planning");

        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        var page = await NewsroomClient.ParseAsync(late);
        Assert.Contains("changed this story", page.One("[data-plan-error]").Text(), StringComparison.Ordinal);
        // 08:00 EDT = 12:00 UTC: the first move stands.
        Assert.Equal(new DateTime(2099, 9, 10, 12, 0, 0, DateTimeKind.Utc), DateTime.SpecifyKind((await app.ArticleAsync(story.Id)).PublishedAt!.Value, DateTimeKind.Utc));
        // The plan it answers with carries the current version, so moving again goes through.
        var current = page.One(Form(story.Id) + " input[name=version]").GetAttribute("value");
        Assert.NotEqual(staleVersion, current);
    }

    [DatabaseFact]
    public async Task A_bad_slug_in_the_editor_is_refused_beside_the_field_and_the_typed_slug_is_kept()
    {
        var (story, _) = await ScheduledAsync(new DateTime(2099, 10, 1, 12, 0, 0, DateTimeKind.Utc), ArticleStatus.Draft);
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);

        using var response = await editor.SubmitAsync($"/newsroom/stories/{story.Id.ToString(Inv)}",
            new Dictionary<string, string> { ["Form.Slug"] = "Not A Slug!", ["act"] = "save" }, "#story-form");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await NewsroomClient.ParseAsync(response);
        Assert.False(string.IsNullOrWhiteSpace(page.One(".field-error[data-for=slug]").Text()));
        Assert.Equal("Not A Slug!", page.One("input[name='Form.Slug']").GetAttribute("value"));
        Assert.Equal(story.Slug, (await app.ArticleAsync(story.Id)).Slug);
    }
}

public sealed class PlanningOnSqlite(SqliteApp app) : PlanningTests(app), IClassFixture<SqliteApp>;

public sealed class PlanningOnPostgres(PostgresApp app) : PlanningTests(app), IClassFixture<PostgresApp>;

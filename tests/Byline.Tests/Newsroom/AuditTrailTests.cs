using System.Net;
using Byline.Newsroom;
using Byline.Storage;
using Byline.Tests.Support;

namespace Byline.Tests.Newsroom;

/// <summary>The audit trail records what people do, and admins read it filtered.</summary>
public abstract class AuditTrailTests(BylineApp app)
{
    [DatabaseFact]
    public async Task A_settings_change_appears_on_the_admin_audit_page_under_its_action()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var name = TestContent.Unique("Section");

        using (var saved = await editor.SubmitAsync("/newsroom/sections", new Dictionary<string, string> { ["Name"] = name, ["Slug"] = name.ToLowerInvariant() }, "form[data-form=new-section]"))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }

        var page = await admin.PageAsync($"/newsroom/audit?action={AuditActions.SectionSaved}");
        var rows = page.QuerySelectorAll("table[data-audit] tbody tr").ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal(AuditActions.SectionSaved, r.GetAttribute("data-action")));
        Assert.Contains(rows, r => r.TextContent.Contains(editor.Email, StringComparison.OrdinalIgnoreCase));
    }

    [DatabaseFact]
    public async Task The_audit_page_filters_by_user_and_answers_a_bad_date_without_an_error()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);

        var mine = await admin.PageAsync($"/newsroom/audit?user={Uri.EscapeDataString(admin.Email)}");
        var rows = mine.QuerySelectorAll("table[data-audit] tbody tr").ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Contains(admin.Email, r.TextContent, StringComparison.OrdinalIgnoreCase));

        using var odd = await admin.GetAsync("/newsroom/audit?from=not-a-date&to=2026-13-45");
        Assert.True((int)odd.StatusCode < 500, $"got {(int)odd.StatusCode}");
    }

    [DatabaseFact]
    public async Task The_action_filter_offers_story_live_desk_and_show_actions_before_any_is_written()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var page = await admin.PageAsync("/newsroom/audit");
        var options = page.QuerySelectorAll("#f-action option").Select(o => o.GetAttribute("value")).ToHashSet();
        Assert.Contains(Byline.Publishing.StoryAuditActions.Of(Byline.Publishing.StoryAction.Publish), options);
        Assert.Contains(Byline.Publishing.StoryAuditActions.Created, options);
        Assert.Contains(Byline.Newsroom.LiveDesk.LiveBlogAuditActions.Correct, options);
        Assert.Contains(Byline.Newsroom.Shows.ShowAuditActions.VideoUploaded, options);
    }
}

public sealed class AuditTrailTestsOnSqlite(SqliteApp app) : AuditTrailTests(app), IClassFixture<SqliteApp>;

public sealed class AuditTrailTestsOnPostgres(PostgresApp app) : AuditTrailTests(app), IClassFixture<PostgresApp>;

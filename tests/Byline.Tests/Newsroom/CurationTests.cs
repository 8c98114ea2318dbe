using System.Net;
using Byline.Content;
using Byline.Events;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Newsroom;

/// <summary>Curation and site management: what editors change, what readers then see, and what bad input gets.</summary>
public abstract class CurationTests(BylineApp app)
{
    private static Dictionary<string, string> Fields(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    private Task<long> Listen() => app.OutboxHeadAsync();

    [DatabaseFact]
    public async Task Top_stories_are_added_moved_and_removed_with_plain_forms_and_raise_home_events()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var section = await app.Content.SectionAsync();
        var first = await app.Content.StoryAsync(section);
        var second = await app.Content.StoryAsync(section);
        await app.WithDbAsync(async db => await db.CuratedItems.Where(c => c.List == "top").ExecuteDeleteAsync());
        var events = Listen();

        using (var add1 = await editor.SubmitAsync("/newsroom/curation/top", Fields(("Add", first.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))), "form[data-form=add]"))
        {
            Assert.Equal(HttpStatusCode.Redirect, add1.StatusCode);
        }
        using (var add2 = await editor.SubmitAsync("/newsroom/curation/top", Fields(("Add", second.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))), "form[data-form=add]"))
        {
            Assert.Equal(HttpStatusCode.Redirect, add2.StatusCode);
        }
        using (var up = await editor.SubmitAsync("/newsroom/curation/top", Fields(), $"[data-article='{second.Id}'] form[data-form=up]"))
        {
            Assert.Equal(HttpStatusCode.Redirect, up.StatusCode);
        }

        var order = await app.WithDbAsync(db => db.CuratedItems.Where(c => c.List == "top").OrderBy(c => c.Position).Select(c => c.ArticleId).ToListAsync());
        Assert.Equal([second.Id, first.Id], order);
        var home = await app.PageAsync("/");
        Assert.Contains(second.Path, home.LinkPaths("a"));
        {
            Assert.Contains(await app.EventsSinceAsync(await events), e => e.Keys.Contains(ContentKeys.Home) && e.Keys.Contains(ContentKeys.Settings));
        }

        using var remove = await editor.SubmitAsync("/newsroom/curation/top", Fields(), $"[data-article='{first.Id}'] form[data-form=remove]");
        Assert.Equal([second.Id], await app.WithDbAsync(db => db.CuratedItems.Where(c => c.List == "top").Select(c => c.ArticleId).ToListAsync()));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditActions.CurationSaved && e.UserId == editor.User!.Id)));
    }

    [DatabaseFact]
    public async Task Adding_an_unknown_story_shows_the_error_next_to_the_field_and_keeps_the_input()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);

        using var response = await editor.SubmitAsync("/newsroom/curation/top", Fields(("Add", "999999999")), "form[data-form=add]");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await NewsroomClient.ParseAsync(response);
        Assert.False(string.IsNullOrWhiteSpace(page.One("[data-error-for=Add]").TextContent));
        Assert.Equal("999999999", page.One("form[data-form=add] input[name=Add]").GetAttribute("value"));
    }

    [DatabaseFact]
    public async Task Calls_to_action_can_be_switched_off_and_bad_urls_are_refused_per_field()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);

        using var bad = await editor.SubmitAsync("/newsroom/curation/calls-to-action", Fields(("Membership.Url", "javascript:alert(1)")), "form[data-form=calls-to-action]");
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var page = await NewsroomClient.ParseAsync(bad);
        Assert.False(string.IsNullOrWhiteSpace(page.One("[data-error-for='Membership.Url']").TextContent));

        var token = await editor.TokenAsync("/newsroom/curation/calls-to-action");
        var s = app.Content.CurrentSettings;
        using var off = await editor.PostAsync("/newsroom/curation/calls-to-action",
        [
            new("Newsletter.Enabled", "false"), new("Newsletter.Label", s.Newsletter.Label), new("Newsletter.Text", s.Newsletter.Text), new("Newsletter.Url", s.Newsletter.Url),
            new("Membership.Enabled", "true"), new("Membership.Label", "Join"), new("Membership.Text", "Be a member"), new("Membership.Url", "/membership"),
            new("PreferredSource.Enabled", "true"), new("PreferredSource.Label", s.PreferredSource.Label), new("PreferredSource.Text", s.PreferredSource.Text), new("PreferredSource.Url", s.PreferredSource.Url),
            new(NewsroomClient.TokenField, token),
        ]);
        Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);
        Assert.False(app.Content.CurrentSettings.Newsletter.Enabled);
        Assert.Equal("Join", app.Content.CurrentSettings.Membership.Label);
    }

    [DatabaseFact]
    public async Task Settings_are_admin_only_and_refuse_an_unknown_time_zone()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var zone = app.Content.CurrentSettings.TimeZone;

        using var response = await admin.SubmitAsync("/newsroom/settings", Fields(("TimeZone", "Mars/Olympus_Mons")), "form[data-form=settings]");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        (await NewsroomClient.ParseAsync(response)).One("[data-error-for=TimeZone]");
        Assert.Equal(zone, app.Content.CurrentSettings.TimeZone);
    }

    [DatabaseFact]
    public async Task Renaming_a_section_keeps_its_old_url_answering_301()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var section = await app.Content.SectionAsync();
        var newSlug = TestContent.Unique("renamed");

        using var response = await editor.SubmitAsync("/newsroom/sections", Fields(("Name", "Renamed desk"), ("Slug", newSlug)), $"[data-section='{section.Slug}'] form[data-form=rename-section]");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.SlugRedirects.AnyAsync(r => r.Kind == RedirectKind.Section && r.OldSlug == section.Slug && r.TargetId == section.Id)));
        // A client that shows the 301 itself rather than following it.
        using var reader = NewsroomClient.Anonymous(app);
        using var old = await reader.GetAsync("/" + section.Slug);
        Assert.Equal(HttpStatusCode.MovedPermanently, old.StatusCode);
        Assert.Equal("/" + newSlug, Html.PathOf(old.Headers.Location!.ToString()));
    }

    [DatabaseFact]
    public async Task A_duplicate_or_empty_section_is_refused_next_to_the_field()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var existing = await app.Content.SectionAsync();
        var count = await app.WithDbAsync(db => db.Sections.CountAsync());

        using var duplicate = await editor.SubmitAsync("/newsroom/sections", Fields(("Name", "Anything"), ("Slug", existing.Slug)), "form[data-form=new-section]");
        using var empty = await editor.SubmitAsync("/newsroom/sections", Fields(("Name", " "), ("Slug", "")), "form[data-form=new-section]");

        Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
        Assert.Equal(existing.Slug, (await NewsroomClient.ParseAsync(duplicate)).One("form[data-form=new-section] input[name=Slug]").GetAttribute("value"));
        (await NewsroomClient.ParseAsync(duplicate)).One("form[data-form=new-section] [data-error-for=Slug]");
        (await NewsroomClient.ParseAsync(empty)).One("form[data-form=new-section] [data-error-for=Name]");
        Assert.Equal(count, await app.WithDbAsync(db => db.Sections.CountAsync()));
    }

    [DatabaseFact]
    public async Task Renaming_a_tag_redirects_the_old_tag_url_and_raises_its_key()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var tag = await app.Content.TagAsync();
        var events = Listen();
        var newSlug = TestContent.Unique("tag-new");

        using var response = await editor.SubmitAsync($"/newsroom/tags?q={tag.Slug}", Fields(("Name", "New name"), ("Slug", newSlug)), $"[data-tag='{tag.Slug}'] form[data-form=rename-tag]");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(newSlug, await app.WithDbAsync(db => db.Tags.Where(t => t.Id == tag.Id).Select(t => t.Slug).SingleAsync()));
        using var reader = NewsroomClient.Anonymous(app);
        using var old = await reader.GetAsync("/tag/" + tag.Slug);
        Assert.Equal(HttpStatusCode.MovedPermanently, old.StatusCode);
        {
            Assert.Contains(await app.EventsSinceAsync(await events), e => e.Keys.Contains(ContentKeys.Tag(tag.Id)));
        }
    }

    [DatabaseFact]
    public async Task An_author_gets_a_bio_and_a_photo_from_the_library()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var author = await app.Content.AuthorAsync();
        var image = await app.Content.ImageAsync();

        using var response = await editor.SubmitAsync($"/newsroom/authors?id={author.Id}",
            Fields(("Bio", "Covers courts."), ("PhotoImageId", image.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))), "form[data-form=author]");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var saved = await app.WithDbAsync(db => db.Authors.SingleAsync(a => a.Id == author.Id));
        Assert.Equal("Covers courts.", saved.Bio);
        Assert.Equal(image.Id, saved.PhotoImageId);
    }

    [DatabaseFact]
    public async Task A_static_page_is_saved_from_markdown_and_shown_on_the_site()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var marker = TestContent.Unique("marker");

        using var response = await editor.SubmitAsync("/newsroom/pages?slug=privacy",
            Fields(("PageTitle", "Privacy policy"), ("Body", $"## What we keep\n\n{marker} <script>alert(1)</script>")), "form[data-form=page]");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        using var page = await app.GetAsync("/privacy");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains(marker, html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
    }
}

public sealed class CurationTestsOnSqlite(SqliteApp app) : CurationTests(app), IClassFixture<SqliteApp>;

public sealed class CurationTestsOnPostgres(PostgresApp app) : CurationTests(app), IClassFixture<PostgresApp>;

using System.Net;
using System.Text.Json;
using Byline.Content;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Support;

namespace Byline.Tests.Newsroom;

public abstract class StoryEditorPageTests(BylineApp app)
{
    private static Dictionary<string, string> Fields(Section section, string headline, string act = "save") => new()
    {
        ["Form.Headline"] = headline,
        ["Form.Slug"] = "",
        ["Form.Standfirst"] = "A standfirst the writer typed.",
        ["Form.Body"] = "First paragraph.\n\nSecond paragraph.",
        ["Form.SectionId"] = section.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Form.Tags"] = "",
        ["act"] = act,
    };

    private static async Task<int> CreateAsync(NewsroomClient client, Section section, string headline)
    {
        using var response = await client.SubmitAsync("/newsroom/stories/new", Fields(section, headline), "#story-form");
        Assert.True(response.StatusCode == HttpStatusCode.Redirect,
            $"creating a story answered {(int)response.StatusCode}: {string.Join(" | ", (await NewsroomClient.ParseAsync(response)).QuerySelectorAll(".field-error, .form-errors").Select(e => e.TextContent.Trim()).Where(t => t.Length > 0))}");
        return int.Parse(NewsroomClient.LocationPath(response).Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
    }

    [DatabaseFact]
    public async Task A_contributor_posting_publish_or_schedule_is_refused_with_403()
    {
        var section = await app.Content.SectionAsync();
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var id = await CreateAsync(contributor, section, "Contributor story " + Guid.NewGuid().ToString("N")[..8]);

        using var publish = await contributor.SubmitAsync($"/newsroom/stories/{id}", new Dictionary<string, string> { ["act"] = "publish" }, "#story-form");
        using var schedule = await contributor.SubmitAsync($"/newsroom/stories/{id}",
            new Dictionary<string, string> { ["act"] = "schedule", ["Form.ScheduleAt"] = "2099-01-01T10:00" }, "#story-form");

        Assert.Equal(HttpStatusCode.Forbidden, publish.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, schedule.StatusCode);
        Assert.Equal(ArticleStatus.Draft, (await app.ArticleAsync(id)).Status);
        var page = await contributor.PageAsync($"/newsroom/stories/{id}");
        Assert.Null(page.QuerySelector("button.act-publish"));
    }

    [DatabaseFact]
    public async Task A_contributor_submits_and_an_editor_publishes_to_the_reader_site()
    {
        var section = await app.Content.SectionAsync();
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var headline = "Flood waters recede " + Guid.NewGuid().ToString("N")[..8];
        var id = await CreateAsync(contributor, section, headline);

        using var submit = await contributor.SubmitAsync($"/newsroom/stories/{id}", new Dictionary<string, string> { ["act"] = "submit" }, "#story-form");
        Assert.Equal(HttpStatusCode.Redirect, submit.StatusCode);
        Assert.Equal(ArticleStatus.InReview, (await app.ArticleAsync(id)).Status);
        var review = await editor.PageAsync("/newsroom/stories?status=InReview");
        review.One($"tr.story-row[data-story-id='{id}']");

        using var publish = await editor.SubmitAsync($"/newsroom/stories/{id}", new Dictionary<string, string> { ["act"] = "publish" }, "#story-form");

        Assert.Equal(HttpStatusCode.Redirect, publish.StatusCode);
        var article = await app.ArticleAsync(id);
        Assert.Equal(ArticleStatus.Published, article.Status);
        var path = Slugs.ArticlePath(section.Slug, article.Slug, id);
        Assert.Equal(headline, (await app.PageAsync(path)).One("h1.headline").Text());
    }

    [DatabaseFact]
    public async Task The_second_of_two_saves_gets_the_conflict_page_with_both_versions_and_keeps_its_text()
    {
        var section = await app.Content.SectionAsync();
        using var first = await NewsroomClient.SignInAsync(app, Roles.Editor);
        using var second = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var id = await CreateAsync(first, section, "Original headline " + Guid.NewGuid().ToString("N")[..8]);
        // Both open the story at the same version.
        var formOfSecond = await second.PageAsync($"/newsroom/stories/{id}");
        var staleVersion = formOfSecond.One("#story-version").GetAttribute("value")!;

        using var saved = await first.SubmitAsync($"/newsroom/stories/{id}", new Dictionary<string, string> { ["Form.Headline"] = "Their headline", ["act"] = "save" }, "#story-form");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var mine = Fields(section, "My headline");
        mine["Form.Body"] = "My own paragraph that must not be lost.";
        mine["Form.Version"] = staleVersion;
        using var conflict = await second.SubmitAsync($"/newsroom/stories/{id}", mine, "#story-form");

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var page = await NewsroomClient.ParseAsync(conflict);
        var diff = page.One("section.conflict table.diff");
        Assert.Contains("Their headline", diff.Text(), StringComparison.Ordinal);
        Assert.Contains("My headline", diff.Text(), StringComparison.Ordinal);
        Assert.NotEmpty(diff.QuerySelectorAll("ins"));
        Assert.Equal("My headline", page.One("#story-form input[name='Form.Headline']").GetAttribute("value"));
        Assert.Contains("My own paragraph", page.One("#story-form textarea[name='Form.Body']").TextContent, StringComparison.Ordinal);
        Assert.Equal("Their headline", (await app.ArticleAsync(id)).Headline);
        var newVersion = page.One("#story-version").GetAttribute("value");
        Assert.NotEqual(staleVersion, newVersion);

        // Reconciled: saving again from the conflict page (with the version it carries) goes through.
        mine["Form.Version"] = newVersion!;
        using var again = await second.PostWithTokenAsync($"/newsroom/stories/{id}", mine, $"/newsroom/stories/{id}");
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal("My headline", (await app.ArticleAsync(id)).Headline);
    }

    [DatabaseFact]
    public async Task Bad_input_shows_a_message_by_the_field_and_keeps_what_was_typed()
    {
        var section = await app.Content.SectionAsync();
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var fields = Fields(section, "");
        fields["Form.Standfirst"] = "Typed standfirst that must survive.";
        fields["Form.SectionId"] = "999999";

        using var response = await editor.SubmitAsync("/newsroom/stories/new", fields, "#story-form");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await NewsroomClient.ParseAsync(response);
        Assert.False(string.IsNullOrWhiteSpace(page.One(".field-error[data-for=headline]").TextContent));
        Assert.False(string.IsNullOrWhiteSpace(page.One(".field-error[data-for=sectionId]").TextContent));
        Assert.Equal("Typed standfirst that must survive.", page.One("textarea[name='Form.Standfirst']").TextContent.Trim());

        var id = await CreateAsync(editor, section, "Schedule me " + Guid.NewGuid().ToString("N")[..8]);
        using var past = await editor.SubmitAsync($"/newsroom/stories/{id}",
            new Dictionary<string, string> { ["act"] = "schedule", ["Form.ScheduleAt"] = "2001-01-01T10:00", ["Form.Standfirst"] = "Kept too." }, "#story-form");
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        var pastPage = await NewsroomClient.ParseAsync(past);
        Assert.False(string.IsNullOrWhiteSpace(pastPage.One(".field-error[data-for=scheduleAt]").TextContent));
        Assert.Equal("Kept too.", pastPage.One("textarea[name='Form.Standfirst']").TextContent.Trim());
        Assert.Equal(ArticleStatus.Draft, (await app.ArticleAsync(id)).Status);
    }

    [DatabaseFact]
    public async Task Autosave_keeps_one_rolling_autosave_revision_and_answers_a_conflict_with_409()
    {
        var section = await app.Content.SectionAsync();
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var id = await CreateAsync(editor, section, "Autosaved " + Guid.NewGuid().ToString("N")[..8]);
        var token = await editor.TokenAsync($"/newsroom/stories/{id}");
        var version = (await app.ArticleAsync(id)).Version;

        async Task<HttpResponseMessage> AutosaveAsync(int v, string body)
        {
            var fields = Fields(section, "Autosaved headline");
            fields["Form.Body"] = body;
            fields["Form.Version"] = v.ToString(System.Globalization.CultureInfo.InvariantCulture);
            fields[NewsroomClient.TokenField] = token;
            return await editor.PostAsync($"/newsroom/stories/{id}?handler=Autosave", fields);
        }

        using var one = await AutosaveAsync(version, "Draft one.");
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        var v1 = JsonDocument.Parse(await one.Content.ReadAsStringAsync()).RootElement.GetProperty("version").GetInt32();
        using var two = await AutosaveAsync(v1, "Draft two.");
        Assert.Equal(HttpStatusCode.OK, two.StatusCode);
        using var stale = await AutosaveAsync(version, "Stale.");

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var revisions = await app.RevisionsAsync(id);
        Assert.Equal(["create", "autosave"], revisions.Select(r => r.Action));
        Assert.Equal("Draft two.", StoryInput.FromJson(revisions[^1].Snapshot).BodyMarkdown);
        Assert.Equal("Draft two.", (await app.ArticleAsync(id)).BodyMarkdown);
    }

    [DatabaseFact]
    public async Task The_first_autosave_of_a_new_story_makes_it_a_draft_and_one_without_a_headline_is_refused_with_400()
    {
        var section = await app.Content.SectionAsync();
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var token = await contributor.TokenAsync("/newsroom/stories/new");
        var headline = "Autosaved from the first keystroke " + Guid.NewGuid().ToString("N")[..8];

        var nameless = Fields(section, "");
        nameless[NewsroomClient.TokenField] = token;
        using var refused = await contributor.PostAsync("/newsroom/stories/new?handler=Autosave", nameless);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("invalid", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());

        var fields = Fields(section, headline);
        fields["Form.Body"] = "The first words.";
        fields[NewsroomClient.TokenField] = token;
        using var created = await contributor.PostAsync("/newsroom/stories/new?handler=Autosave", fields);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var id = json.GetProperty("id").GetInt32();
        var article = await app.ArticleAsync(id);
        Assert.Equal((headline, "The first words.", ArticleStatus.Draft, json.GetProperty("version").GetInt32()),
            (article.Headline, article.BodyMarkdown, article.Status, article.Version));

        // The page goes on as that story's page: the next autosave updates the same draft.
        fields["Form.Body"] = "The first words, and more.";
        fields["Form.Version"] = article.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var next = await contributor.PostAsync($"/newsroom/stories/{id}?handler=Autosave", fields);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal("The first words, and more.", (await app.ArticleAsync(id)).BodyMarkdown);
    }

    [DatabaseFact]
    public async Task The_live_preview_is_rendered_and_sanitised_by_the_server()
    {
        var section = await app.Content.SectionAsync();
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var token = await editor.TokenAsync("/newsroom/stories/new");
        var fields = Fields(section, "x");
        fields["Form.Body"] = "**Bold** words <script>alert(1)</script> [x](javascript:alert(1))";
        fields[NewsroomClient.TokenField] = token;

        using var response = await editor.PostAsync("/newsroom/stories/new?handler=Preview", fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var html = json.GetProperty("html").GetString()!;
        Assert.Contains("<strong>Bold</strong>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.True(json.GetProperty("words").GetInt32() > 0);
    }

    [DatabaseFact]
    public async Task Revisions_compare_side_by_side_and_restore_as_a_new_revision()
    {
        var section = await app.Content.SectionAsync();
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var id = await CreateAsync(editor, section, "The mayor spoke on Friday " + Guid.NewGuid().ToString("N")[..6]);
        using var saved = await editor.SubmitAsync($"/newsroom/stories/{id}", new Dictionary<string, string> { ["Form.Headline"] = "The mayor spoke on Saturday", ["act"] = "save" }, "#story-form");

        var compare = await editor.PageAsync($"/newsroom/stories/{id}/revisions?a=1&b=2");
        var diff = compare.One("section.revision-compare table.diff");
        Assert.Contains(diff.QuerySelectorAll("del"), d => d.TextContent.Contains("Friday", StringComparison.Ordinal));
        Assert.Contains(diff.QuerySelectorAll("ins"), d => d.TextContent.Contains("Saturday", StringComparison.Ordinal));

        using var restore = await editor.SubmitAsync($"/newsroom/stories/{id}/revisions", new Dictionary<string, string>(), "form#restore-1");

        Assert.Equal(HttpStatusCode.Redirect, restore.StatusCode);
        Assert.StartsWith("The mayor spoke on Friday", (await app.ArticleAsync(id)).Headline, StringComparison.Ordinal);
        var list = await editor.PageAsync($"/newsroom/stories/{id}/revisions");
        Assert.Equal(3, list.QuerySelectorAll("tr.revision").Length);
        list.One("tr.revision[data-action='restore of 1']");
    }

    [DatabaseFact]
    public async Task The_preview_shows_a_draft_as_the_reader_page_to_the_newsroom_only()
    {
        var section = await app.Content.SectionAsync();
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        var headline = "Draft preview " + Guid.NewGuid().ToString("N")[..8];
        var id = await CreateAsync(editor, section, headline);

        var preview = await editor.PageAsync($"/newsroom/stories/{id}/preview");
        using var anonymous = NewsroomClient.Anonymous(app);
        using var outsider = await anonymous.GetAsync($"/newsroom/stories/{id}/preview");

        Assert.Equal(headline, preview.One("article.story h1.headline").Text());
        Assert.Contains("noindex", preview.One("meta[name=robots]").GetAttribute("content"), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, outsider.StatusCode);
    }

    [DatabaseFact]
    public async Task The_story_list_filters_by_status_section_and_headline()
    {
        var section = await app.Content.SectionAsync();
        var other = await app.Content.SectionAsync();
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var word = Guid.NewGuid().ToString("N")[..8];
        var mine = await CreateAsync(editor, section, $"Budget {word} passes");
        var elsewhere = await CreateAsync(editor, other, $"Budget {word} fails");

        var bySection = await editor.PageAsync($"/newsroom/stories?section={section.Id}&q={word}");
        var byStatus = await editor.PageAsync($"/newsroom/stories?status=Published&q={word}");
        var byHeadline = await editor.PageAsync($"/newsroom/stories?q={word}+passes");

        Assert.Equal([mine.ToString(System.Globalization.CultureInfo.InvariantCulture)], bySection.QuerySelectorAll("tr.story-row").Select(r => r.GetAttribute("data-story-id")));
        Assert.Empty(byStatus.QuerySelectorAll("tr.story-row"));
        Assert.Single(byHeadline.QuerySelectorAll("tr.story-row"));
        var all = await editor.PageAsync($"/newsroom/stories?q={word}");
        Assert.Equal([elsewhere, mine], all.QuerySelectorAll("tr.story-row").Select(r => int.Parse(r.GetAttribute("data-story-id")!, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [DatabaseFact]
    public async Task The_story_list_takes_any_day_of_the_calendar_as_a_date_range()
    {
        var section = await app.Content.SectionAsync();
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);
        var word = Guid.NewGuid().ToString("N")[..8];
        var id = await CreateAsync(editor, section, $"Harvest {word} begins");

        // The calendar's first and last days once failed the page (the day after the last one does not exist).
        var everything = await editor.PageAsync($"/newsroom/stories?from=0001-01-01&to=9999-12-31&q={word}");
        var future = await editor.PageAsync($"/newsroom/stories?from=9999-12-31&q={word}");

        Assert.Equal([id], everything.QuerySelectorAll("tr.story-row").Select(r => int.Parse(r.GetAttribute("data-story-id")!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Empty(future.QuerySelectorAll("tr.story-row"));
    }
}

public sealed class StoryEditorPageOnSqlite(SqliteApp app) : StoryEditorPageTests(app), IClassFixture<SqliteApp>;

public sealed class StoryEditorPageOnPostgres(PostgresApp app) : StoryEditorPageTests(app), IClassFixture<PostgresApp>;

using System.Net;
using System.Net.Http.Json;
using AngleSharp.Html.Dom;
using Byline.Content;
using Byline.Events;
using Byline.Newsroom;
using Byline.Newsroom.Curation;
using Byline.Storage;
using Byline.Tests.Support;

namespace Byline.Tests.Newsroom;

/// <summary>
/// Menus, footer groups and trending topics edited as rows (docs/newsroom-accounts.md, "Menus, footer and
/// trending topics"): what the plain form saves, what readers then see, what bad rows get, and the link picker.
/// </summary>
public abstract class LinkListTests(BylineApp app)
{
    private static KeyValuePair<string, string> F(string name, string value) => new(name, value);

    /// <summary>The fields of links in group <paramref name="g"/>: (label, url) pairs at Groups[g].Links[i].</summary>
    private static IEnumerable<KeyValuePair<string, string>> Links(int g, params (string Label, string Url)[] links) =>
        links.SelectMany((l, i) => new[] { F($"Groups[{g}].Links[{i}].Label", l.Label), F($"Groups[{g}].Links[{i}].Url", l.Url) });

    private static async Task<HttpResponseMessage> PostAsync(NewsroomClient editor, string kind, IEnumerable<KeyValuePair<string, string>> fields) =>
        await editor.PostWithTokenAsync("/newsroom/curation/" + kind, fields, tokenFrom: "/newsroom/curation/" + kind);

    private static string? Value(IHtmlDocument page, string name) => page.One($"form[data-form=links] input[name='{name}']").GetAttribute("value");

    private static string ErrorText(IHtmlDocument page, string name) => page.One($"form[data-form=links] [data-error-for='{name}']").TextContent.Trim();

    [DatabaseFact]
    public async Task A_menu_posted_as_rows_is_saved_in_order_and_the_cached_site_header_shows_it_at_once()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var world = TestContent.Unique("World");
        // The home page is in the output cache with the menu as it was.
        await app.PageAsync("/");
        var events = await app.OutboxHeadAsync();

        using var response = await PostAsync(editor, "menus",
        [
            F("Groups[0].Label", world), F("Groups[0].Url", "/world"),
            .. Links(0, ("Asia", "/world/asia"), ("", ""), ("Europe", "/world/europe")),
            F("Groups[1].Label", "Opinion"), F("Groups[1].Url", "/opinion"),
            F("Groups[2].Label", ""), F("Groups[2].Url", ""), .. Links(2, ("", "")),
            F("Groups[3].Label", "Partner"), F("Groups[3].Url", "https://partner.example.org/news"),
        ]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var nav = app.Content.CurrentSettings.Navigation;
        Assert.Equal([world, "Opinion", "Partner"], nav.Select(m => m.Label));
        Assert.Equal(["/world/asia", "/world/europe"], nav[0].Items.Select(c => c.Url));
        Assert.Null(nav[1].Children);
        Assert.Contains(await app.EventsSinceAsync(events), e => e.Keys.Contains(ContentKeys.Settings));
        var home = await app.PageAsync("/");
        Assert.Equal(["/world", "/world/asia", "/world/europe", "/opinion", "https://partner.example.org/news"], home.Some("nav.primary-nav a").Select(a => a.GetAttribute("href")));
        Assert.Equal(world, home.Some("nav.primary-nav a")[0].TextContent.Trim());
    }

    [DatabaseFact]
    public async Task Footer_groups_and_trending_topics_posted_as_rows_show_on_the_reader_site_in_order()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var heading = TestContent.Unique("Quick links");
        var chip = TestContent.Unique("Monsoon");

        using (var footer = await PostAsync(editor, "footer",
        [
            F("Groups[0].Label", heading), .. Links(0, ("About us", "/about"), ("Contact", "/contact")),
            F("Groups[1].Label", "Sister sites"), .. Links(1, ("Byline Sport", "https://sport.example.org/")),
        ]))
        {
            Assert.Equal(HttpStatusCode.Redirect, footer.StatusCode);
        }
        using (var trending = await PostAsync(editor, "trending", Links(0, (chip, "/tag/monsoon"), ("Budget", "/events/budget"), ("", ""))))
        {
            Assert.Equal(HttpStatusCode.Redirect, trending.StatusCode);
        }

        var home = await app.PageAsync("/");
        var groups = home.Some("footer .footer-groups section");
        Assert.Equal([heading, "Sister sites"], groups.Select(s => s.One("h2").TextContent.Trim()));
        Assert.Equal(["/about", "/contact"], groups[0].LinkPaths("a"));
        Assert.Equal([chip, "Budget"], home.Some("nav.trending-topics a.chip").Select(a => a.TextContent.Trim()).Take(2));
        Assert.Equal(["/tag/monsoon", "/events/budget"], app.Content.CurrentSettings.TrendingTopics.Select(t => t.Url));
    }

    [DatabaseFact]
    public async Task The_form_shows_the_saved_list_as_labelled_rows_with_a_blank_row_to_add_one()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var label = TestContent.Unique("India");
        // Saved before the rows existed, as every site's menu was: the form reads the same settings.
        await app.Content.SettingsAsync(s => s with
        {
            Navigation = [new MenuItem(label, "/india", [new MenuItem("Delhi", "/india/delhi")]), new MenuItem("Tech", "/tech")],
        });

        var page = await editor.PageAsync("/newsroom/curation/menus");

        Assert.Equal(label, Value(page, "Groups[0].Label"));
        Assert.Equal("/india", Value(page, "Groups[0].Url"));
        Assert.Equal("/india/delhi", Value(page, "Groups[0].Links[0].Url"));
        Assert.Equal("", Value(page, "Groups[0].Links[1].Label") ?? "");
        Assert.Equal("Tech", Value(page, "Groups[1].Label"));
        Assert.Equal("", Value(page, "Groups[2].Label") ?? "");
        foreach (var input in page.Some("form[data-form=links] input[type=text]"))
        {
            Assert.NotNull(page.QuerySelector($"label[for='{input.Id}']"));
        }
        Assert.NotNull(page.QuerySelector("form[data-form=links] button[name=Op][value='up:0:0'][disabled]"));
        Assert.NotNull(page.QuerySelector("form[data-form=links] button[name=Op][value='down:0']:not([disabled])"));
    }

    [DatabaseFact]
    public async Task A_javascript_link_is_refused_beside_its_field_every_typed_row_is_kept_and_nothing_is_saved()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var before = app.Content.CurrentSettings.Navigation;
        var label = TestContent.Unique("World");

        using var response = await PostAsync(editor, "menus",
        [
            F("Groups[0].Label", label), F("Groups[0].Url", "/world"),
            .. Links(0, ("Asia", "/world/asia"), ("Trap", "javascript:alert(1)")),
            F("Groups[1].Label", "Evil"), F("Groups[1].Url", "//evil.example/"),
        ]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await NewsroomClient.ParseAsync(response);
        Assert.NotEmpty(ErrorText(page, "Groups[0].Links[1].Url"));
        Assert.NotEmpty(ErrorText(page, "Groups[1].Url"));
        Assert.Empty(ErrorText(page, "Groups[0].Links[0].Url"));
        Assert.Equal("true", page.One("input[name='Groups[0].Links[1].Url']").GetAttribute("aria-invalid"));
        page.One("[data-error-summary]");
        Assert.Equal("javascript:alert(1)", Value(page, "Groups[0].Links[1].Url"));
        Assert.Equal("Trap", Value(page, "Groups[0].Links[1].Label"));
        Assert.Equal(label, Value(page, "Groups[0].Label"));
        Assert.Equal("//evil.example/", Value(page, "Groups[1].Url"));
        Assert.Same(before, app.Content.CurrentSettings.Navigation);
    }

    [DatabaseFact]
    public async Task A_link_without_a_label_a_label_without_a_link_and_a_group_without_a_heading_are_refused_beside_their_fields()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var before = app.Content.CurrentSettings.FooterGroups;

        using var response = await PostAsync(editor, "footer",
        [
            F("Groups[0].Label", "Quick links"), .. Links(0, ("", "/about"), ("Contact", "")),
            F("Groups[1].Label", ""), .. Links(1, ("Orphan", "/orphan")),
        ]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await NewsroomClient.ParseAsync(response);
        Assert.NotEmpty(ErrorText(page, "Groups[0].Links[0].Label"));
        Assert.NotEmpty(ErrorText(page, "Groups[0].Links[1].Url"));
        Assert.NotEmpty(ErrorText(page, "Groups[1].Label"));
        Assert.Equal("/about", Value(page, "Groups[0].Links[0].Url"));
        Assert.Equal("Orphan", Value(page, "Groups[1].Links[0].Label"));
        Assert.Same(before, app.Content.CurrentSettings.FooterGroups);
    }

    [DatabaseFact]
    public async Task Too_many_topics_and_a_label_too_long_are_refused_and_the_rows_kept()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var before = app.Content.CurrentSettings.TrendingTopics;
        var topics = Enumerable.Range(1, LinkListKind.Trending.MaxLinks + 1).Select(i => ($"Topic {i}", $"/tag/topic-{i}")).ToArray();
        topics[3] = (new string('x', SiteLinks.MaxLabel + 1), "/tag/long");

        using var response = await PostAsync(editor, "trending", Links(0, topics));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await NewsroomClient.ParseAsync(response);
        Assert.NotEmpty(ErrorText(page, "Groups[0].Links"));
        Assert.NotEmpty(ErrorText(page, "Groups[0].Links[3].Label"));
        Assert.Equal(topics[3].Item1, Value(page, "Groups[0].Links[3].Label"));
        Assert.Equal($"/tag/topic-{LinkListKind.Trending.MaxLinks + 1}", Value(page, $"Groups[0].Links[{LinkListKind.Trending.MaxLinks}].Url"));
        Assert.Same(before, app.Content.CurrentSettings.TrendingTopics);
    }

    [DatabaseFact]
    public async Task Without_script_the_row_buttons_move_add_and_remove_rows_and_save_nothing()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var before = app.Content.CurrentSettings.Navigation;
        KeyValuePair<string, string>[] menu =
        [
            F("Groups[0].Label", "World"), F("Groups[0].Url", "/world"), .. Links(0, ("Asia", "/world/asia"), ("Europe", "/world/europe"), ("", "")),
            F("Groups[1].Label", "Sport"), F("Groups[1].Url", "/sport"), .. Links(1, ("Cricket", "/sport/cricket")),
        ];

        // Europe one place up; then the last sub-item of World past its group's end, into Sport.
        using var up = await PostAsync(editor, "menus", [.. menu, F("Op", "up:0:1")]);
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        var upPage = await NewsroomClient.ParseAsync(up);
        Assert.Equal(["Europe", "Asia", ""], Enumerable.Range(0, 3).Select(i => Value(upPage, $"Groups[0].Links[{i}].Label") ?? ""));
        Assert.Contains("Europe", upPage.One("[data-links-status]").TextContent, StringComparison.Ordinal);

        using var across = await PostAsync(editor, "menus", [.. menu, F("Op", "down:0:1")]);
        var acrossPage = await NewsroomClient.ParseAsync(across);
        Assert.Equal("Europe", Value(acrossPage, "Groups[1].Links[0].Label"));
        Assert.Equal("Cricket", Value(acrossPage, "Groups[1].Links[1].Label"));

        // Sport above World, with its sub-items.
        using var group = await PostAsync(editor, "menus", [.. menu, F("Op", "up:1")]);
        var groupPage = await NewsroomClient.ParseAsync(group);
        Assert.Equal("Sport", Value(groupPage, "Groups[0].Label"));
        Assert.Equal("Cricket", Value(groupPage, "Groups[0].Links[0].Label"));

        using var remove = await PostAsync(editor, "menus", [.. menu, F("Op", "remove:0:0")]);
        var removePage = await NewsroomClient.ParseAsync(remove);
        Assert.Equal("Europe", Value(removePage, "Groups[0].Links[0].Label"));

        using var add = await PostAsync(editor, "menus", [.. menu, F("Op", "add:1")]);
        var addPage = await NewsroomClient.ParseAsync(add);
        Assert.Equal("", Value(addPage, "Groups[1].Links[2].Label") ?? "");
        Assert.NotNull(addPage.One("input[name='Groups[1].Links[2].Label']").GetAttribute("autofocus"));

        Assert.Same(before, app.Content.CurrentSettings.Navigation);
    }

    [DatabaseFact]
    public async Task The_link_picker_finds_sections_tags_authors_pages_and_stories_with_their_canonical_paths()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var word = "Pickme" + Guid.NewGuid().ToString("N")[..8];
        var parent = await app.Content.SectionAsync();
        var section = await app.WithDbAsync(async db =>
        {
            var s = new Section { Slug = word.ToLowerInvariant() + "-desk", Name = word + " desk", ParentId = parent.Id };
            db.Sections.Add(s);
            await db.SaveChangesAsync();
            return s;
        });
        var tag = await app.WithDbAsync(async db =>
        {
            var t = new Tag { Slug = word.ToLowerInvariant() + "-tag", Name = word + " tag" };
            var a = new Author { Slug = word.ToLowerInvariant() + "-writer", Name = word + " Writer" };
            db.AddRange(t, a);
            await db.SaveChangesAsync();
            return t;
        });
        var story = await app.Content.StoryAsync(parent, new StorySpec { Headline = "Floods reach " + word + " valley" });
        await app.Content.StoryAsync(parent, new StorySpec { Headline = "Draft about " + word, Status = ArticleStatus.Draft });

        // Lower case: the match ignores case on both databases.
        var choices = await editor.Http.GetFromJsonAsync<List<LinkChoice>>("/newsroom/api/links?q=" + word.ToLowerInvariant(), System.Text.Json.JsonSerializerOptions.Web);

        Assert.NotNull(choices);
        Assert.Contains(new LinkChoice("Section", section.Name, $"/{parent.Slug}/{section.Slug}"), choices);
        Assert.Contains(new LinkChoice("Tag", tag.Name, "/tag/" + tag.Slug), choices);
        Assert.Contains(new LinkChoice("Author", word + " Writer", "/author/" + word.ToLowerInvariant() + "-writer"), choices);
        Assert.Contains(choices, c => c.Path == story.Path && c.Label == story.Headline);
        Assert.DoesNotContain(choices, c => c.Label.StartsWith("Draft about", StringComparison.Ordinal));

        var pages = await editor.Http.GetFromJsonAsync<List<LinkChoice>>("/newsroom/api/links?q=privacy", System.Text.Json.JsonSerializerOptions.Web);
        Assert.Contains(pages!, c => c.Kind == "Page" && c.Path == "/privacy");
    }

    [DatabaseFact]
    public async Task The_link_picker_is_for_editors_and_answers_a_bounded_list()
    {
        var contributor = await NewsroomClient.ForRoleAsync(app, Roles.Contributor);
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var section = await app.Content.SectionAsync();
        var word = "Bulk" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < LinkPicker.PerKind + 3; i++)
        {
            await app.Content.StoryAsync(section, new StorySpec { Headline = $"{word} story {i}" });
        }

        using var refused = await contributor.GetAsync("/newsroom/api/links?q=" + word);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var many = await editor.Http.GetFromJsonAsync<List<LinkChoice>>("/newsroom/api/links?q=" + word, System.Text.Json.JsonSerializerOptions.Web);
        Assert.Equal(LinkPicker.PerKind, many!.Count);
        var tooShort = await editor.Http.GetFromJsonAsync<List<LinkChoice>>("/newsroom/api/links?q=a", System.Text.Json.JsonSerializerOptions.Web);
        Assert.Empty(tooShort!);
        var tooLong = await editor.Http.GetFromJsonAsync<List<LinkChoice>>("/newsroom/api/links?q=" + new string('b', LinkPicker.MaxLength + 1), System.Text.Json.JsonSerializerOptions.Web);
        Assert.Empty(tooLong!);
        // Wildcards are text: "%" finds only names that contain a per cent sign.
        var wildcard = await editor.Http.GetFromJsonAsync<List<LinkChoice>>("/newsroom/api/links?q=%25%25", System.Text.Json.JsonSerializerOptions.Web);
        Assert.Empty(wildcard!);
    }
}

public sealed class LinkListTestsOnSqlite(SqliteApp app) : LinkListTests(app), IClassFixture<SqliteApp>;

public sealed class LinkListTestsOnPostgres(PostgresApp app) : LinkListTests(app), IClassFixture<PostgresApp>;

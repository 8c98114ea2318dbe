using System.Net;
using Byline.Content;
using Byline.Newsroom;
using Byline.Newsroom.Accounts;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Newsroom;

/// <summary>
/// Authorization, antiforgery, lockout, disabled accounts and one-time links, proven on every
/// newsroom route the app actually maps. A new route fails <see cref="Every_newsroom_route_has_a_declared_minimum_role"/>
/// until it is added to <see cref="Routes"/> with the least role that may use it.
/// </summary>
public abstract class NewsroomSecurityTests(BylineApp app)
{
    /// <summary>Who may use a route: Anonymous (sign-in pages), or the least newsroom role.</summary>
    public enum Access
    {
        Anonymous,
        Contributor,
        Editor,
        Admin,
    }

    /// <summary>Route pattern → a concrete path to request, and the least role allowed.</summary>
    public static readonly IReadOnlyDictionary<string, (string Path, Access Minimum)> Routes = new Dictionary<string, (string, Access)>(StringComparer.Ordinal)
    {
        ["newsroom/signin"] = ("/newsroom/signin", Access.Anonymous),
        ["newsroom/signin/link"] = ("/newsroom/signin/link?token=1.x", Access.Anonymous),
        ["newsroom/status/{code:int}"] = ("/newsroom/status/404", Access.Anonymous),
        ["newsroom"] = ("/newsroom", Access.Contributor),
        ["newsroom/signout"] = ("/newsroom/signout", Access.Contributor),
        ["newsroom/account/password"] = ("/newsroom/account/password", Access.Contributor),
        ["newsroom/users"] = ("/newsroom/users", Access.Admin),
        ["newsroom/audit"] = ("/newsroom/audit", Access.Admin),
        ["newsroom/events"] = ("/newsroom/events", Access.Admin),
        ["newsroom/webhooks"] = ("/newsroom/webhooks", Access.Admin),
        ["newsroom/webhooks/{id:int}"] = ("/newsroom/webhooks/{webhook}", Access.Admin),
        ["newsroom/api-keys"] = ("/newsroom/api-keys", Access.Admin),
        ["newsroom/wire"] = ("/newsroom/wire", Access.Contributor),
        ["newsroom/wire/sources/{id:int?}"] = ("/newsroom/wire/sources", Access.Admin),
        ["newsroom/api"] = ("/newsroom/api", Access.Contributor),
        ["newsroom/api-tokens"] = ("/newsroom/api-tokens", Access.Contributor),
        ["newsroom/settings"] = ("/newsroom/settings", Access.Admin),
        ["newsroom/settings/ads-txt"] = ("/newsroom/settings/ads-txt", Access.Admin),
        ["newsroom/ads"] = ("/newsroom/ads", Access.Admin),
        ["newsroom/ads/creatives/{id:int?}"] = ("/newsroom/ads/creatives", Access.Admin),
        ["newsroom/ads/report"] = ("/newsroom/ads/report", Access.Admin),
        ["newsroom/reports/searches"] = ("/newsroom/reports/searches", Access.Editor),
        ["newsroom/curation/trending-stories"] = ("/newsroom/curation/trending-stories", Access.Editor),
        ["newsroom/curation/top"] = ("/newsroom/curation/top", Access.Editor),
        ["newsroom/curation/top/preview"] = ("/newsroom/curation/top/preview", Access.Editor),
        ["newsroom/curation/{kind:regex(^(trending|menus|footer)$)}"] = ("/newsroom/curation/menus", Access.Editor),
        ["newsroom/curation/calls-to-action"] = ("/newsroom/curation/calls-to-action", Access.Editor),
        ["newsroom/curation/breaking"] = ("/newsroom/curation/breaking", Access.Editor),
        ["newsroom/curation/front"] = ("/newsroom/curation/front", Access.Editor),
        ["newsroom/imports/{handler?}"] = ("/newsroom/imports", Access.Admin),
        ["newsroom/imports/upload"] = ("/newsroom/imports/upload", Access.Admin),
        ["newsroom/newsletters"] = ("/newsroom/newsletters", Access.Editor),
        ["newsroom/newsletters/{id:int}"] = ("/newsroom/newsletters/{newsletter}", Access.Editor),
        ["newsroom/newsletters/issues/{id:int}"] = ("/newsroom/newsletters/issues/{issue}", Access.Editor),
        ["newsroom/newsletters/alert/{storyId:int}"] = ("/newsroom/newsletters/alert/{story}", Access.Editor),
        ["newsroom/newsletters/suppressions"] = ("/newsroom/newsletters/suppressions", Access.Admin),
        ["newsroom/newsletters/subscribers"] = ("/newsroom/newsletters/subscribers", Access.Admin),
        ["newsroom/newsletters/reader"] = ("/newsroom/newsletters/reader", Access.Admin),
        ["newsroom/pages"] = ("/newsroom/pages?slug=about", Access.Editor),
        ["newsroom/redirects"] = ("/newsroom/redirects", Access.Editor),
        ["newsroom/sections"] = ("/newsroom/sections", Access.Editor),
        ["newsroom/tags"] = ("/newsroom/tags", Access.Editor),
        ["newsroom/authors"] = ("/newsroom/authors", Access.Editor),
        ["newsroom/stories"] = ("/newsroom/stories", Access.Contributor),
        ["newsroom/planning"] = ("/newsroom/planning", Access.Contributor),
        ["newsroom/stories/{id}"] = ("/newsroom/stories/new", Access.Contributor),
        ["newsroom/stories/{id:int}/revisions"] = ("/newsroom/stories/{story}/revisions", Access.Contributor),
        ["newsroom/stories/{previewId:int}/preview"] = ("/newsroom/stories/{story}/preview", Access.Contributor),
        ["newsroom/stories/{previewId:int}/preview/web-story"] = ("/newsroom/stories/{story}/preview/web-story", Access.Contributor),
        ["newsroom/stories/{previewId:int}/preview/short"] = ("/newsroom/stories/{short}/preview/short", Access.Contributor),
        ["newsroom/stories/{previewId:int}/preview/hub"] = ("/newsroom/stories/{hub}/preview/hub", Access.Contributor),
        ["newsroom/stories/suggest-summary"] = ("/newsroom/stories/suggest-summary", Access.Contributor),
        ["newsroom/api/stories/find"] = ("/newsroom/api/stories/find?q=story", Access.Contributor),
        ["newsroom/stories/{id:int}/live"] = ("/newsroom/stories/{liveblog}/live", Access.Contributor),
        ["newsroom/media"] = ("/newsroom/media", Access.Contributor),
        ["newsroom/api/tags"] = ("/newsroom/api/tags?q=news", Access.Contributor),
        ["newsroom/api/media"] = ("/newsroom/api/media", Access.Contributor),
        ["newsroom/api/embed"] = ("/newsroom/api/embed?url=https%3A%2F%2Fvimeo.com%2F1", Access.Contributor),
        ["newsroom/api/links"] = ("/newsroom/api/links?q=news", Access.Editor),
        ["newsroom/shows"] = ("/newsroom/shows", Access.Editor),
        ["newsroom/shows/{id}"] = ("/newsroom/shows/new", Access.Editor),
        ["newsroom/live-tv"] = ("/newsroom/live-tv", Access.Editor),
        ["newsroom/media/video"] = ("/newsroom/media/video", Access.Contributor),
        ["newsroom/stories/{previewId:int}/preview/episode"] = ("/newsroom/stories/{episode}/preview/episode", Access.Contributor),
    };

    /// <summary>JSON look-ups that answer GET only (a POST is 405 before antiforgery matters: they change nothing).</summary>
    private static readonly HashSet<string> GetOnly = ["newsroom/api/tags", "newsroom/api/media", "newsroom/api/embed", "newsroom/api/stories/find", "newsroom/api/links"];

    /// <summary>Form targets with no page of their own: a GET is sent to the page that holds the form.</summary>
    private static readonly Dictionary<string, string> PostOnly = new(StringComparer.Ordinal) { ["newsroom/imports/upload"] = "/newsroom/imports" };

    private int? _story;
    private int? _episode;
    private int? _liveBlog;
    private int? _webhook;
    private (int List, int Issue)? _newsletter;

    /// <summary>Fills "{story}" (or "{liveblog}") in a path with a story (a live blog) made once for this class.</summary>
    private async Task<string> ResolveAsync(string path)
    {
        if (path.Contains("{episode}", StringComparison.Ordinal))
        {
            _episode ??= (await Site.ShowContent.EpisodeAsync(app, await Site.ShowContent.ShowAsync(app), new Byline.Content.VideoSource(Byline.Content.VideoKind.Hls, "https://video.example.org/e/master.m3u8"))).Id;
            return path.Replace("{episode}", _episode.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }
        if (path.Contains("{short}", StringComparison.Ordinal) || path.Contains("{hub}", StringComparison.Ordinal))
        {
            // Previews of the unlisted formats need a story of that format (drafts: previews show any status).
            var format = path.Contains("{short}", StringComparison.Ordinal) ? StoryFormat.ShortNews : StoryFormat.Hub;
            var id = (await app.Content.StoryAsync(await app.Content.SectionAsync(), new StorySpec { Status = ArticleStatus.Draft })).Id;
            await app.WithDbAsync(db => db.Articles.Where(a => a.Id == id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Format, format)));
            await OwnedByTheContributorAsync(id);
            return path.Replace("{short}", id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{hub}", id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }
        if (path.Contains("{webhook}", StringComparison.Ordinal))
        {
            _webhook ??= await app.WithDbAsync(async db =>
            {
                var row = new WebhookSubscription
                {
                    Name = "Routes", Url = "https://hooks.example.org/byline", EventTypes = "story.published",
                    Secret = Byline.Webhooks.WebhookSigning.NewSecret(), CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
                };
                db.Add(row);
                await db.SaveChangesAsync();
                return row.Id;
            });
            return path.Replace("{webhook}", _webhook.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }
        if (path.Contains("{newsletter}", StringComparison.Ordinal) || path.Contains("{issue}", StringComparison.Ordinal))
        {
            _newsletter ??= await app.WithDbAsync(async db =>
            {
                var now = DateTime.UtcNow;
                var list = new NewsletterList
                {
                    Name = "Routes brief", Slug = TestContent.Unique("routes"), SenderName = "Desk", SenderAddress = "desk@byline.test",
                    CreatedAt = now, UpdatedAt = now,
                };
                db.Add(list);
                await db.SaveChangesAsync();
                var issue = new NewsletterIssue { ListId = list.Id, Subject = "Routes", CreatedAt = now };
                db.Add(issue);
                await db.SaveChangesAsync();
                return (list.Id, issue.Id);
            });
            return path.Replace("{newsletter}", _newsletter.Value.List.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{issue}", _newsletter.Value.Issue.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }
        if (path.Contains("{liveblog}", StringComparison.Ordinal))
        {
            _liveBlog ??= (await Byline.Tests.LiveBlogs.LiveBlogKit.CreateAsync(app, await app.Content.SectionAsync())).Id;
            return path.Replace("{liveblog}", _liveBlog.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }
        if (!path.Contains("{story}", StringComparison.Ordinal))
        {
            return path;
        }
        if (_story is null)
        {
            _story = (await app.Content.StoryAsync(await app.Content.SectionAsync())).Id;
            await OwnedByTheContributorAsync(_story.Value);
        }
        return path.Replace("{story}", _story.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    /// <summary>
    /// Contributors see their own stories' history and drafts only (StoryVisibilityTests), so the
    /// stories behind the routes are the shared contributor's own.
    /// </summary>
    private async Task OwnedByTheContributorAsync(int id)
    {
        var contributor = await NewsroomClient.ForRoleAsync(app, Roles.Contributor);
        await app.WithDbAsync(db => db.Articles.Where(a => a.Id == id).ExecuteUpdateAsync(u => u.SetProperty(a => a.CreatedById, contributor.User!.Id)));
    }

    private static readonly string[] RoleOf = ["", Roles.Contributor, Roles.Editor, Roles.Admin];

    private static IEnumerable<(string Pattern, string Path, Access Minimum)> Protected =>
        Routes.Where(r => r.Value.Minimum != Access.Anonymous).Select(r => (r.Key, r.Value.Path, r.Value.Minimum));

    [DatabaseFact]
    public void Every_newsroom_route_has_a_declared_minimum_role()
    {
        var mapped = MappedNewsroomRoutes();

        var undeclared = mapped.Where(p => !Routes.ContainsKey(p)).ToList();
        var stale = Routes.Keys.Where(p => !mapped.Contains(p)).ToList();

        Assert.True(undeclared.Count == 0, $"newsroom routes without a minimum role in {nameof(NewsroomSecurityTests)}.{nameof(Routes)}: {string.Join(", ", undeclared)}");
        Assert.True(stale.Count == 0, $"entries for routes the app no longer maps: {string.Join(", ", stale)}");
    }

    [DatabaseFact]
    public async Task Anonymous_requests_to_every_protected_route_are_sent_to_sign_in()
    {
        using var anonymous = NewsroomClient.Anonymous(app);
        var token = await anonymous.TokenAsync("/newsroom/signin");
        foreach (var (pattern, template, _) in Protected)
        {
            var path = await ResolveAsync(template);
            using var get = await anonymous.GetAsync(path);
            using var post = await anonymous.PostAsync(path, [new(NewsroomClient.TokenField, token)]);

            // A GET-only look-up answers a POST with 405 before anyone is asked to sign in: it changes nothing either way.
            foreach (var (method, response) in GetOnly.Contains(pattern) ? new[] { ("GET", get) } : new[] { ("GET", get), ("POST", post) })
            {
                Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"anonymous {method} {path} ({pattern}) answered {(int)response.StatusCode}");
                Assert.Equal("/newsroom/signin", NewsroomClient.LocationPath(response));
            }
            Assert.Contains("returnUrl=", get.Headers.Location!.ToString(), StringComparison.Ordinal);
        }
    }

    [DatabaseFact]
    public async Task Under_privileged_roles_get_403_on_every_route_above_them()
    {
        foreach (var role in new[] { Access.Contributor, Access.Editor })
        {
            var client = await NewsroomClient.ForRoleAsync(app, RoleOf[(int)role]);
            var token = await client.TokenAsync();
            foreach (var (pattern, template, minimum) in Protected.Where(r => r.Minimum > role))
            {
                var path = await ResolveAsync(template);
                using var get = await client.GetAsync(path);
                using var post = await client.PostAsync(path, [new(NewsroomClient.TokenField, token)]);

                Assert.True(get.StatusCode == HttpStatusCode.Forbidden, $"{role} GET {path} ({pattern}, needs {minimum}) answered {(int)get.StatusCode}");
                // A GET-only look-up answers a POST with 405 whoever asks: it changes nothing either way.
                var refused = GetOnly.Contains(pattern) ? HttpStatusCode.MethodNotAllowed : HttpStatusCode.Forbidden;
                Assert.True(post.StatusCode == refused, $"{role} POST {path} ({pattern}, needs {minimum}) answered {(int)post.StatusCode}");
                Assert.Equal("403", (await NewsroomClient.ParseAsync(get)).One("[data-status]").GetAttribute("data-status"));
            }
        }
    }

    [DatabaseFact]
    public async Task Each_role_reaches_every_route_it_is_allowed()
    {
        foreach (var role in new[] { Access.Contributor, Access.Editor, Access.Admin })
        {
            var client = await NewsroomClient.ForRoleAsync(app, RoleOf[(int)role]);
            foreach (var (pattern, template, _) in Protected.Where(r => r.Minimum <= role))
            {
                var path = await ResolveAsync(template);
                using var get = await client.GetAsync(path);

                if (PostOnly.TryGetValue(pattern, out var formPage))
                {
                    Assert.Equal((HttpStatusCode.Redirect, formPage), (get.StatusCode, get.Headers.Location?.OriginalString));
                    continue;
                }
                Assert.True(get.StatusCode == HttpStatusCode.OK, $"{role} GET {path} ({pattern}) answered {(int)get.StatusCode}");
            }
        }
    }

    [DatabaseFact]
    public async Task Every_route_refuses_a_post_without_an_antiforgery_token()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        // The status page has no form; it renders whatever request was refused, POSTs included.
        foreach (var (pattern, (template, _)) in Routes.Where(r => r.Key != "newsroom/status/{code:int}" && !GetOnly.Contains(r.Key)))
        {
            var path = await ResolveAsync(template);
            using var post = await admin.PostAsync(path, [new("Email", "x@example.com"), new("Password", "nothing")]);

            Assert.True(post.StatusCode == HttpStatusCode.BadRequest, $"POST {path} ({pattern}) without a token answered {(int)post.StatusCode}");
        }
    }

    [DatabaseFact]
    public async Task Five_wrong_passwords_lock_the_account_from_that_source_even_against_the_right_one()
    {
        var (user, password) = await NewsroomClient.CreateUserAsync(app, Roles.Editor);
        using var client = NewsroomClient.Anonymous(app, System.Net.IPAddress.Parse("127.0.0.3"));

        for (var i = 0; i < 5; i++)
        {
            using var wrong = await client.SignInAsync(user.Email!, $"Wrong-{i}-Password!");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }
        using var right = await client.SignInAsync(user.Email!, password);

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        // The same answer as any failure: a locked account is not told apart from a wrong password.
        Assert.Equal("failed", (await NewsroomClient.ParseAsync(right)).One("[data-error]").GetAttribute("data-error"));
        using var dashboard = await client.GetAsync("/newsroom");
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        var account = user.Email!.ToUpperInvariant();
        var (lockedUntil, audited) = await app.WithDbAsync(async db => (
            await db.SignInThrottles.Where(t => t.Account == account).Select(t => t.LockedUntil).SingleAsync(),
            await db.AuditEntries.AnyAsync(e => e.UserId == user.Id && e.Action == AuditActions.SignInLockedOut)));
        Assert.True(lockedUntil > DateTime.UtcNow, $"lock ends {lockedUntil:O}");
        Assert.True(audited);
    }

    [DatabaseFact]
    public async Task A_disabled_account_cannot_sign_in()
    {
        var (user, password) = await NewsroomClient.CreateUserAsync(app, Roles.Admin, disabled: true);
        using var client = NewsroomClient.Anonymous(app);

        using var response = await client.SignInAsync(user.Email!, password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("failed", (await NewsroomClient.ParseAsync(response)).One("[data-error]").GetAttribute("data-error"));
        Assert.DoesNotContain(client.Cookies.GetCookies(new Uri(client.Http.BaseAddress!, "/newsroom")), c => c.Name == NewsroomExtensions.AuthCookie);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.UserId == user.Id && e.Action == AuditActions.SignInRefused)));
    }

    [DatabaseFact]
    public async Task Disabling_an_account_ends_its_open_session_at_the_next_request()
    {
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);
        using (var before = await editor.GetAsync("/newsroom"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<NewsroomAccounts>();
            var user = await accounts.FindByEmailAsync(editor.Email);
            var result = await accounts.SetDisabledAsync(user!, true, Actors.CommandLine(), "", CancellationToken.None);
            Assert.True(result.Succeeded, result.Message);
        }
        using var after = await editor.GetAsync("/newsroom");

        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/newsroom/signin", NewsroomClient.LocationPath(after));
    }

    [DatabaseFact]
    public async Task A_one_time_link_signs_in_once_and_then_is_refused()
    {
        BylineUser user;
        string path;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<NewsroomAccounts>();
            var created = await accounts.CreateAsync($"{TestContent.Unique("link")}@newsroom.test", "Linked", "editor", null, Actors.CommandLine(), "", CancellationToken.None);
            Assert.True(created.Succeeded, created.Message);
            user = created.User!;
            path = await scope.ServiceProvider.GetRequiredService<SignInLinks>().CreatePathAsync(user);
        }
        using var first = NewsroomClient.Anonymous(app);
        using var second = NewsroomClient.Anonymous(app);

        using var used = await first.SubmitAsync(path, new Dictionary<string, string>(), "form[data-form=signin-link]");
        using var reused = await second.SubmitAsync(path, new Dictionary<string, string>(), "form[data-form=signin-link]");

        Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        Assert.Equal("/newsroom/account/password", NewsroomClient.LocationPath(used));
        using (var dashboard = await first.GetAsync("/newsroom"))
        {
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        }
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        (await NewsroomClient.ParseAsync(reused)).One("[data-error=invalid-link]");
        using var refused = await second.GetAsync("/newsroom");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
    }

    [DatabaseFact]
    public async Task A_tampered_link_is_refused()
    {
        using var client = NewsroomClient.Anonymous(app);

        using var response = await client.SubmitAsync("/newsroom/signin/link?token=1.bm90LWEtdG9rZW4", new Dictionary<string, string>(), "form[data-form=signin-link]");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [DatabaseFact]
    public async Task The_roles_exist_once_the_app_is_ready()
    {
        var roles = await app.WithDbAsync(db => db.Roles.Select(r => r.Name).ToListAsync());

        Assert.Equal(Roles.All.Order(), roles.Order());
    }

    private HashSet<string> MappedNewsroomRoutes() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText?.TrimStart('/') ?? "")
            .Where(p => p == "newsroom" || p.StartsWith("newsroom/", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
}

public sealed class NewsroomSecurityTestsOnSqlite(SqliteApp app) : NewsroomSecurityTests(app), IClassFixture<SqliteApp>;

public sealed class NewsroomSecurityTestsOnPostgres(PostgresApp app) : NewsroomSecurityTests(app), IClassFixture<PostgresApp>;

using System.Net;
using Byline.Newsroom;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Newsroom;

/// <summary>Signing in and out of the newsroom, and what the layout shows a signed-in account.</summary>
public abstract class SignInTests(BylineApp app)
{
    [DatabaseFact]
    public async Task An_editor_signs_in_and_sees_the_dashboard_with_name_role_and_sign_out()
    {
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);

        var page = await editor.PageAsync("/newsroom");

        Assert.Equal(Roles.Editor, page.One("[data-account] [data-role]").GetAttribute("data-role"));
        page.One("form[action='/newsroom/signout']");
        page.One("[data-counts]");
        page.One("[data-panel=in-review]");
        Assert.Contains("/newsroom/curation/top", page.LinkPaths(".nr-nav a"));
        Assert.DoesNotContain("/newsroom/users", page.LinkPaths(".nr-nav a"));
        // The tab shows the publication's icon, and the icon is there to fetch.
        var icon = page.One("head link[rel=icon]").GetAttribute("href")!;
        using var fetched = await editor.GetAsync(icon);
        Assert.Equal(System.Net.HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal("image/png", fetched.Content.Headers.ContentType?.MediaType);
    }

    [DatabaseFact]
    public async Task A_contributor_sees_no_editor_or_admin_links_and_no_review_queue()
    {
        using var contributor = await NewsroomClient.SignInAsync(app, Roles.Contributor);

        var page = await contributor.PageAsync("/newsroom");

        var links = page.LinkPaths(".nr-nav a");
        Assert.Contains("/newsroom/stories", links);
        Assert.DoesNotContain("/newsroom/curation/top", links);
        Assert.DoesNotContain("/newsroom/audit", links);
        Assert.Empty(page.QuerySelectorAll("[data-panel=in-review]"));
    }

    [DatabaseFact]
    public async Task Newsroom_pages_send_noindex_and_no_store()
    {
        using var admin = await NewsroomClient.SignInAsync(app, Roles.Admin);

        using var signedIn = await admin.GetAsync("/newsroom");
        using var anonymous = await app.GetAsync("/newsroom/signin");

        foreach (var response in new[] { signedIn, anonymous })
        {
            Assert.Contains("noindex", response.Headers.GetValues("X-Robots-Tag").Single(), StringComparison.Ordinal);
            Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        }
    }

    [DatabaseFact]
    public async Task The_session_cookie_is_http_only_same_site_and_scoped_to_the_newsroom()
    {
        var (user, password) = await NewsroomClient.CreateUserAsync(app, Roles.Contributor);
        using var client = NewsroomClient.Anonymous(app);

        using var response = await client.SignInAsync(user.Email!, password);

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(NewsroomExtensions.AuthCookie + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/newsroom", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [DatabaseFact]
    public async Task Sign_in_returns_to_a_local_url_and_never_to_another_host()
    {
        var (user, password) = await NewsroomClient.CreateUserAsync(app, Roles.Contributor);
        using var local = NewsroomClient.Anonymous(app);
        using var foreign = NewsroomClient.Anonymous(app);

        using var toLocal = await local.SignInAsync(user.Email!, password, "/newsroom/account/password");
        using var toForeign = await foreign.SignInAsync(user.Email!, password, "https://evil.example/phish");

        Assert.Equal("/newsroom/account/password", NewsroomClient.LocationPath(toLocal));
        Assert.Equal("/newsroom", NewsroomClient.LocationPath(toForeign));
        Assert.False(toForeign.Headers.Location!.IsAbsoluteUri && toForeign.Headers.Location.Host == "evil.example");
    }

    [DatabaseFact]
    public async Task A_wrong_password_shows_the_form_again_and_is_audited()
    {
        var (user, _) = await NewsroomClient.CreateUserAsync(app, Roles.Contributor);
        using var client = NewsroomClient.Anonymous(app);

        using var response = await client.SignInAsync(user.Email!, "Wrong-password-1!");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await NewsroomClient.ParseAsync(response);
        Assert.Equal("failed", page.One("[data-error]").GetAttribute("data-error"));
        Assert.Equal(user.Email, page.One("input[name=Email]").GetAttribute("value"));
        var failures = await app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.UserId == user.Id && e.Action == AuditActions.SignInFailed));
        Assert.Equal(1, failures);
    }

    [DatabaseFact]
    public async Task Signing_out_ends_the_session_and_is_audited()
    {
        using var editor = await NewsroomClient.SignInAsync(app, Roles.Editor);

        using var signOut = await editor.SubmitAsync("/newsroom/signout", new Dictionary<string, string>(), "form[data-form=signout]");
        using var after = await editor.GetAsync("/newsroom");

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/newsroom/signin", NewsroomClient.LocationPath(after));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.UserId == editor.User!.Id && e.Action == AuditActions.SignOut)));
    }
}

public sealed class SignInTestsOnSqlite(SqliteApp app) : SignInTests(app), IClassFixture<SqliteApp>;

public sealed class SignInTestsOnPostgres(PostgresApp app) : SignInTests(app), IClassFixture<PostgresApp>;

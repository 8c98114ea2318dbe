using System.Net;
using Byline.Newsroom;
using Byline.Newsroom.Accounts;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Newsroom;

/// <summary>
/// Sessions end on the server, not only in the browser that asked: sign-out, a password change, a
/// role change and disabling end every session of the account, on every node sharing the database.
/// </summary>
public abstract class SessionEndTests(BylineApp app)
{
    private static async Task<HttpStatusCode> DashboardAsync(NewsroomClient client)
    {
        using var response = await client.GetAsync("/newsroom");
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            Assert.Equal("/newsroom/signin", NewsroomClient.LocationPath(response));
        }
        return response.StatusCode;
    }

    [DatabaseFact]
    public async Task Signing_out_ends_every_session_of_the_user()
    {
        using var browser = await NewsroomClient.SignInAsync(app, Roles.Editor);
        using var copied = browser.CopyOfCookies();
        using var laptop = NewsroomClient.Anonymous(app);
        using (var second = await laptop.SignInAsync(browser.Email, browser.Password!))
        {
            Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, await DashboardAsync(copied));
        Assert.Equal(HttpStatusCode.OK, await DashboardAsync(laptop));

        using var signOut = await browser.SubmitAsync("/newsroom/signout", new Dictionary<string, string>(), "form[data-form=signout]");

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, await DashboardAsync(browser));
        Assert.Equal(HttpStatusCode.Redirect, await DashboardAsync(copied));
        Assert.Equal(HttpStatusCode.Redirect, await DashboardAsync(laptop));
    }

    [DatabaseFact]
    public async Task Signing_out_on_one_node_ends_the_session_on_another_node()
    {
        await using var other = await app.StartNodeAsync();
        using var browser = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        using var copied = browser.CopyOfCookies();
        using var copiedOnOther = copied.Via(other);
        Assert.Equal(HttpStatusCode.OK, await DashboardAsync(copiedOnOther));

        using var signOut = await browser.SubmitAsync("/newsroom/signout", new Dictionary<string, string>(), "form[data-form=signout]");

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, await DashboardAsync(copiedOnOther));
    }

    [DatabaseFact]
    public async Task Changing_the_password_keeps_this_session_and_ends_the_others()
    {
        using var browser = await NewsroomClient.SignInAsync(app, Roles.Contributor);
        using var copied = browser.CopyOfCookies();
        var newPassword = $"New-{Guid.NewGuid():N}-Pw1!";

        using var change = await browser.SubmitAsync("/newsroom/account/password", new Dictionary<string, string>
        {
            ["Current"] = browser.Password!,
            ["NewPassword"] = newPassword,
            ["Confirm"] = newPassword,
        });

        Assert.Equal(HttpStatusCode.Redirect, change.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await DashboardAsync(browser));
        Assert.Equal(HttpStatusCode.Redirect, await DashboardAsync(copied));
    }

    [DatabaseFact]
    public async Task Changing_the_role_ends_every_session_of_the_user()
    {
        using var browser = await NewsroomClient.SignInAsync(app, Roles.Editor);
        await using var other = await app.StartNodeAsync();
        using var onOther = browser.Via(other);
        Assert.Equal(HttpStatusCode.OK, await DashboardAsync(onOther));

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<NewsroomAccounts>();
            var result = await accounts.ChangeRoleAsync((await accounts.FindByEmailAsync(browser.Email))!, Roles.Contributor, Actors.CommandLine(), "", CancellationToken.None);
            Assert.True(result.Succeeded, result.Message);
        }

        Assert.Equal(HttpStatusCode.Redirect, await DashboardAsync(browser));
        Assert.Equal(HttpStatusCode.Redirect, await DashboardAsync(onOther));
    }

    [DatabaseFact]
    public async Task Disabling_an_account_on_one_node_ends_its_session_on_another()
    {
        await using var other = await app.StartNodeAsync();
        using var browser = await NewsroomClient.SignInAsync(app, Roles.Editor);
        using var onOther = browser.Via(other);
        Assert.Equal(HttpStatusCode.OK, await DashboardAsync(onOther));

        await using (var scope = other.Services.CreateAsyncScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<NewsroomAccounts>();
            var result = await accounts.SetDisabledAsync((await accounts.FindByEmailAsync(browser.Email))!, true, Actors.CommandLine(), "", CancellationToken.None);
            Assert.True(result.Succeeded, result.Message);
        }

        Assert.Equal(HttpStatusCode.Redirect, await DashboardAsync(browser));
        Assert.Equal(HttpStatusCode.Redirect, await DashboardAsync(onOther));
    }
}

public sealed class SessionEndTestsOnSqlite(SqliteApp app) : SessionEndTests(app), IClassFixture<SqliteApp>;

public sealed class SessionEndTestsOnPostgres(PostgresApp app) : SessionEndTests(app), IClassFixture<PostgresApp>;

using System.Diagnostics.Metrics;
using System.Net;
using System.Text.RegularExpressions;
using Byline.Cli;
using Byline.Newsroom;
using Byline.Newsroom.Accounts;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Newsroom;

/// <summary>
/// Sign-in tells an attacker nothing and lets nobody lock anyone else out: unknown, wrong, disabled
/// and locked attempts get one answer after the same work (one password hash each), and lockout is
/// per account and source. Each test signs in from loopback addresses of its own (127.0.0.x), so the
/// per-address rate limit and throttles of one test never touch another.
/// </summary>
public abstract partial class SignInLockoutTests(BylineApp app)
{
    private static int _nextSource = 10;

    /// <summary>A fresh client address for this test run (127.0.0.10, .11, …).</summary>
    private static IPAddress NewSource() => IPAddress.Parse($"127.0.0.{Interlocked.Increment(ref _nextSource)}");

    /// <summary>The answer with what differs by request alone taken out: the antiforgery token and the typed address.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> AnswerAsync(HttpResponseMessage response, string email)
    {
        var body = await response.Content.ReadAsStringAsync();
        body = TokenField().Replace(body, "");
        return (response.StatusCode, body.Replace(email, "EMAIL", StringComparison.Ordinal));
    }

    [GeneratedRegex("<input name=\"__RequestVerificationToken\"[^>]*>")]
    private static partial Regex TokenField();

    private async Task LockAsync(string email, IPAddress source)
    {
        using var attacker = NewsroomClient.Anonymous(app, source);
        for (var i = 0; i <= SignInThrottles.FreeFailures; i++)
        {
            using var wrong = await attacker.SignInAsync(email, $"Wrong-{i}-Password!");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }
    }

    [DatabaseFact]
    public async Task Unknown_wrong_disabled_and_locked_attempts_get_the_same_status_and_body()
    {
        var (known, _) = await NewsroomClient.CreateUserAsync(app, Roles.Editor);
        var (disabled, disabledPassword) = await NewsroomClient.CreateUserAsync(app, Roles.Admin, disabled: true);
        var (locked, lockedPassword) = await NewsroomClient.CreateUserAsync(app, Roles.Contributor);
        var source = NewSource();
        await LockAsync(locked.Email!, source);
        using var client = NewsroomClient.Anonymous(app, source);
        var unknownEmail = $"nobody-{Guid.NewGuid():N}@newsroom.test";

        using var unknown = await client.SignInAsync(unknownEmail, "Any-password-1!");
        using var wrong = await client.SignInAsync(known.Email!, "Wrong-password-1!");
        using var refused = await client.SignInAsync(disabled.Email!, disabledPassword);
        using var lockedOut = await client.SignInAsync(locked.Email!, lockedPassword);

        var expected = await AnswerAsync(unknown, unknownEmail);
        Assert.Equal(HttpStatusCode.OK, expected.Status);
        Assert.Equal("failed", new AngleSharp.Html.Parser.HtmlParser().ParseDocument(expected.Body).One("[data-error]").GetAttribute("data-error"));
        Assert.Equal(expected, await AnswerAsync(wrong, known.Email!));
        Assert.Equal(expected, await AnswerAsync(refused, disabled.Email!));
        Assert.Equal(expected, await AnswerAsync(lockedOut, locked.Email!));
        Assert.DoesNotContain(client.Cookies.GetCookies(new Uri(client.Http.BaseAddress!, "/newsroom")), c => c.Name == NewsroomExtensions.AuthCookie);
    }

    [DatabaseFact]
    public async Task An_unknown_address_costs_one_password_hash_like_a_known_one()
    {
        var (known, _) = await NewsroomClient.CreateUserAsync(app, Roles.Editor);
        using var client = NewsroomClient.Anonymous(app, NewSource());
        var meters = app.Services.GetRequiredService<IMeterFactory>();
        var checks = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == PasswordChecks.CounterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "against")
                {
                    checks.AddOrUpdate((string)tag.Value!, value, (_, v) => v + value);
                }
            }
        });
        listener.Start();

        using (var unknown = await client.SignInAsync($"nobody-{Guid.NewGuid():N}@newsroom.test", "Any-password-1!"))
        {
            Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        }
        Assert.Equal(1, checks.GetValueOrDefault("placeholder"));
        Assert.Equal(0, checks.GetValueOrDefault("account"));
        using (var wrong = await client.SignInAsync(known.Email!, "Wrong-password-1!"))
        {
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }
        Assert.Equal(1, checks.GetValueOrDefault("placeholder"));
        Assert.Equal(1, checks.GetValueOrDefault("account"));
    }

    [DatabaseFact]
    public async Task One_source_cannot_lock_out_the_owner_signing_in_from_another()
    {
        var (victim, password) = await NewsroomClient.CreateUserAsync(app, Roles.Admin);
        var attackerSource = NewSource();
        await LockAsync(victim.Email!, attackerSource);
        using var attacker = NewsroomClient.Anonymous(app, attackerSource);
        using var owner = NewsroomClient.Anonymous(app, NewSource());

        using var attackerRight = await attacker.SignInAsync(victim.Email!, password);
        using var ownerRight = await owner.SignInAsync(victim.Email!, password);

        Assert.Equal(HttpStatusCode.OK, attackerRight.StatusCode);
        Assert.Equal("failed", (await NewsroomClient.ParseAsync(attackerRight)).One("[data-error]").GetAttribute("data-error"));
        Assert.Equal(HttpStatusCode.Redirect, ownerRight.StatusCode);
        using var dashboard = await owner.GetAsync("/newsroom");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.UserId == victim.Id && e.Action == AuditActions.SignInLockedOut)));
        Assert.Null(await app.WithDbAsync(db => db.Users.Where(u => u.Id == victim.Id).Select(u => u.LockoutEnd).SingleAsync()));
    }

    [DatabaseFact]
    public async Task Repeated_failures_from_a_source_lock_it_for_longer_each_time()
    {
        var (user, _) = await NewsroomClient.CreateUserAsync(app, Roles.Editor);
        var source = NewSource();
        await LockAsync(user.Email!, source);
        var first = await LockedUntilAsync(user.Email!);
        using var client = NewsroomClient.Anonymous(app, source);

        using (var again = await client.SignInAsync(user.Email!, "Wrong-again-1!"))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        var second = await LockedUntilAsync(user.Email!);

        Assert.True(second - first > TimeSpan.FromSeconds(50), $"first lock until {first:O}, second until {second:O}");
    }

    private Task<DateTime> LockedUntilAsync(string email)
    {
        var account = email.ToUpperInvariant();
        return app.WithDbAsync(async db => (await db.SignInThrottles.Where(t => t.Account == account).Select(t => t.LockedUntil).SingleAsync()) ?? DateTime.MinValue);
    }

    [DatabaseFact]
    public async Task User_unlock_lifts_every_lock_on_the_account()
    {
        var (user, password) = await NewsroomClient.CreateUserAsync(app, Roles.Editor);
        var source = NewSource();
        await LockAsync(user.Email!, source);
        var listed = await CliAsync("user", "list");
        Assert.Contains("locked out", listed.Out.Split('\n').Single(l => l.Contains(user.Email!, StringComparison.Ordinal)), StringComparison.Ordinal);

        var unlock = await CliAsync("user", "unlock", "--email", user.Email!);

        Assert.True(unlock.Exit == 0, unlock.Error);
        using var client = NewsroomClient.Anonymous(app, source);
        using var signIn = await client.SignInAsync(user.Email!, password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditActions.UserUnlocked && e.EntityId == user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [DatabaseFact]
    public async Task An_admin_unlocks_an_account_on_the_users_page()
    {
        var (user, password) = await NewsroomClient.CreateUserAsync(app, Roles.Contributor);
        var source = NewSource();
        await LockAsync(user.Email!, source);
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var row = $"tr[data-user='{user.Email}']";
        Assert.Equal("locked out", (await admin.PageAsync("/newsroom/users")).One(row + " [data-state]").TextContent.Trim());

        using var unlock = await admin.SubmitAsync("/newsroom/users", new Dictionary<string, string>(), row + " form[data-form=unlock]");

        Assert.Equal(HttpStatusCode.Redirect, unlock.StatusCode);
        Assert.Equal("active", (await admin.PageAsync("/newsroom/users")).One(row + " [data-state]").TextContent.Trim());
        using var client = NewsroomClient.Anonymous(app, source);
        using var signIn = await client.SignInAsync(user.Email!, password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
    }

    [DatabaseTheory]
    [InlineData("user", "unlock", "--email", "nobody@newsroom.test")]
    [InlineData("user", "unlock", "--email", "")]
    [InlineData("user", "unlock")]
    public async Task User_unlock_with_bad_input_prints_one_line_and_exits_non_zero(params string[] args)
    {
        var run = await CliAsync(args);

        Assert.NotEqual(0, run.Exit);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    private sealed record Run(int Exit, string Out, string Error);

    private async Task<Run> CliAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var provider = app.Database == TestDatabase.Postgres ? nameof(DatabaseProvider.Postgres) : nameof(DatabaseProvider.Sqlite);
        var exit = await BylineCli.RunAsync([.. args, $"--Byline:Database:Provider={provider}", $"--ConnectionStrings:Byline={app.ConnectionString}"],
            new CliConsole(new StringReader(""), output, error, InteractiveInput: false));
        return new Run(exit, output.ToString(), error.ToString());
    }
}

public sealed class SignInLockoutTestsOnSqlite(SqliteApp app) : SignInLockoutTests(app), IClassFixture<SqliteApp>;

public sealed class SignInLockoutTestsOnPostgres(PostgresApp app) : SignInLockoutTests(app), IClassFixture<PostgresApp>;

using System.Net;
using Byline.Api.Keys;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Api;

/// <summary>API keys: made and revoked on the newsroom's admin page, stored hashed, limited per key.</summary>
public abstract class ApiKeysTests(BylineApp app)
{
    private async Task<(NewsroomClient Admin, string Secret, string Name)> MakeKeyAsync(string scope = "Content", string perMinute = "")
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var name = TestContent.Unique("Partner app");
        using var response = await admin.SubmitAsync("/newsroom/api-keys",
            new Dictionary<string, string> { ["Name"] = name, ["Scope"] = scope, ["RequestsPerMinute"] = perMinute }, "form[data-form=create-key]");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await NewsroomClient.ParseAsync(response);
        var secret = page.QuerySelector("[data-new-key] [data-secret]")?.TextContent.Trim();
        Assert.False(string.IsNullOrEmpty(secret), "the new key's secret is shown once");
        return (admin, secret!, name);
    }

    [DatabaseFact]
    public async Task An_admin_makes_a_key_sees_its_secret_once_and_only_its_hash_is_stored()
    {
        var (admin, secret, name) = await MakeKeyAsync();

        var stored = await app.WithDbAsync(db => db.ApiKeys.SingleAsync(k => k.Name == name));
        var listAfterwards = await admin.PageAsync("/newsroom/api-keys");
        var audited = await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == ApiKeysPageModel.AuditCreated && a.EntityId == stored.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.StartsWith(ApiKeys.SecretPrefix, secret, StringComparison.Ordinal);
        Assert.Equal(ApiKeys.HashOf(secret), stored.Hash);
        Assert.DoesNotContain(secret, stored.Hash, StringComparison.Ordinal);
        Assert.Null(listAfterwards.QuerySelector("[data-new-key]"));
        Assert.DoesNotContain(secret, listAfterwards.Body!.InnerHtml, StringComparison.Ordinal);
        Assert.NotNull(listAfterwards.QuerySelector($"tr[data-key='{stored.Id}']"));
        Assert.True(audited);
        Assert.Equal(HttpStatusCode.OK, (await app.ApiAsync("/api/v1/sections", secret)).Status);
    }

    [DatabaseFact]
    public async Task A_revoked_key_is_refused_at_once_with_its_code()
    {
        var (admin, secret, name) = await MakeKeyAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.ApiAsync("/api/v1/sections", secret)).Status);
        var id = await app.WithDbAsync(db => db.ApiKeys.Where(k => k.Name == name).Select(k => k.Id).SingleAsync());

        using var revoke = await admin.SubmitAsync("/newsroom/api-keys", new Dictionary<string, string> { ["id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            $"tr[data-key='{id}'] form[data-form=revoke]");
        var refused = await app.ApiAsync("/api/v1/sections", secret);

        Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        Assert.Equal((HttpStatusCode.Unauthorized, "revoked_key"), (refused.Status, refused.Code));
        Assert.Equal("revoked", (await admin.PageAsync("/newsroom/api-keys")).QuerySelector($"tr[data-key='{id}'] [data-state]")!.TextContent.Split(' ')[0]);
    }

    [DatabaseTheory]
    [InlineData("byl_thisKeyWasNeverMadeByAnyoneAtAll00000000")]
    [InlineData("not-even-our-shape")]
    public async Task An_unknown_key_is_refused_rather_than_treated_as_anonymous(string key)
    {
        var answer = await app.ApiAsync("/api/v1/stories", key);

        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_key"), (answer.Status, answer.Code));
        Assert.Contains("Bearer", answer.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task A_key_over_its_own_limit_gets_429_with_Retry_After_and_other_keys_carry_on()
    {
        var (_, secret, _) = await MakeKeyAsync(perMinute: "2");
        var other = await app.KeyAsync();

        var answers = new List<ApiAnswer>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await app.ApiAsync("/api/v1/sections", secret));
        }
        var limited = answers[^1];

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], answers.Take(2).Select(a => a.Status));
        Assert.Equal((HttpStatusCode.TooManyRequests, "rate_limited"), (limited.Status, limited.Code));
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await app.ApiAsync("/api/v1/sections", other)).Status);
    }

    [DatabaseFact]
    public async Task Using_a_key_records_when_it_was_last_used()
    {
        var (_, secret, name) = await MakeKeyAsync();
        Assert.Null(await app.WithDbAsync(db => db.ApiKeys.Where(k => k.Name == name).Select(k => k.LastUsedAt).SingleAsync()));

        await app.ApiAsync("/api/v1/sections", secret);

        Assert.NotNull(await app.WithDbAsync(db => db.ApiKeys.Where(k => k.Name == name).Select(k => k.LastUsedAt).SingleAsync()));
    }

    [DatabaseFact]
    public async Task A_key_without_a_name_or_with_a_bad_limit_is_refused_beside_the_field_with_the_text_kept()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var before = await app.WithDbAsync(db => db.ApiKeys.CountAsync());

        using var noName = await admin.SubmitAsync("/newsroom/api-keys", new Dictionary<string, string> { ["Name"] = " ", ["RequestsPerMinute"] = "" }, "form[data-form=create-key]");
        using var badLimit = await admin.SubmitAsync("/newsroom/api-keys", new Dictionary<string, string> { ["Name"] = "Kept name", ["RequestsPerMinute"] = "0" }, "form[data-form=create-key]");
        var badLimitPage = await NewsroomClient.ParseAsync(badLimit);

        Assert.Equal(HttpStatusCode.OK, noName.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((await NewsroomClient.ParseAsync(noName)).QuerySelector("[data-error-for=Name]")?.TextContent));
        Assert.False(string.IsNullOrWhiteSpace(badLimitPage.QuerySelector("[data-error-for=RequestsPerMinute]")?.TextContent));
        Assert.Equal("Kept name", badLimitPage.QuerySelector("input[name=Name]")?.GetAttribute("value"));
        Assert.Equal(before, await app.WithDbAsync(db => db.ApiKeys.CountAsync()));
    }

    [DatabaseFact]
    public async Task Only_admins_open_the_keys_page_and_a_post_without_its_token_is_refused()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var before = await app.WithDbAsync(db => db.ApiKeys.CountAsync());

        using var asEditor = await editor.GetAsync("/newsroom/api-keys");
        using var anonymous = await app.GetAsync("/newsroom/api-keys");
        using var noToken = await admin.PostAsync("/newsroom/api-keys?handler=Create", [new("Name", "Forged")]);

        Assert.Equal(HttpStatusCode.Forbidden, asEditor.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal(before, await app.WithDbAsync(db => db.ApiKeys.CountAsync()));
    }
}

public sealed class ApiKeysTestsOnSqlite(ApiSqliteApp app) : ApiKeysTests(app), IClassFixture<ApiSqliteApp>;

public sealed class ApiKeysTestsOnPostgres(ApiPostgresApp app) : ApiKeysTests(app), IClassFixture<ApiPostgresApp>;

/// <summary>Without a key the limit is per address; this suite's app allows three requests a minute.</summary>
public abstract class AnonymousRateLimitTests(BylineApp app)
{
    [DatabaseFact]
    public async Task An_anonymous_client_over_its_limit_gets_429_and_a_keyed_client_does_not()
    {
        var key = await app.KeyAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await app.ApiAsync("/api/v1/sections")).Status);
        }
        var limited = await app.ApiAsync("/api/v1/sections");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal("rate_limited", limited.Code);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, (await app.ApiAsync("/api/v1/sections", key)).Status);
    }
}

public sealed class ThreePerMinuteSqliteApp : SqliteApp
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["Byline:Api:AnonymousRequestsPerMinute"] = "3" };
}

public sealed class ThreePerMinutePostgresApp : PostgresApp
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["Byline:Api:AnonymousRequestsPerMinute"] = "3" };
}

public sealed class AnonymousRateLimitTestsOnSqlite(ThreePerMinuteSqliteApp app) : AnonymousRateLimitTests(app), IClassFixture<ThreePerMinuteSqliteApp>;

public sealed class AnonymousRateLimitTestsOnPostgres(ThreePerMinutePostgresApp app) : AnonymousRateLimitTests(app), IClassFixture<ThreePerMinutePostgresApp>;

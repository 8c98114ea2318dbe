using System.Net;
using Byline.Newsroom;
using Byline.Storage;
using Byline.Tests.Support;

namespace Byline.Tests.Distribution;

/// <summary>The newsroom's ads.txt editor: what an admin saves is what /ads.txt serves; a bad line saves nothing.</summary>
public abstract class AdsTxtEditingTests(BylineApp app)
{
    private const string Form = "form[data-form=ads-txt]";

    [DatabaseFact]
    public async Task An_admin_saves_valid_ads_txt_and_the_site_serves_it()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var publisher = TestContent.Unique("pub");
        var text = $"# sellers\nadexchange.example, {publisher}, DIRECT, f08c47fec0942fa0\ncontact=ads@byline.example";

        using var saved = await admin.SubmitAsync("/newsroom/settings/ads-txt", new Dictionary<string, string> { ["AdsTxt"] = text }, Form);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        using var served = await app.GetAsync("/ads.txt");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var body = await served.Content.ReadAsStringAsync();
        Assert.Contains($"adexchange.example, {publisher}, DIRECT", body, StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task A_malformed_line_is_reported_by_line_number_and_nothing_is_saved()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var good = TestContent.Unique("good");
        using (var first = await admin.SubmitAsync("/newsroom/settings/ads-txt", new Dictionary<string, string> { ["AdsTxt"] = $"adexchange.example, {good}, DIRECT" }, Form))
        {
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        }
        var typed = "adexchange.example, pub-1, DIRECT\nthis line is not a record";

        using var refused = await admin.SubmitAsync("/newsroom/settings/ads-txt", new Dictionary<string, string> { ["AdsTxt"] = typed }, Form);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var page = await NewsroomClient.ParseAsync(refused);
        Assert.NotNull(page.QuerySelector("#ads-txt-errors li[data-line='2']"));
        Assert.Equal(typed, page.QuerySelector("textarea[name=AdsTxt]")?.TextContent.Replace("\r\n", "\n", StringComparison.Ordinal).Trim('\n'));
        var served = await (await app.GetAsync("/ads.txt")).Content.ReadAsStringAsync();
        Assert.Contains(good, served, StringComparison.Ordinal);
        Assert.DoesNotContain("not a record", served, StringComparison.Ordinal);
    }
}

public sealed class AdsTxtEditingTestsOnSqlite(SqliteApp app) : AdsTxtEditingTests(app), IClassFixture<SqliteApp>;

public sealed class AdsTxtEditingTestsOnPostgres(PostgresApp app) : AdsTxtEditingTests(app), IClassFixture<PostgresApp>;

using System.Net;
using System.Text.Json;
using Byline.Ads;
using Byline.Content;
using Byline.Storage;
using Byline.Tests.Discovery;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Ads;

/// <summary>The ad stack on a real database: the newsroom's forms, the eligible-creatives listing, counting and the click redirect.</summary>
public abstract class AdsTests(BylineApp app)
{
    private const string CreativeForm = "/newsroom/ads/creatives";

    private T Service<T>() where T : notnull => app.Services.GetRequiredService<T>();

    private async Task<AdCreative> CreativeAsync(Action<AdCreative>? change = null)
    {
        var creative = new AdCreative
        {
            Name = TestContent.Unique("creative"), Kind = AdCreativeKind.Html, Html = "<p><a href=\"https://advertiser.example/\">Offer</a></p>",
            Width = 300, Height = 250, ClickUrl = "https://advertiser.example/" + TestContent.Unique("landing"), Positions = "article-body,home-top",
            Weight = 1, UpdatedAt = TestContent.Now(),
        };
        change?.Invoke(creative);
        await app.WithDbAsync(async db =>
        {
            db.AdCreatives.Add(creative);
            return await db.SaveChangesAsync();
        });
        Service<AdCatalog>().Invalidate();
        return creative;
    }

    private async Task<List<int>> ListedAsync(string page, string section)
    {
        using var response = await app.GetAsync($"/ads/creatives.json?page={page}&section={section}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. doc.RootElement.GetProperty("creatives").EnumerateArray().Select(c => c.GetProperty("id").GetInt32())];
    }

    private Task<(int Impressions, int Clicks)> CountsAsync(int id) => app.WithDbAsync(async db =>
    {
        var rows = await db.AdCounts.Where(c => c.CreativeId == id).ToListAsync();
        return (rows.Sum(r => r.Impressions), rows.Sum(r => r.Clicks));
    });

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.TryAddWithoutValidation("User-Agent", DiscoveryTestKit.BrowserAgent);
        return await app.Client.SendAsync(request);
    }

    [DatabaseFact]
    public async Task The_listing_holds_running_creatives_of_the_page_type_and_section_only()
    {
        var section = await app.Content.SectionAsync();
        var everywhere = await CreativeAsync();
        var ofSection = await CreativeAsync(c => c.Sections = section.Slug);
        var ofOther = await CreativeAsync(c => c.Sections = "another-section");
        var ended = await CreativeAsync(c => c.EndsAt = TestContent.Now().AddHours(-1));
        var future = await CreativeAsync(c => c.StartsAt = TestContent.Now().AddDays(2));
        var off = await CreativeAsync(c => c.Enabled = false);
        var homeOnly = await CreativeAsync(c => c.Positions = "home-top");

        var article = await ListedAsync("article", section.Slug);

        Assert.Contains(everywhere.Id, article);
        Assert.Contains(ofSection.Id, article);
        Assert.DoesNotContain(ofOther.Id, article);
        Assert.DoesNotContain(ended.Id, article);
        Assert.DoesNotContain(future.Id, article);
        Assert.DoesNotContain(off.Id, article);
        Assert.DoesNotContain(homeOnly.Id, article);
        Assert.Contains(homeOnly.Id, await ListedAsync("home", ""));
    }

    [DatabaseFact]
    public async Task A_creative_for_a_section_also_runs_on_the_pages_of_its_sub_sections()
    {
        var parent = await app.Content.SectionAsync();
        var child = await app.Content.SectionAsync(parent);
        var sibling = await app.Content.SectionAsync();
        var ofParent = await CreativeAsync(c => { c.Sections = parent.Slug; c.Positions = "article-body,section-top"; });
        var ofChild = await CreativeAsync(c => { c.Sections = child.Slug; c.Positions = "article-body,section-top"; });

        foreach (var page in new[] { "article", "section" })
        {
            var onChild = await ListedAsync(page, child.Slug);
            Assert.Contains(ofParent.Id, onChild);
            Assert.Contains(ofChild.Id, onChild);
            var onParent = await ListedAsync(page, parent.Slug);
            Assert.Contains(ofParent.Id, onParent);
            Assert.DoesNotContain(ofChild.Id, onParent);
            Assert.DoesNotContain(ofParent.Id, await ListedAsync(page, sibling.Slug));
        }

        // The path rides along for Ad Manager's "section" key-value, top-level section first.
        using var response = await app.GetAsync($"/ads/creatives.json?page=article&section={child.Slug}");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal([parent.Slug, child.Slug], doc.RootElement.GetProperty("sections").EnumerateArray().Select(e => e.GetString()!));
    }

    [DatabaseFact]
    public async Task A_section_the_site_does_not_have_gets_the_listing_of_a_page_without_section()
    {
        var section = await app.Content.SectionAsync();
        var everywhere = await CreativeAsync();
        var ofSection = await CreativeAsync(c => c.Sections = section.Slug);

        var madeUp = await ListedAsync("article", "no-such-section-" + Guid.NewGuid().ToString("N")[..8]);

        Assert.Contains(everywhere.Id, madeUp);
        Assert.DoesNotContain(ofSection.Id, madeUp);
        using var response = await app.GetAsync("/ads/creatives.json?page=article&section=made-up-slug");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Empty(doc.RootElement.GetProperty("sections").EnumerateArray());
    }

    [DatabaseFact]
    public async Task The_slot_stylesheet_a_page_links_is_kept_a_year_and_any_other_version_an_hour()
    {
        var page = await app.PageAsync("/");
        var href = page.QuerySelector("link[rel=stylesheet][href^='/ads/slots.css']")?.GetAttribute("href");
        Assert.NotNull(href);

        using var linked = await app.GetAsync(href);
        using var old = await app.GetAsync("/ads/slots.css?v=0000000000");

        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        Assert.Contains("immutable", linked.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromDays(365), linked.Headers.CacheControl?.MaxAge);
        Assert.Equal(TimeSpan.FromHours(1), old.Headers.CacheControl?.MaxAge);
        Assert.Equal(await linked.Content.ReadAsStringAsync(), await old.Content.ReadAsStringAsync());
    }

    [DatabaseTheory]
    [InlineData("/ads/creatives.json?page=nowhere&section=", "ads.unknown-page")]
    [InlineData("/ads/creatives.json?page=article&section=%3Cscript%3E", "ads.invalid-section")]
    public async Task A_bad_listing_request_answers_400_with_a_code(string path, string code)
    {
        using var response = await app.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"code\":\"{code}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Impressions_and_clicks_are_counted_cookielessly_and_the_click_goes_only_to_the_stored_url()
    {
        var creative = await CreativeAsync();

        using (var impression = await SendAsync(HttpMethod.Post, $"/ads/i/{creative.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, impression.StatusCode);
            Assert.False(impression.Headers.Contains("Set-Cookie"));
        }
        using (var click = await SendAsync(HttpMethod.Get, $"/ads/click/{creative.Id}?url=https%3A%2F%2Fevil.example%2F&to=https://evil.example/"))
        {
            Assert.Equal(HttpStatusCode.Redirect, click.StatusCode);
            Assert.Equal(creative.ClickUrl, click.Headers.Location?.OriginalString);
            Assert.False(click.Headers.Contains("Set-Cookie"));
        }
        await Service<AdCounters>().FlushAsync(CancellationToken.None);

        Assert.Equal((1, 1), await CountsAsync(creative.Id));
    }

    [DatabaseFact]
    public async Task Repeated_beacons_from_one_client_count_once_and_bots_not_at_all()
    {
        var creative = await CreativeAsync();
        for (var i = 0; i < 50; i++)
        {
            using var response = await SendAsync(HttpMethod.Post, $"/ads/i/{creative.Id}");
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        var bot = await CreativeAsync();
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/ads/i/{bot.Id}", UriKind.Relative)))
        {
            request.Headers.TryAddWithoutValidation("User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1)");
            using var response = await app.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        await Service<AdCounters>().FlushAsync(CancellationToken.None);

        Assert.Equal((1, 0), await CountsAsync(creative.Id));
        Assert.Equal((0, 0), await CountsAsync(bot.Id));
    }

    [DatabaseTheory]
    [InlineData("POST", "/ads/i/abc", 400, "ads.invalid-beacon")]
    [InlineData("POST", "/ads/i/-5", 400, "ads.invalid-beacon")]
    [InlineData("POST", "/ads/i/99999999999999", 400, "ads.invalid-beacon")]
    [InlineData("POST", "/ads/i/2147483000", 404, "ads.unknown-creative")]
    [InlineData("GET", "/ads/click/abc?url=https://evil.example/", 404, "ads.unknown-creative")]
    [InlineData("GET", "/ads/click/2147483000", 404, "ads.unknown-creative")]
    public async Task Tampered_beacons_and_clicks_answer_4xx_problems(string method, string path, int status, string code)
    {
        using var response = await SendAsync(new HttpMethod(method), path);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains($"\"code\":\"{code}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task A_switched_off_creative_no_longer_redirects()
    {
        var creative = await CreativeAsync(c => c.Enabled = false);
        using var response = await SendAsync(HttpMethod.Get, $"/ads/click/{creative.Id}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static List<KeyValuePair<string, string>> Fields(params (string Name, string Value)[] fields) =>
        [.. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))];

    [DatabaseFact]
    public async Task An_html_creative_is_saved_sanitised_and_its_script_never_reaches_the_listing()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var name = TestContent.Unique("html-ad");
        using var saved = await admin.PostWithTokenAsync(CreativeForm, Fields(
            ("Name", name), ("Kind", "html"), ("Enabled", "true"),
            ("Html", "<p onclick=\"steal()\">Buy <b>now</b><script>window.parent.owned = 1</script><img src=x onerror=\"alert(1)\"></p>"),
            ("Width", "300"), ("Height", "250"), ("ClickUrl", "https://advertiser.example/buy"), ("Positions", "article-body"),
            ("Positions", "home-top"), ("Weight", "1"), ("DailyCap", "3")), CreativeForm);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var row = await app.WithDbAsync(db => db.AdCreatives.SingleAsync(c => c.Name == name));
        Assert.DoesNotContain("<script", row.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", row.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", row.Html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<b>now</b>", row.Html, StringComparison.Ordinal);
        Assert.Equal("article-body,home-top", row.Positions);
        Assert.Equal(3, row.DailyCap);

        using var listing = await app.GetAsync("/ads/creatives.json?page=article&section=");
        var json = await listing.Content.ReadAsStringAsync();
        Assert.Contains(row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), json, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\\u003Cscript", json, StringComparison.OrdinalIgnoreCase);
    }

    [DatabaseFact]
    public async Task Bad_creative_input_is_reported_beside_each_field_and_nothing_is_saved()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var name = TestContent.Unique("bad-ad");
        var big = await app.Content.ImageAsync();
        using var refused = await admin.PostWithTokenAsync(CreativeForm, Fields(
            ("Name", name), ("Kind", "image"), ("ImageId", big.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("ClickUrl", "javascript:alert(1)"), ("StartsAt", "2026-12-10T10:00"), ("EndsAt", "2026-12-09T10:00"),
            ("Positions", "article-body"), ("Positions", "sidebar-99"), ("Sections", "no-such-section-zz"), ("Weight", "1"), ("DailyCap", "0")), CreativeForm);

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var page = await NewsroomClient.ParseAsync(refused);
        string Error(string field) => page.QuerySelector($"[data-error-for='{field}']")?.TextContent ?? "";
        Assert.Contains("after the start", Error("EndsAt"), StringComparison.Ordinal);
        Assert.Contains("sidebar-99", Error("Positions"), StringComparison.Ordinal);
        Assert.Contains("1200 × 675", Error("ImageId"), StringComparison.Ordinal);
        Assert.Contains("https://", Error("ClickUrl"), StringComparison.Ordinal);
        Assert.Contains("no-such-section-zz", Error("Sections"), StringComparison.Ordinal);
        Assert.Equal("javascript:alert(1)", page.QuerySelector("input[name=ClickUrl]")?.GetAttribute("value"));
        Assert.Equal(name, page.QuerySelector("input[name=Name]")?.GetAttribute("value"));
        Assert.False(await app.WithDbAsync(db => db.AdCreatives.AnyAsync(c => c.Name == name)));
    }

    [DatabaseFact]
    public async Task Malformed_prebid_json_and_sizes_are_reported_beside_their_fields_and_the_settings_kept()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var before = app.Content.CurrentSettings.Ads;
        using var refused = await admin.SubmitAsync("/newsroom/ads", new Dictionary<string, string>
        {
            ["Positions[0].PrebidBids"] = "[{\"bidder\": \"appnexus\"",
            ["Positions[1].MobileSizes"] = "big",
            ["GamNetworkCode"] = "not-a-number",
        }, "form[data-form=ads-settings]");

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var page = await NewsroomClient.ParseAsync(refused);
        Assert.Contains("not valid JSON", page.QuerySelector("[data-error-for='Positions[0].PrebidBids']")?.TextContent ?? "", StringComparison.Ordinal);
        Assert.Contains("width x height", page.QuerySelector("[data-error-for='Positions[1].MobileSizes']")?.TextContent ?? "", StringComparison.Ordinal);
        Assert.Contains("network code", page.QuerySelector("[data-error-for='GamNetworkCode']")?.TextContent ?? "", StringComparison.Ordinal);
        Assert.Equal("[{\"bidder\": \"appnexus\"", page.QuerySelector("textarea[name='Positions[0].PrebidBids']")?.TextContent.Trim());
        Assert.Same(before, app.Content.CurrentSettings.Ads);
    }

    [DatabaseFact]
    public async Task An_article_page_reserves_distinctly_named_slots_and_loads_the_ad_script()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec { Paragraphs = 14 });

        var page = await app.PageAsync(story.Path);

        var slots = page.QuerySelectorAll("aside[data-ad-position='article-body']");
        Assert.True(slots.Length > 1, "expected several ad breaks in a long story");
        Assert.Equal(slots.Length, slots.Select(s => s.GetAttribute("aria-label")).Distinct().Count());
        Assert.All(slots, s => Assert.Equal(section.Slug, s.GetAttribute("data-ad-section")));
        Assert.NotNull(page.QuerySelector("link[rel=stylesheet][href^='/ads/slots.css']"));
        Assert.NotNull(page.QuerySelector("script[src^='/ads.js']"));
        // No third-party script in the page itself: the ad servers are loaded, if ever, by ads.js.
        Assert.DoesNotContain(page.QuerySelectorAll("script[src]"), s => !(s.GetAttribute("src") ?? "").StartsWith('/'));
    }
}

public sealed class AdsOnSqlite(SqliteApp app) : AdsTests(app), IClassFixture<SqliteApp>;

public sealed class AdsOnPostgres(PostgresApp app) : AdsTests(app), IClassFixture<PostgresApp>;

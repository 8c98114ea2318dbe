using System.Net;
using Byline.Caching;
using Byline.Content;
using Byline.Storage;
using Byline.Tests.Hosting;
using Byline.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Ads;

/// <summary>
/// The reader pages' Content-Security-Policy follows the newsroom's ad settings (docs/ads.md,
/// "Content-Security-Policy"): strict with ads off or first-party only, the ad servers' hosts added
/// on the page types whose slots may load them, and never a stale policy from the output cache.
/// </summary>
public abstract class AdCspTests(BylineApp app) : IAsyncLifetime
{
    private const string Gpt = "https://securepubads.g.doubleclick.net";
    private const string SafeFrame = "https://*.safeframe.googlesyndication.com";
    private const string Marker = "Byline-Ad-Page";

    private SiteSettingsStore Store => app.Services.GetRequiredService<SiteSettingsStore>();

    private AdSettings _before = new();

    public Task InitializeAsync()
    {
        _before = Store.Current.Ads;
        return Task.CompletedTask;
    }

    // Each test starts from the settings it found; the next one sees no ad server it did not set.
    public Task DisposeAsync() => Store.SaveAsync(Store.Current with { Ads = _before }, CancellationToken.None);

    private static AdSettings WithGam(AdSettings ads, params string[] positions) => ads with
    {
        GamNetworkCode = "21812345",
        Positions = [.. ads.All().Select(p => p.Config with { GamUnit = positions.Contains(p.Info.Key) ? "/21812345/" + p.Info.Key : "" })],
    };

    private void Apply(Func<AdSettings, AdSettings> change) => Store.Apply(Store.Current with { Ads = change(Store.Current.Ads) });

    private async Task<(string Csp, string? Cache)> PolicyAsync(string path)
    {
        using var response = await app.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The page type marker is for the header middleware only.
        Assert.Null(Hardening.Header(response, Marker));
        var cache = response.Headers.TryGetValues(CacheHeaders.XCache, out var v) ? v.Single() : null;
        return (Hardening.Header(response, "Content-Security-Policy") ?? "", cache);
    }

    private static string Directive(string csp, string name) =>
        csp.Split(';', StringSplitOptions.TrimEntries).SingleOrDefault(d => d.StartsWith(name + " ", StringComparison.Ordinal)) ?? "";

    private static List<KeyValuePair<string, string>> Form(AdSettings ads, string partnerHosts, params (string Key, string Unit, string Bids)[] positions)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("Label", ads.Label), new("GamNetworkCode", "21812345"), new("GamScriptUrl", AdSettings.DefaultGptUrl),
            new("PrebidScriptUrl", positions.Any(p => p.Bids.Length > 0) ? "https://cdn.publisher.example/prebid/9.0/prebid.js" : ""),
            new("PrebidTimeoutMs", "1000"), new("PartnerHosts", partnerHosts),
        };
        var i = 0;
        foreach (var (info, config) in ads.All())
        {
            var p = positions.FirstOrDefault(x => x.Key == info.Key);
            fields.Add(new($"Positions[{i}].Key", info.Key));
            fields.Add(new($"Positions[{i}].Enabled", config.Enabled ? "true" : "false"));
            fields.Add(new($"Positions[{i}].MobileSizes", config.MobileSizes));
            fields.Add(new($"Positions[{i}].DesktopSizes", config.DesktopSizes));
            fields.Add(new($"Positions[{i}].GamUnit", p.Unit ?? ""));
            fields.Add(new($"Positions[{i}].PrebidBids", p.Bids ?? ""));
            i++;
        }
        return fields;
    }

    [DatabaseFact]
    public async Task With_ads_off_or_first_party_only_every_reader_page_keeps_the_strict_policy()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec { Paragraphs = 10 });
        var (strict, _) = await PolicyAsync("/search?q=policy");

        foreach (var path in new[] { "/", "/" + section.Slug, story.Path })
        {
            var (csp, _) = await PolicyAsync(path);
            Assert.Equal(strict, csp);
        }
        Assert.Equal("script-src 'self'", Directive(strict, "script-src"));
        Assert.Equal("connect-src 'self'", Directive(strict, "connect-src"));
        Assert.DoesNotContain("doubleclick", strict, StringComparison.Ordinal);

        // A network code alone loads nothing: no position names an ad unit.
        Apply(ads => ads with { GamNetworkCode = "21812345" });
        Assert.Equal(strict, (await PolicyAsync("/")).Csp);
    }

    [DatabaseFact]
    public async Task Ad_Manager_set_in_the_newsroom_adds_its_hosts_on_the_page_types_whose_slots_use_it()
    {
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section, new StorySpec { Paragraphs = 10 });
        var (strict, _) = await PolicyAsync("/search?q=policy");
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);

        using var saved = await admin.PostWithTokenAsync("/newsroom/ads",
            Form(Store.Current.Ads, "", ("home-top", "/21812345/home", ""), ("article-body", "/21812345/article", "")), "/newsroom/ads");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        foreach (var path in new[] { "/", "/", story.Path })
        {
            var (csp, _) = await PolicyAsync(path);
            Assert.Contains(Gpt, Directive(csp, "script-src"), StringComparison.Ordinal);
            Assert.Contains(SafeFrame, Directive(csp, "frame-src"), StringComparison.Ordinal);
            Assert.Contains(Gpt, Directive(csp, "connect-src"), StringComparison.Ordinal);
            Assert.Contains(Gpt, Directive(csp, "img-src"), StringComparison.Ordinal);
            // Everything else stays as it was.
            Assert.Equal(Directive(strict, "default-src"), Directive(csp, "default-src"));
            Assert.Equal(Directive(strict, "frame-ancestors"), Directive(csp, "frame-ancestors"));
            Assert.Equal(Directive(strict, "object-src"), Directive(csp, "object-src"));
        }
        // The section front's position has no ad unit, the search page no slot, the newsroom no ads.
        Assert.Equal(strict, (await PolicyAsync("/" + section.Slug)).Csp);
        Assert.Equal(strict, (await PolicyAsync("/search?q=policy")).Csp);
        using var newsroom = await admin.GetAsync("/newsroom/ads");
        Assert.DoesNotContain("doubleclick", Hardening.Header(newsroom, "Content-Security-Policy"), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task A_page_served_from_the_cache_gets_the_policy_of_the_current_ad_settings()
    {
        var (strict, _) = await PolicyAsync("/");
        Assert.Equal("HIT", (await PolicyAsync("/")).Cache);

        // Held in memory without any purge: only the header middleware can tell.
        Apply(ads => WithGam(ads, "home-top"));
        var (withGam, cache) = await PolicyAsync("/");
        Assert.Equal("HIT", cache);
        Assert.Contains(Gpt, Directive(withGam, "script-src"), StringComparison.Ordinal);

        Apply(_ => _before);
        var (again, cacheAgain) = await PolicyAsync("/");
        Assert.Equal("HIT", cacheAgain);
        Assert.Equal(strict, again);
    }

    [DatabaseFact]
    public async Task Prebid_adds_its_script_host_and_the_partner_hosts_the_newsroom_lists()
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        using var saved = await admin.PostWithTokenAsync("/newsroom/ads", Form(Store.Current.Ads, "https://ib.bidder.example\nhttps://*.sync.bidder.example",
            ("home-top", "/21812345/home", "[{\"bidder\": \"appnexus\", \"params\": {\"placementId\": 13144370}}]")), "/newsroom/ads");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var (csp, _) = await PolicyAsync("/");

        Assert.Contains("https://cdn.publisher.example", Directive(csp, "script-src"), StringComparison.Ordinal);
        Assert.DoesNotContain("bidder.example", Directive(csp, "script-src"), StringComparison.Ordinal);
        foreach (var directive in new[] { "connect-src", "img-src", "frame-src" })
        {
            Assert.Contains("https://ib.bidder.example", Directive(csp, directive), StringComparison.Ordinal);
            Assert.Contains("https://*.sync.bidder.example", Directive(csp, directive), StringComparison.Ordinal);
        }

        // A Prebid build the site hosts itself is 'self' already.
        Apply(ads => ads with { PrebidScriptUrl = "/js/prebid.js" });
        Assert.DoesNotContain("cdn.publisher.example", (await PolicyAsync("/")).Csp, StringComparison.Ordinal);
    }

    [DatabaseTheory]
    [InlineData("'unsafe-inline'")]
    [InlineData("https:")]
    [InlineData("https://*")]
    [InlineData("http://ib.bidder.example")]
    [InlineData("https://ib.bidder.example/path")]
    [InlineData("https://ib.bidder.example; script-src *")]
    public async Task A_partner_host_that_is_not_a_plain_https_host_is_refused_beside_the_field(string host)
    {
        var admin = await NewsroomClient.ForRoleAsync(app, Roles.Admin);
        var before = Store.Current.Ads;

        using var refused = await admin.PostWithTokenAsync("/newsroom/ads", Form(before, "https://ok.bidder.example\n" + host,
            ("home-top", "/21812345/home", "")), "/newsroom/ads");

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var page = await NewsroomClient.ParseAsync(refused);
        Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector("[data-error-for='PartnerHosts']")?.TextContent));
        Assert.Contains(host, page.QuerySelector("textarea[name='PartnerHosts']")?.TextContent ?? "", StringComparison.Ordinal);
        Assert.Same(before, Store.Current.Ads);
    }
}

public sealed class AdCspOnSqlite(SqliteApp app) : AdCspTests(app), IClassFixture<SqliteApp>;

public sealed class AdCspOnPostgres(PostgresApp app) : AdCspTests(app), IClassFixture<PostgresApp>;

using Byline.Ads;
using Byline.Content;
using Byline.Storage;

namespace Byline.Tests.Ads;

/// <summary>The pure rules: which creatives a page may show, and what the newsroom may save.</summary>
public sealed class AdRulesTests
{
    private static readonly DateTime Now = new(2026, 12, 7, 10, 0, 0, DateTimeKind.Utc);
    private static readonly AdSettings Settings = new();

    private static AdCreative Creative(string positions = "article-body", string sections = "", DateTime? start = null, DateTime? end = null) =>
        new() { Name = "c", Positions = positions, Sections = sections, StartsAt = start, EndsAt = end, Weight = 1, ClickUrl = "https://example.org/" };

    [Fact]
    public void A_running_creative_is_eligible_on_its_page_type_only()
    {
        Assert.True(AdRules.Eligible(Creative(), Settings, AdPageTypes.Article, "news", Now));
        Assert.False(AdRules.Eligible(Creative(), Settings, AdPageTypes.Home, "", Now));
    }

    [Fact]
    public void Dates_bound_a_creative()
    {
        Assert.False(AdRules.Eligible(Creative(end: Now.AddMinutes(-1)), Settings, AdPageTypes.Article, "", Now));
        Assert.False(AdRules.Eligible(Creative(start: Now.AddHours(2)), Settings, AdPageTypes.Article, "", Now));
        Assert.True(AdRules.Eligible(Creative(start: Now.AddHours(-2), end: Now.AddHours(2)), Settings, AdPageTypes.Article, "", Now));
        // Listed a little ahead of its start (a listing is cached); the browser checks the exact time.
        Assert.True(AdRules.Eligible(Creative(start: Now.AddMinutes(2)), Settings, AdPageTypes.Article, "", Now));
    }

    [Fact]
    public void Sections_limit_a_creative_and_empty_means_every_page()
    {
        Assert.True(AdRules.Eligible(Creative(sections: "sport,business"), Settings, AdPageTypes.Article, "sport", Now));
        Assert.False(AdRules.Eligible(Creative(sections: "sport,business"), Settings, AdPageTypes.Article, "politics", Now));
        Assert.True(AdRules.Eligible(Creative(sections: ""), Settings, AdPageTypes.Article, "politics", Now));
    }

    [Fact]
    public void A_section_path_makes_a_parent_sections_creative_eligible_on_its_sub_sections()
    {
        var parentOf = new Dictionary<string, string?> { ["world"] = null, ["us-news"] = "world", ["elections"] = "us-news", ["sport"] = null };

        Assert.Equal(["world", "us-news", "elections"], AdRules.SectionPath("elections", parentOf));
        Assert.Empty(AdRules.SectionPath("nowhere", parentOf));
        Assert.True(AdRules.Eligible(Creative(sections: "world"), Settings, AdPageTypes.Article, AdRules.SectionPath("elections", parentOf), Now));
        Assert.False(AdRules.Eligible(Creative(sections: "elections"), Settings, AdPageTypes.Article, AdRules.SectionPath("world", parentOf), Now));
        Assert.False(AdRules.Eligible(Creative(sections: "world"), Settings, AdPageTypes.Article, AdRules.SectionPath("sport", parentOf), Now));
        // A loop in a hand-edited tree ends the walk instead of hanging it.
        Assert.Empty(AdRules.SectionPath("a", new Dictionary<string, string?> { ["a"] = "b", ["b"] = "a" }));
    }

    [Fact]
    public void Ads_off_or_first_party_only_add_no_host_to_the_policy()
    {
        Assert.True(AdHosts.For(Settings, AdPageTypes.Home).IsEmpty);
        Assert.True(AdHosts.For(Settings with { GamNetworkCode = "1234" }, AdPageTypes.Home).IsEmpty);
        var unitOnHome = Settings with { GamNetworkCode = "1234", Positions = [new AdPosition { Key = "home-top", GamUnit = "/1234/home" }] };
        Assert.False(AdHosts.For(unitOnHome, AdPageTypes.Home).IsEmpty);
        Assert.True(AdHosts.For(unitOnHome, AdPageTypes.Article).IsEmpty);
        Assert.True(AdHosts.For(unitOnHome with { GamNetworkCode = "" }, AdPageTypes.Home).IsEmpty);
    }

    [Fact]
    public void The_gpt_and_prebid_script_origins_are_added_and_partner_hosts_never_as_scripts()
    {
        var ads = Settings with
        {
            GamNetworkCode = "1234", GamScriptUrl = "http://127.0.0.1:5184/gpt.js", PrebidScriptUrl = "https://cdn.publisher.example/pb.js",
            PartnerHosts = "https://ib.bidder.example\nnot a host",
            Positions = [new AdPosition { Key = "home-top", GamUnit = "/1234/home", PrebidBids = "[{\"bidder\":\"x\"}]" }],
        };
        var sources = AdHosts.For(ads, AdPageTypes.Home);

        Assert.Contains("http://127.0.0.1:5184", sources.Script);
        Assert.Contains("https://cdn.publisher.example", sources.Script);
        Assert.Contains("https://securepubads.g.doubleclick.net", sources.Script);
        Assert.DoesNotContain("https://ib.bidder.example", sources.Script);
        Assert.Contains("https://ib.bidder.example", sources.Connect);
        Assert.DoesNotContain(sources.Connect, h => h.Contains(' ', StringComparison.Ordinal) || h.Contains("not", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://ib.bidder.example", true)]
    [InlineData("https://*.bidder.example", true)]
    [InlineData("https://ib.bidder.example:8443", true)]
    [InlineData("https://*", false)]
    [InlineData("https:", false)]
    [InlineData("*", false)]
    [InlineData("'unsafe-eval'", false)]
    [InlineData("http://ib.bidder.example", false)]
    [InlineData("https://ib.bidder.example/path", false)]
    [InlineData("https://localhost", false)]
    [InlineData("https://ib.bidder.example;", false)]
    public void Partner_hosts_are_plain_https_hosts(string host, bool ok) => Assert.Equal(ok, AdHosts.PartnerHostProblem(host) is null);

    [Fact]
    public void Unknown_or_switched_off_positions_make_nothing_eligible()
    {
        Assert.False(AdRules.Eligible(Creative(positions: "sidebar-99"), Settings, AdPageTypes.Article, "", Now));
        var off = Settings with { Positions = [new AdPosition { Key = "article-body", Enabled = false }] };
        Assert.False(AdRules.Eligible(Creative(), off, AdPageTypes.Article, "", Now));
        Assert.Equal("home-top", Assert.Single(AdRules.PositionsOn(Creative(positions: "home-top,article-body,nowhere"), Settings, AdPageTypes.Home)));
    }

    [Theory]
    [InlineData("https://advertiser.example/offer?x=1", true)]
    [InlineData("http://advertiser.example/", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("/relative", false)]
    [InlineData("//evil.example", false)]
    [InlineData("https://user:pw@evil.example/", false)]
    [InlineData("", false)]
    public void Click_urls_are_absolute_http_only(string url, bool ok) => Assert.Equal(ok, AdRules.IsClickUrl(url));

    [Theory]
    [InlineData("", true)]
    [InlineData("[{\"bidder\":\"appnexus\",\"params\":{\"placementId\":1}}]", true)]
    [InlineData("[{\"bidder\":\"appnexus\"", false)]
    [InlineData("{\"bidder\":\"x\"}", false)]
    [InlineData("[{\"params\":{}}]", false)]
    public void Prebid_bids_must_be_an_array_of_named_bidders(string json, bool ok) => Assert.Equal(ok, AdRules.PrebidBidsProblem(json) is null);

    [Fact]
    public void The_reservation_stylesheet_reserves_the_tallest_size_per_breakpoint()
    {
        var css = (Settings with { Positions = [new AdPosition { Key = "home-top", MobileSizes = "320x50,300x250", DesktopSizes = "728x90,970x250,300x600" }] }).ReservationCss();
        var desktop = css.IndexOf("@media (min-width: 768px)", StringComparison.Ordinal);
        Assert.Contains(".ad-pos-home-top .ad-slot{min-height:250px}", css[..desktop], StringComparison.Ordinal);
        Assert.Contains(".ad-pos-home-top .ad-slot{min-height:600px}", css[desktop..], StringComparison.Ordinal);
    }

    [Fact]
    public void An_html_creatives_links_all_lead_to_its_click_route()
    {
        var framed = AdCatalog.Framed(new AdCreative { Id = 42, Name = "x", Html = "<p><a href=\"https://elsewhere.example/\">Go</a> <a href=\"javascript:x\">x</a></p>" });
        Assert.DoesNotContain("elsewhere.example", framed, StringComparison.Ordinal);
        Assert.Equal(2, framed.Split("href=\"/ads/click/42\"").Length - 1);
    }

    [Fact]
    public void Slot_names_are_distinct_when_a_page_has_several()
    {
        Assert.Equal("Advertisement 2 of 3", new AdSlot(Settings, "article-body", "", "label", 2, 3).Name);
        Assert.Equal("Advertisement", new AdSlot(Settings, "home-top", "", "label").Name);
    }
}

using Byline.Content;
using Byline.Distribution;
using Byline.Media;
using Byline.Site.Head;

namespace Byline.Tests.Distribution;

/// <summary>The small rules of distribution: ads.txt lines, headline cuts, feed dates, news language codes, crop names.</summary>
public sealed class DistributionRulesTests
{
    [Theory]
    [InlineData("")]
    [InlineData("# only a comment")]
    [InlineData("example-exchange.com, pub-0000000000000000, DIRECT, f08c47fec0942fa0")]
    [InlineData("ads.example.org, 12345, RESELLER")]
    [InlineData("ads.example.org, 12345, reseller # lower case and a trailing comment")]
    [InlineData("contact=ads@example.com")]
    [InlineData("subdomain=sport.example.com")]
    [InlineData("OWNERDOMAIN=example.com")]
    [InlineData("MANAGERDOMAIN=manager.example.net")]
    [InlineData("\n\n  \r\nexample-exchange.com, 1, DIRECT\r\n")]
    public void Valid_ads_txt_has_no_errors(string text) => Assert.Empty(AdsTxt.Validate(text));

    [Theory]
    [InlineData("example-exchange.com, pub-1", 1)]
    [InlineData("example-exchange.com, pub-1, PARTNER", 1)]
    [InlineData("not a domain, pub-1, DIRECT", 1)]
    [InlineData("example.com, , DIRECT", 1)]
    [InlineData("example.com, 1, DIRECT, cert id with spaces", 1)]
    [InlineData("example.com, 1, DIRECT, a, b", 1)]
    [InlineData("colour=blue", 1)]
    [InlineData("subdomain=", 1)]
    [InlineData("# fine\nexample.com, 1, DIRECT\nexample.com 1 DIRECT\nbad", 3)]
    public void Invalid_ads_txt_lines_are_reported_with_their_numbers(string text, int firstBadLine)
    {
        var errors = AdsTxt.Validate(text);
        Assert.NotEmpty(errors);
        Assert.Equal(firstBadLine, errors[0].Line);
    }

    [Fact]
    public void Headlines_are_cut_at_a_word_within_110_characters_with_an_ellipsis()
    {
        var longOne = string.Join(' ', Enumerable.Repeat("word", 80));
        var cut = StructuredData.Headline(longOne);
        Assert.True(cut.Length <= 110);
        Assert.EndsWith("word…", cut, StringComparison.Ordinal);
        Assert.Equal("Short one", StructuredData.Headline("  Short   one "));
        Assert.True(StructuredData.Headline(new string('x', 300)).Length <= 110);
    }

    [Fact]
    public void Rss_dates_are_rfc_822_in_the_publication_zone()
    {
        var utc = new DateTime(2025, 4, 25, 17, 55, 55, DateTimeKind.Utc);
        Assert.Equal("Fri, 25 Apr 2025 23:25:55 +0530", FeedWriter.Rfc822(new Dateline("Asia/Kolkata"), utc));
        Assert.Equal("Fri, 25 Apr 2025 13:55:55 -0400", FeedWriter.Rfc822(new Dateline("America/New_York"), utc));
        Assert.Equal("Fri, 25 Apr 2025 17:55:55 +0000", FeedWriter.Rfc822(new Dateline("UTC"), utc));
    }

    [Theory]
    [InlineData("en-IN", "en")]
    [InlineData("hi", "hi")]
    [InlineData("pt_BR", "pt")]
    [InlineData("zh-TW", "zh-tw")]
    [InlineData("zh-Hans", "zh-cn")]
    [InlineData("", "en")]
    public void News_language_is_an_iso_639_code(string setting, string expected) =>
        Assert.Equal(expected, SitemapWriter.NewsLanguage(setting));

    [Theory]
    [InlineData("1200x900.jpg", true)]
    [InlineData("1200x1200.jpg", true)]
    [InlineData("1200x901.jpg", false)]
    [InlineData("1200x900.webp", false)]
    [InlineData("01200x900.jpg", false)]
    [InlineData("1200X900.jpg", false)]
    public void Only_the_store_s_crop_sizes_resolve(string file, bool resolves)
    {
        Assert.Equal(resolves, MediaEndpoints.TryResolve("some-key", file, out var type));
        if (resolves)
        {
            Assert.Equal("image/jpeg", type);
        }
    }

    [Fact]
    public void Short_names_fit_a_home_screen()
    {
        Assert.Equal("Byline Times", DistributionExtensions.ShortName("The Byline Times"));
        Assert.True(DistributionExtensions.ShortName("The Extraordinarily Long Publication Name").Length <= 12);
    }
}

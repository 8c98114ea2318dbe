using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Byline.Content;

namespace Byline.Tests.Content;

public sealed class EmbedTests
{
    private static IElement Figure(string html)
    {
        var doc = new HtmlParser().ParseDocument($"<body>{html}</body>");
        return Assert.Single(doc.Body!.Children);
    }

    private static BodyBlock Single(string markdown) => Assert.Single(BodyDocument.Render(markdown));

    [Theory]
    [InlineData("https://www.youtube.com/watch?v=dQw4w9WgXcQ")]
    [InlineData("https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ")]
    [InlineData("<https://www.youtube.com/watch?v=dQw4w9WgXcQ>")]
    [InlineData("https://youtu.be/dQw4w9WgXcQ")]
    [InlineData("https://m.youtube.com/shorts/dQw4w9WgXcQ")]
    [InlineData("<https://www.youtube.com/shorts/dQw4w9WgXcQ>")]
    public void A_youtube_url_alone_becomes_a_privacy_enhanced_player(string markdown)
    {
        var block = Single(markdown);

        Assert.Equal(BlockKind.Embed, block.Kind);
        var figure = Figure(block.Html);
        Assert.Equal("figure", figure.LocalName);
        Assert.True(figure.ClassList.Contains("embed-video"));
        var frame = Assert.Single(figure.Children);
        Assert.Equal("iframe", frame.LocalName);
        Assert.Equal("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", frame.GetAttribute("src"));
        Assert.Equal("lazy", frame.GetAttribute("loading"));
        Assert.NotNull(frame.GetAttribute("title"));
        Assert.Equal("strict-origin-when-cross-origin", frame.GetAttribute("referrerpolicy"));
    }

    [Theory]
    [InlineData("https://vimeo.com/76979871")]
    [InlineData("<https://www.vimeo.com/76979871/>")]
    public void A_vimeo_url_alone_becomes_a_vimeo_player(string markdown)
    {
        var block = Single(markdown);

        Assert.Equal(BlockKind.Embed, block.Kind);
        var frame = Assert.Single(Figure(block.Html).Children);
        Assert.StartsWith("https://player.vimeo.com/video/76979871", frame.GetAttribute("src"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://x.com/someone/status/1234567890", "X")]
    [InlineData("https://twitter.com/someone/status/1234567890", "X")]
    [InlineData("<https://www.instagram.com/p/Cabc123/>", "Instagram")]
    [InlineData("https://www.facebook.com/somepage/posts/42", "Facebook")]
    [InlineData("https://example.org/reports/2025/budget", "Link")]
    public void Social_posts_and_other_pages_become_a_link_card_without_scripts(string markdown, string provider)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var block = Single(markdown);

        Assert.Equal(BlockKind.Embed, block.Kind);
        var figure = Figure(block.Html);
        Assert.True(figure.ClassList.Contains("embed-link"));
        Assert.Empty(figure.QuerySelectorAll("script, iframe"));
        var link = Assert.Single(figure.Children);
        Assert.Equal("a", link.LocalName);
        Assert.Equal(markdown.Trim('<', '>'), link.GetAttribute("href"));
        Assert.Contains("noopener", link.GetAttribute("rel"), StringComparison.Ordinal);
        Assert.StartsWith(provider + ":", link.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://www.youtube.com/watch?v=abc")]
    [InlineData("https://www.youtube.com/watch?v=this-id-is-far-too-long-to-be-real")]
    [InlineData("https://youtu.be/bad*id!x")]
    [InlineData("https://www.youtube.com/watch")]
    [InlineData("<https://youtube.com/watch?v=%22%3E%3Cscript%3Ealert(1)%3C/script%3E>")]
    [InlineData("https://vimeo.com/channels/staffpicks")]
    public void A_provider_url_without_a_valid_id_is_a_link_card_not_a_player(string markdown)
    {
        var block = Single(markdown);

        Assert.Equal(BlockKind.Embed, block.Kind);
        var figure = Figure(block.Html);
        Assert.True(figure.ClassList.Contains("embed-link"));
        Assert.Empty(figure.QuerySelectorAll("script, iframe"));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==")]
    [InlineData("<data:text/html,<script>alert(1)</script>>")]
    [InlineData("https://youtube.com/watch?v=\"><script>alert(1)</script>")]
    [InlineData("<https://youtube.com/watch?v=\"><script>alert(1)</script>>")]
    [InlineData("https://youtube.com/watch?v=\" onload=\"alert(1)")]
    [InlineData("<https://>")]
    public void Hostile_or_malformed_urls_stay_inert_text(string markdown)
    {
        foreach (var block in BodyDocument.Render(markdown))
        {
            Assert.NotEqual(BlockKind.Embed, block.Kind);
            var body = new HtmlParser().ParseDocument($"<body>{block.Html}</body>").Body!;
            Assert.Empty(body.QuerySelectorAll("script, iframe"));
            Assert.DoesNotContain(body.QuerySelectorAll("*").SelectMany(e => e.Attributes), a => a.Name.StartsWith("on", StringComparison.Ordinal));
            Assert.DoesNotContain(body.QuerySelectorAll("[href]"), e => !e.GetAttribute("href")!.StartsWith("http", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Attribute_values_in_a_link_card_are_encoded()
    {
        var block = Single("<https://example.org/a?b=1&c=%22x%22>");

        Assert.Equal(BlockKind.Embed, block.Kind);
        Assert.DoesNotContain("&c=", block.Html, StringComparison.Ordinal);
        var link = Figure(block.Html).Children.Single();
        Assert.Equal("https://example.org/a?b=1&c=%22x%22", link.GetAttribute("href"));
    }

    [Theory]
    [InlineData("Watch https://youtu.be/dQw4w9WgXcQ before the match.")]
    [InlineData("Watch <https://youtu.be/dQw4w9WgXcQ> before the match.")]
    [InlineData("[The clip](https://youtu.be/dQw4w9WgXcQ)")]
    [InlineData("https://youtu.be/dQw4w9WgXcQ.")]
    public void A_url_inside_a_sentence_or_with_link_text_stays_a_link_in_a_paragraph(string markdown)
    {
        var block = Single(markdown);

        Assert.Equal(BlockKind.Paragraph, block.Kind);
        var body = new HtmlParser().ParseDocument($"<body>{block.Html}</body>").Body!;
        Assert.Empty(body.QuerySelectorAll("iframe"));
        Assert.Equal("https://youtu.be/dQw4w9WgXcQ", body.QuerySelector("p > a")?.GetAttribute("href"));
    }

    [Fact]
    public void Embeds_sit_between_paragraphs_in_order()
    {
        var blocks = BodyDocument.Render("First.\n\nhttps://youtu.be/dQw4w9WgXcQ\n\n<https://x.com/a/status/1>\n\nLast.");

        Assert.Equal(new[] { BlockKind.Paragraph, BlockKind.Embed, BlockKind.Embed, BlockKind.Paragraph }, blocks.Select(b => b.Kind));
    }

    [Fact]
    public void The_layout_rule_does_not_count_embeds_as_paragraphs()
    {
        var blocks = BodyDocument.Render("One.\n\nhttps://youtu.be/dQw4w9WgXcQ\n\nTwo.\n\nhttps://vimeo.com/1\n\nThree.\n\nFour.");
        var rule = new InsertionRule(AdEveryParagraphs: 2, MaxAds: 5, MoreFromAfterParagraph: 0, ShortNewsAfterParagraph: 0);

        var items = BodyLayout.Arrange(blocks, rule);

        // An ad after the 2nd paragraph ("Two."), not after the 2nd block (the first embed).
        var kinds = string.Concat(items.Select(i => i.Block is { } b ? (b.Kind == BlockKind.Embed ? "E" : "P") : "A"));
        Assert.Equal("PEPAEPP", kinds);
    }
}

using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Byline.Content;

namespace Byline.Tests.Content;

public sealed class BodyDocumentTests
{
    [Fact]
    public void Each_top_level_markdown_block_becomes_one_block_of_its_kind()
    {
        const string markdown = """
            A paragraph with *emphasis* and a [link](https://example.org/a).

            ## A sub-heading

            > A quote from someone.

            - one
            - two

            ![A river at dawn](https://example.org/river.jpg)

            ```
            code
            ```
            """;
        var blocks = BodyDocument.Render(markdown);
        Assert.Equal(
            new[] { BlockKind.Paragraph, BlockKind.Heading, BlockKind.Quote, BlockKind.List, BlockKind.Figure, BlockKind.Other },
            blocks.Select(b => b.Kind));
        Assert.StartsWith("<p>", blocks[0].Html, StringComparison.Ordinal);
        Assert.Contains("<em>emphasis</em>", blocks[0].Html, StringComparison.Ordinal);
        Assert.StartsWith("<h2", blocks[1].Html, StringComparison.Ordinal);
        Assert.StartsWith("<blockquote", blocks[2].Html, StringComparison.Ordinal);
        Assert.StartsWith("<ul", blocks[3].Html, StringComparison.Ordinal);
        Assert.Contains("alt=\"A river at dawn\"", blocks[4].Html, StringComparison.Ordinal);
    }

    [Fact]
    public void An_image_with_text_beside_it_is_a_paragraph_not_a_figure()
    {
        var blocks = BodyDocument.Render("See ![x](https://example.org/x.jpg) here.");
        Assert.Equal(BlockKind.Paragraph, Assert.Single(blocks).Kind);
    }

    [Fact]
    public void Link_reference_definitions_and_blank_lines_make_no_block()
    {
        var blocks = BodyDocument.Render("Read [the report][r].\n\n\n\n[r]: https://example.org/report\n");
        var block = Assert.Single(blocks);
        Assert.Contains("href=\"https://example.org/report\"", block.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_markdown_renders_no_blocks()
    {
        Assert.Empty(BodyDocument.Render(""));
        Assert.Empty(BodyDocument.Render(null!));
    }

    private static readonly string[] ActiveElements = ["script", "iframe", "object", "embed", "svg", "style"];

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("Before <script>alert(1)</script> after")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<img src=\"https://example.org/a.jpg\" onerror=\"alert(1)\">")]
    [InlineData("[click me](javascript:alert(1))")]
    [InlineData("<a href=\"JaVaScRiPt:alert(1)\">click</a>")]
    [InlineData("<a href=\"&#106;avascript:alert(1)\">click</a>")]
    [InlineData("<svg onload=alert(1)>")]
    [InlineData("<svg><script>alert(1)</script></svg>")]
    [InlineData("<iframe src=\"https://evil.example/\"></iframe>")]
    [InlineData("<p style=\"background:url(javascript:alert(1))\">styled</p>")]
    [InlineData("<object data=\"x.swf\"></object><embed src=\"x.swf\">")]
    [InlineData("![x](javascript:alert(1))")]
    [InlineData("<div onclick=\"alert(1)\">Text</div>")]
    public void Hostile_markup_comes_out_inert(string markdown)
    {
        var blocks = BodyDocument.Render(markdown);
        var parser = new HtmlParser();
        foreach (var block in blocks)
        {
            var fragment = parser.ParseDocument($"<body>{block.Html}</body>").Body!;
            foreach (var element in fragment.QuerySelectorAll("*"))
            {
                Assert.DoesNotContain(element.LocalName, ActiveElements);
                foreach (var attribute in element.Attributes)
                {
                    Assert.False(attribute.LocalName.StartsWith("on", StringComparison.OrdinalIgnoreCase),
                        $"event handler {attribute.LocalName} kept in {block.Html}");
                    Assert.NotEqual("style", attribute.LocalName);
                    if (attribute.LocalName is "href" or "src")
                    {
                        Assert.False(attribute.Value.Trim().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase),
                            $"{attribute.LocalName}={attribute.Value} kept in {block.Html}");
                    }
                }
            }
            Assert.DoesNotContain("javascript:", block.Html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Forms_and_inputs_from_the_editor_are_dropped()
    {
        // A story body that posts readers' input elsewhere is a phishing vector, script or not.
        var html = string.Concat(BodyDocument.Render("<form action=\"https://evil.example/\"><input name=\"card\"><button>Pay</button></form>").Select(b => b.Html));
        var body = new HtmlParser().ParseDocument($"<body>{html}</body>").Body!;
        Assert.Empty(body.QuerySelectorAll("form, input, button, select, textarea"));
    }

    [Fact]
    public void Ordinary_links_and_mail_links_are_kept()
    {
        var html = string.Concat(BodyDocument.Render("[site](https://example.org/) and [mail](mailto:desk@example.org)").Select(b => b.Html));
        Assert.Contains("href=\"https://example.org/\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"mailto:desk@example.org\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Blocks_survive_a_round_trip_through_their_stored_form()
    {
        var blocks = BodyDocument.Render("One.\n\n## Two\n\n> Three");
        var json = BodyDocument.Serialize(blocks);
        Assert.Equal(blocks, BodyDocument.Deserialize(json));
        Assert.Contains("\"kind\":\"Heading\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("[]", 0)]
    public void Stored_empty_bodies_read_as_no_blocks(string json, int count) =>
        Assert.Equal(count, BodyDocument.Deserialize(json).Count);

    [Theory]
    [InlineData("", 0)]
    [InlineData("One two three.", 3)]
    [InlineData("India's well-known state-run bank", 4)]
    [InlineData("**Bold** _words_ - and # marks", 4)]
    public void Words_are_counted_as_readers_see_them(string markdown, int words) =>
        Assert.Equal(words, BodyDocument.CountWords(markdown));
}

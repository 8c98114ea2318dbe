using Byline.Content;
using Byline.Importing;
using Byline.Redirects;

namespace Byline.Tests.Importing;

/// <summary>WordPress bodies into Byline's blocks: classic, Gutenberg and shortcodes, with links and pictures mapped.</summary>
public sealed class WordPressBodyTests
{
    private sealed class Context : IBodyContext
    {
        public bool IsOldSite(Uri uri) => uri.Host is "old.example" or "www.old.example";

        public ImportedPicture? Picture(string uploadPath) =>
            uploadPath == "2024/03/photo.png" ? Photo : null;

        public ImportedPicture? Attachment(string attachmentId) => attachmentId == "50" ? Photo : null;
    }

    private static readonly ImportedPicture Photo = ImportedPicture.Of(new Image { Id = 7, Key = "up-1", Widths = "480,800,1200", Alt = "A photo", Caption = "The caption" });

    [Fact]
    public void An_old_srcset_is_replaced_by_the_new_renditions_in_the_body_and_in_a_gallery()
    {
        var (blocks, _) = Convert("""
            <p><img src="https://old.example/wp-content/uploads/2024/03/photo-300x200.png" srcset="https://old.example/wp-content/uploads/2024/03/photo-300x200.png 300w, https://old.example/wp-content/uploads/2024/03/photo-1024x683.png 1024w" sizes="(max-width: 300px) 100vw, 300px" alt=""></p>

            [gallery ids="50"]
            """);

        var html = string.Concat(blocks.Select(b => b.Html));
        Assert.DoesNotContain("old.example", html, StringComparison.Ordinal);
        var pictures = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html).QuerySelectorAll("img");
        Assert.Equal(2, pictures.Length);
        foreach (var img in pictures)
        {
            Assert.Equal("/media/up-1/1200.jpg", img.GetAttribute("src"));
            Assert.Equal("/media/up-1/480.jpg 480w, /media/up-1/800.jpg 800w, /media/up-1/1200.jpg 1200w", img.GetAttribute("srcset"));
            Assert.Equal(ImportedPicture.BodySizes, img.GetAttribute("sizes"));
            Assert.Equal("A photo", img.GetAttribute("alt"));
        }
    }

    private static (List<BodyBlock> Blocks, ConvertedBody Body) Convert(string html)
    {
        var body = WordPressBody.Convert(html, new Context());
        return (BodyDocument.Render(body.Markdown), body);
    }

    [Fact]
    public void Classic_paragraphs_split_on_blank_lines_and_single_newlines_become_breaks()
    {
        var (blocks, body) = Convert("First paragraph with <em>emphasis</em>.\n\nSecond line one\nline two\n\n<h2>A heading</h2>\n\n<ul><li>one</li>\n\n<li>two</li></ul>");

        Assert.Equal([BlockKind.Paragraph, BlockKind.Paragraph, BlockKind.Heading, BlockKind.List], blocks.Select(b => b.Kind));
        Assert.Contains("<em>emphasis</em>", blocks[0].Html, StringComparison.Ordinal);
        Assert.Contains("line one<br>", blocks[1].Html, StringComparison.Ordinal);
        Assert.Contains("<li>two</li>", blocks[3].Html, StringComparison.Ordinal);
        Assert.Empty(body.Losses);
    }

    [Fact]
    public void Gutenberg_block_comments_go_and_an_embed_block_becomes_a_player()
    {
        var (blocks, _) = Convert("""
            <!-- wp:paragraph -->
            <p>Block paragraph.</p>
            <!-- /wp:paragraph -->

            <!-- wp:embed {"url":"https://www.youtube.com/watch?v=dQw4w9WgXcQ","type":"video","providerNameSlug":"youtube"} -->
            <figure class="wp-block-embed"><div class="wp-block-embed__wrapper">
            https://www.youtube.com/watch?v=dQw4w9WgXcQ
            </div></figure>
            <!-- /wp:embed -->

            <!-- wp:quote -->
            <blockquote class="wp-block-quote"><p>Quoted.</p></blockquote>
            <!-- /wp:quote -->
            """);

        Assert.Equal([BlockKind.Paragraph, BlockKind.Embed, BlockKind.Quote], blocks.Select(b => b.Kind));
        Assert.Contains("youtube-nocookie.com/embed/dQw4w9WgXcQ", blocks[1].Html, StringComparison.Ordinal);
        Assert.DoesNotContain("wp:", string.Concat(blocks.Select(b => b.Html)), StringComparison.Ordinal);
    }

    [Fact]
    public void Caption_embed_and_gallery_shortcodes_become_figures_and_embeds_and_unknown_ones_are_reported()
    {
        var (blocks, body) = Convert("""
            Intro.

            [caption id="attachment_50" width="300"]<img src="https://old.example/wp-content/uploads/2024/03/photo-300x200.png" width="300" /> A man crosses the road[/caption]

            [embed]https://vimeo.com/76979871[/embed]

            [gallery ids="50,99"]

            [foo_widget size="2"]Kept words[/foo_widget]

            Bracketed [sic] text stays.
            """);

        var figure = blocks.Single(b => b.Kind == BlockKind.Figure && b.Html.Contains("figcaption", StringComparison.Ordinal) && b.Html.Contains("crosses", StringComparison.Ordinal));
        Assert.Contains("src=\"/media/up-1/1200.jpg\"", figure.Html, StringComparison.Ordinal);
        Assert.Contains(blocks, b => b.Kind == BlockKind.Embed && b.Html.Contains("player.vimeo.com/video/76979871", StringComparison.Ordinal));
        Assert.Equal(2, blocks.Count(b => b.Kind == BlockKind.Figure));
        Assert.Contains(blocks, b => b.Html.Contains("Kept words", StringComparison.Ordinal));
        Assert.Contains(blocks, b => b.Html.Contains("[sic]", StringComparison.Ordinal));
        Assert.Contains(body.Losses, l => l.Contains("[foo_widget]", StringComparison.Ordinal));
        Assert.Contains(body.Losses, l => l.Contains("99", StringComparison.Ordinal));
    }

    [Fact]
    public void Links_to_the_old_site_become_old_paths_and_scripts_and_unknown_frames_are_dropped_and_reported()
    {
        var (blocks, body) = Convert("""
            <p>See <a href="https://www.old.example/2024/01/02/earlier-story/">this</a> and <a href="https://elsewhere.example/x">that</a>.</p>
            <script>alert(1)</script>
            <iframe src="https://maps.example/embed?x=1"></iframe>
            <p onclick="x()">Clean <a href="javascript:alert(1)">link</a></p>
            """);

        Assert.Contains("href=\"/2024/01/02/earlier-story\"", blocks[0].Html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://elsewhere.example/x\"", blocks[0].Html, StringComparison.Ordinal);
        Assert.Equal(["/2024/01/02/earlier-story"], body.OldLinks);
        var all = string.Concat(blocks.Select(b => b.Html));
        Assert.DoesNotContain("script", all, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", all, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", all, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("iframe", all, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(body.Losses, l => l.Contains("<script>", StringComparison.Ordinal));
        Assert.Contains(body.Losses, l => l.Contains("<iframe>", StringComparison.Ordinal));
    }

    [Fact]
    public void A_picture_that_was_not_imported_keeps_its_old_address_and_is_reported()
    {
        var (blocks, body) = Convert("<p><img src=\"https://old.example/wp-content/uploads/2020/01/gone-1024x768.jpg\" alt=\"x\"></p>");

        Assert.Contains("https://old.example/wp-content/uploads/2020/01/gone-1024x768.jpg", blocks[0].Html, StringComparison.Ordinal);
        Assert.Contains(body.Losses, l => l.Contains("2020/01/gone.jpg", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://old.example/2024/03/01/story/", "/2024/03/01/story")]
    [InlineData("/?p=12", "/?p=12")]
    [InlineData("/?p=12&utm_source=x", "/?p=12")]
    [InlineData("/Category/News/", "/category/news")]
    [InlineData("/", null)]
    [InlineData("javascript:alert(1)", null)]
    [InlineData("//evil.example/x", null)]
    public void Old_addresses_normalise_to_one_form(string address, string? expected) =>
        Assert.Equal(expected, RedirectPaths.Normalise(address));

    [Theory]
    [InlineData("/news/story-12", true)]
    [InlineData("https://other.example/x", true)]
    [InlineData("//evil.example", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("news/story", false)]
    public void Only_site_paths_and_http_addresses_are_redirect_targets(string target, bool ok) =>
        Assert.Equal(ok, RedirectPaths.IsTarget(target));
}

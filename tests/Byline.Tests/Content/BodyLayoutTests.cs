using Byline.Content;

namespace Byline.Tests.Content;

public sealed class BodyLayoutTests
{
    private static BodyBlock P(int n) => new(BlockKind.Paragraph, $"<p>{n}</p>");

    private static readonly BodyBlock H = new(BlockKind.Heading, "<h2>Sub-heading</h2>");

    private static List<BodyBlock> Paragraphs(int count) => Enumerable.Range(1, count).Select(P).ToList();

    /// <summary>The laid-out body as a compact string: "P" per paragraph, "H" heading, "A" ad, "M" more-from, "S" short news.</summary>
    private static string Shape(IEnumerable<BodyItem> items) =>
        string.Concat(items.Select(i => i.Block is { } b
            ? b.Kind switch { BlockKind.Paragraph => "P", BlockKind.Heading => "H", _ => "O" }
            : i.Slot switch { SlotKind.Advertisement => "A", SlotKind.MoreFromSection => "M", SlotKind.ShortNews => "S", _ => "?" }));

    private static readonly InsertionRule AdsOnly = new(AdEveryParagraphs: 4, MaxAds: 3, MoreFromAfterParagraph: 0, ShortNewsAfterParagraph: 0);

    [Fact]
    public void An_ad_follows_every_fourth_paragraph() =>
        Assert.Equal("PPPPAPPPPAP", Shape(BodyLayout.Arrange(Paragraphs(9), AdsOnly)));

    [Fact]
    public void Ads_stop_at_the_maximum() =>
        Assert.Equal("PPPPAPPPPAPPPPAPPPPPPPPP", Shape(BodyLayout.Arrange(Paragraphs(21), AdsOnly)));

    [Fact]
    public void Nothing_is_inserted_after_the_last_block()
    {
        Assert.Equal("PPPP", Shape(BodyLayout.Arrange(Paragraphs(4), AdsOnly)));
        Assert.Equal("PPPPAPPPP", Shape(BodyLayout.Arrange(Paragraphs(8), AdsOnly)));
        Assert.Equal("PPPPPP", Shape(BodyLayout.Arrange(Paragraphs(6), new InsertionRule(AdEveryParagraphs: 0, MoreFromAfterParagraph: 6, ShortNewsAfterParagraph: 0))));
    }

    [Fact]
    public void Headings_do_not_count_as_paragraphs()
    {
        var blocks = new List<BodyBlock> { P(1), H, P(2), P(3), H, P(4), P(5) };
        Assert.Equal("PHPPHPAP", Shape(BodyLayout.Arrange(blocks, AdsOnly)));
    }

    [Fact]
    public void A_box_after_the_fourth_paragraph_still_comes_before_a_closing_heading()
    {
        var blocks = new List<BodyBlock> { P(1), P(2), P(3), P(4), H };
        Assert.Equal("PPPPAH", Shape(BodyLayout.Arrange(blocks, AdsOnly)));
    }

    [Fact]
    public void More_from_the_section_sits_after_its_paragraph()
    {
        var rule = new InsertionRule(AdEveryParagraphs: 0, MoreFromAfterParagraph: 3, ShortNewsAfterParagraph: 0);
        Assert.Equal("PPPMPP", Shape(BodyLayout.Arrange(Paragraphs(5), rule)));
    }

    [Fact]
    public void Short_news_sits_after_its_paragraph()
    {
        var rule = new InsertionRule(AdEveryParagraphs: 0, MoreFromAfterParagraph: 0, ShortNewsAfterParagraph: 2);
        Assert.Equal("PPSPP", Shape(BodyLayout.Arrange(Paragraphs(4), rule)));
    }

    [Fact]
    public void The_default_rule_places_ads_more_from_and_short_news_in_a_long_story()
    {
        var shape = Shape(BodyLayout.Arrange(Paragraphs(12), InsertionRule.Default));
        Assert.Equal(2, shape.Count(c => c == 'A'));
        Assert.Equal(1, shape.Count(c => c == 'M'));
        Assert.Equal(1, shape.Count(c => c == 'S'));
        Assert.Equal(12, shape.Count(c => c == 'P'));
        Assert.EndsWith("P", shape, StringComparison.Ordinal);
        // The more-from box comes right after the sixth paragraph.
        Assert.Equal('M', shape[shape.Select((c, i) => (c, i)).Where(x => x.c == 'P').ElementAt(5).i + 1]);
    }

    [Fact]
    public void Every_block_of_the_story_is_kept_in_order()
    {
        var blocks = new List<BodyBlock> { P(1), H, P(2), P(3), P(4), P(5), new(BlockKind.Quote, "<blockquote>q</blockquote>"), P(6) };
        var kept = BodyLayout.Arrange(blocks, InsertionRule.Default).Where(i => i.Block is not null).Select(i => i.Block!).ToList();
        Assert.Equal(blocks, kept);
    }

    [Fact]
    public void A_rule_with_no_ads_inserts_none() =>
        Assert.DoesNotContain('A', Shape(BodyLayout.Arrange(Paragraphs(20), new InsertionRule(AdEveryParagraphs: 0))));

    [Fact]
    public void An_empty_story_lays_out_empty() =>
        Assert.Empty(BodyLayout.Arrange([], InsertionRule.Default));
}

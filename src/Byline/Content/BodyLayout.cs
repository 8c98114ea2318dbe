namespace Byline.Content;

public enum SlotKind
{
    Advertisement,
    MoreFromSection,
    ShortNews,
}

/// <summary>One item of the laid-out body: a block of the story, or a box the page inserts.</summary>
public readonly record struct BodyItem(BodyBlock? Block, SlotKind? Slot);

/// <summary>Applies the configured <see cref="InsertionRule"/> to a story's blocks.</summary>
public static class BodyLayout
{
    public static IReadOnlyList<BodyItem> Arrange(IReadOnlyList<BodyBlock> blocks, InsertionRule rule)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(rule);
        var items = new List<BodyItem>(blocks.Count + 6);
        var paragraphs = 0;
        var ads = 0;
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            items.Add(new BodyItem(block, null));
            if (block.Kind != BlockKind.Paragraph)
            {
                continue;
            }
            paragraphs++;
            // Nothing is inserted after the final block: the story ends, then the page goes on.
            if (i == blocks.Count - 1)
            {
                break;
            }
            if (rule.MoreFromAfterParagraph > 0 && paragraphs == rule.MoreFromAfterParagraph)
            {
                items.Add(new BodyItem(null, SlotKind.MoreFromSection));
            }
            if (rule.ShortNewsAfterParagraph > 0 && paragraphs == rule.ShortNewsAfterParagraph)
            {
                items.Add(new BodyItem(null, SlotKind.ShortNews));
            }
            if (rule.AdEveryParagraphs > 0 && ads < rule.MaxAds && paragraphs % rule.AdEveryParagraphs == 0)
            {
                items.Add(new BodyItem(null, SlotKind.Advertisement));
                ads++;
            }
        }
        return items;
    }
}

using Byline.Content;
using System.Text;

namespace Byline.Demo;

/// <summary>One piece of a generated story body, as plain text (no Markdown, no HTML).</summary>
internal readonly record struct DemoPart(BlockKind Kind, string Text);

/// <summary>
/// Writes a generated body twice from the same parts: as the Markdown an editor would have typed,
/// and as the blocks <see cref="BodyDocument.Render"/> would produce from that Markdown. Doing both
/// directly skips Markdig and the sanitiser, which dominate the cost of seeding at scale; a test can
/// check the equivalence by rendering <c>Markdown</c> and comparing it with <c>Blocks</c>.
/// </summary>
internal static class DemoBody
{
    public static (string Markdown, List<BodyBlock> Blocks) Compose(IReadOnlyList<DemoPart> parts)
    {
        var md = new StringBuilder(parts.Count * 320);
        var blocks = new List<BodyBlock>(parts.Count);
        foreach (var part in parts)
        {
            if (md.Length > 0)
            {
                md.Append("\n\n");
            }
            var html = Encode(part.Text);
            switch (part.Kind)
            {
                case BlockKind.Heading:
                    md.Append("## ").Append(part.Text);
                    blocks.Add(new BodyBlock(BlockKind.Heading, $"<h2>{html}</h2>"));
                    break;
                case BlockKind.Quote:
                    md.Append("> ").Append(part.Text);
                    blocks.Add(new BodyBlock(BlockKind.Quote, $"<blockquote>\n<p>{html}</p>\n</blockquote>"));
                    break;
                case BlockKind.Paragraph:
                    md.Append(part.Text);
                    blocks.Add(new BodyBlock(BlockKind.Paragraph, $"<p>{html}</p>"));
                    break;
                default:
                    throw new ArgumentException($"Generated bodies have no {part.Kind} blocks.", nameof(parts));
            }
        }
        md.Append('\n');
        return (md.ToString(), blocks);
    }

    /// <summary>
    /// The text escaping the sanitiser's serializer applies. Phrase banks avoid Markdown syntax
    /// characters, so only these three can occur and the two outputs stay equal.
    /// </summary>
    internal static string Encode(string text)
    {
        if (text.AsSpan().IndexOfAny('&', '<', '>') < 0)
        {
            return text;
        }
        return text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);
    }
}

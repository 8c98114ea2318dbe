using System.Text.Json;
using System.Text.Json.Serialization;
using Ganss.Xss;
using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;

namespace Byline.Content;

public enum BlockKind
{
    Paragraph,
    Heading,
    Quote,
    List,
    Figure,
    Embed,
    Other,
}

/// <summary>One top-level piece of a story body, already sanitised HTML.</summary>
public sealed record BodyBlock(BlockKind Kind, string Html);

[JsonSerializable(typeof(List<BodyBlock>))]
[JsonSourceGenerationOptions(UseStringEnumConverter = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class BodyJsonContext : JsonSerializerContext;

/// <summary>
/// Turns the Markdown an editor writes into sanitised HTML blocks. This runs when a story is saved;
/// the reader page only deserialises the stored blocks, so the hot path never parses Markdown.
/// </summary>
public static class BodyDocument
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseAdvancedExtensions()
        .Build();

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    private static HtmlSanitizer CreateSanitizer()
    {
        var s = new HtmlSanitizer();
        s.AllowedSchemes.Clear();
        s.AllowedSchemes.Add("https");
        s.AllowedSchemes.Add("http");
        s.AllowedSchemes.Add("mailto");
        // A story body is prose: no forms that could phish readers, no media players or frames.
        foreach (var tag in new[] { "form", "input", "button", "select", "option", "optgroup", "textarea", "label", "fieldset", "legend", "datalist", "output" })
        {
            s.AllowedTags.Remove(tag);
        }
        s.AllowedTags.Add("figure");
        s.AllowedTags.Add("figcaption");
        s.AllowedAttributes.Add("loading");
        // A picture's renditions (written by the importers and the body's own pictures): image candidates
        // only, which a browser never runs as script.
        s.AllowedAttributes.Add("srcset");
        s.AllowedAttributes.Add("sizes");
        s.AllowedAttributes.Remove("style");
        s.AllowedCssProperties.Clear();
        return s;
    }

    public static string Sanitize(string html) => Sanitizer.Sanitize(html);

#pragma warning disable CA1002 // the stored body is a List<BodyBlock> in the JSON source generator's contract (BodyJsonContext)
    public static List<BodyBlock> Render(string markdown) => Render(markdown, null);

    /// <summary>The body's blocks; unknown links alone on a line become the cards <paramref name="cards"/> knows (see <see cref="Embeds"/>).</summary>
    public static List<BodyBlock> Render(string markdown, Func<Uri, LinkCard?>? cards)
#pragma warning restore CA1002
    {
        var doc = Markdown.Parse(markdown ?? "", Pipeline);
        var blocks = new List<BodyBlock>(doc.Count);
        foreach (var block in doc)
        {
            if (block is LinkReferenceDefinitionGroup or BlankLineBlock)
            {
                continue;
            }
            // A URL alone on its paragraph is an embed; its markup is generated, not sanitised input.
            if (LoneUrl(block) is { } url && Embeds.Html(url, cards) is { } embed)
            {
                blocks.Add(new BodyBlock(BlockKind.Embed, embed));
                continue;
            }
            using var writer = new StringWriter();
            var renderer = new HtmlRenderer(writer);
            Pipeline.Setup(renderer);
            renderer.Render(block);
            writer.Flush();
            var html = Sanitize(writer.ToString().Trim());
            if (html.Length == 0)
            {
                continue;
            }
            blocks.Add(new BodyBlock(KindOf(block), html));
        }
        return blocks;
    }

    /// <summary>The URL of a paragraph that holds one link and nothing else, bare or in angle brackets.</summary>
    private static string? LoneUrl(Block block)
    {
        if (block is not ParagraphBlock { Inline.FirstChild: { NextSibling: null } only })
        {
            return null;
        }
        return only switch
        {
            Markdig.Syntax.Inlines.AutolinkInline { IsEmail: false } a => a.Url,
            Markdig.Syntax.Inlines.LinkInline { IsAutoLink: true, IsImage: false } l => l.Url,
            _ => null,
        };
    }

    private static BlockKind KindOf(Block block) => block switch
    {
        HeadingBlock => BlockKind.Heading,
        QuoteBlock => BlockKind.Quote,
        ListBlock => BlockKind.List,
        ParagraphBlock p when p.Inline?.FirstChild is Markdig.Syntax.Inlines.LinkInline { IsImage: true } && p.Inline.FirstChild.NextSibling is null => BlockKind.Figure,
        ParagraphBlock => BlockKind.Paragraph,
        HtmlBlock html => KindOfHtml(html.Lines.ToString()),
        _ => BlockKind.Other,
    };

    /// <summary>
    /// A raw HTML block (an imported body is made of them) counts as what its outer element is, so the
    /// insertion rule places ad breaks and boxes among imported paragraphs as among written ones.
    /// </summary>
    private static BlockKind KindOfHtml(string html)
    {
        var tag = html.AsSpan().TrimStart();
        if (tag.Length < 3 || tag[0] != '<')
        {
            return BlockKind.Other;
        }
        tag = tag[1..];
        var end = tag.IndexOfAny(" >/\n\t");
        var name = (end < 0 ? tag : tag[..end]).ToString().ToLowerInvariant();
        return name switch
        {
            "p" => BlockKind.Paragraph,
            "h1" or "h2" or "h3" or "h4" or "h5" or "h6" => BlockKind.Heading,
            "blockquote" => BlockKind.Quote,
            "ul" or "ol" => BlockKind.List,
            "figure" => BlockKind.Figure,
            _ => BlockKind.Other,
        };
    }

#pragma warning disable CA1002 // the stored body is a List<BodyBlock> in the JSON source generator's contract (BodyJsonContext)
    public static string Serialize(List<BodyBlock> blocks) => JsonSerializer.Serialize(blocks, BodyJsonContext.Default.ListBodyBlock);

    public static List<BodyBlock> Deserialize(string json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize(json, BodyJsonContext.Default.ListBodyBlock) ?? [];
#pragma warning restore CA1002

    public static int CountWords(string markdown)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in markdown ?? "")
        {
            var letter = char.IsLetterOrDigit(c);
            if (letter && !inWord)
            {
                count++;
            }
            inWord = letter || (inWord && c is '\'' or '’' or '-');
        }
        return count;
    }
}

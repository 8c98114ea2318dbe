using System.Text.Json.Nodes;
using Byline.Site.Head;

namespace Byline.Site.VisualStories;

/// <summary>What the photo-story part of the article page shows, and its structured data.</summary>
public static class PhotoGallery
{
    public const string Sizes = "(min-width: 1100px) 720px, (min-width: 700px) 90vw, 100vw";

    /// <summary>
    /// schema.org ImageGallery beside the page's NewsArticle: each picture an ImageObject with the
    /// largest rendition, its caption, credit and size, in the order readers see them.
    /// </summary>
    public static JsonObject StructuredData(LdContext ctx, string path, string headline, string description, IReadOnlyList<ResolvedSlide> slides)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(slides);
        var url = ctx.Absolute(path);
        var media = new JsonArray();
        foreach (var s in slides)
        {
            if (s.Image?.Largest is not { } largest)
            {
                continue;
            }
            var image = new JsonObject
            {
                ["@type"] = "ImageObject",
                ["contentUrl"] = ctx.Absolute(largest.Path),
                ["url"] = ctx.Absolute(largest.Path),
                ["width"] = largest.Width,
                ["height"] = largest.Height,
                ["position"] = s.Number,
            };
            if (!string.IsNullOrWhiteSpace(s.Slide.Text))
            {
                image["caption"] = s.Slide.Text;
            }
            if (!string.IsNullOrWhiteSpace(s.Credit))
            {
                image["creditText"] = s.Credit;
            }
            if (!string.IsNullOrWhiteSpace(s.Alt))
            {
                image["description"] = s.Alt;
            }
            media.Add(image);
        }
        var node = new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "ImageGallery",
            ["@id"] = url + "#gallery",
            ["url"] = url,
            ["name"] = Head.StructuredData.Headline(headline),
            ["inLanguage"] = ctx.Settings.Language,
            ["isPartOf"] = new JsonObject { ["@id"] = ctx.WebSiteId },
            ["mainEntityOfPage"] = new JsonObject { ["@id"] = url + "#article" },
            ["associatedMedia"] = media,
        };
        if (!string.IsNullOrWhiteSpace(description))
        {
            node["description"] = description;
        }
        return node;
    }
}

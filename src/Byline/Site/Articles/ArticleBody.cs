using Byline.Content;

namespace Byline.Site.Articles;

/// <summary>Small adjustments to stored body HTML as the article page places it.</summary>
public static class ArticleBody
{
    /// <summary>
    /// The page's only h1 is the headline, so a top-level heading written in the body becomes an h2;
    /// body images are below the fold, so they load lazily.
    /// </summary>
    public static string Html(BodyBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var html = block.Html;
        if (block.Kind == BlockKind.Heading && html.StartsWith("<h1", StringComparison.Ordinal))
        {
            html = string.Concat("<h2", html.AsSpan(3)).Replace("</h1>", "</h2>", StringComparison.Ordinal);
        }
        if (html.Contains("<img ", StringComparison.Ordinal) && !html.Contains("loading=", StringComparison.Ordinal))
        {
            html = html.Replace("<img ", "<img loading=\"lazy\" decoding=\"async\" ", StringComparison.Ordinal);
        }
        return html;
    }
}

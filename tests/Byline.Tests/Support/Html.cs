using AngleSharp.Dom;

namespace Byline.Tests.Support;

/// <summary>Reading pages through the hooks of docs/page-anatomy.md.</summary>
public static class Html
{
    private static readonly Uri Base = new("http://localhost/");

    /// <summary>The path (and query) an href points to, whether the page wrote it absolute or relative.</summary>
    public static string PathOf(string? href, string? relativeTo = null)
    {
        Assert.False(string.IsNullOrWhiteSpace(href), "a link without href");
        var baseUri = relativeTo is null ? Base : new Uri(Base, relativeTo);
        var uri = new Uri(baseUri, href);
        return uri.PathAndQuery;
    }

    /// <summary>Paths of the links matched by a selector, in page order.</summary>
#pragma warning disable CA1002 // test helper: tests index, compare and copy the list
    public static List<string> LinkPaths(this IParentNode node, string selector)
#pragma warning restore CA1002
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.QuerySelectorAll(selector).Select(a => PathOf(a.GetAttribute("href"))).ToList();
    }

    /// <summary>The one element a hook names; fails with the hook when it is missing or repeated.</summary>
    public static IElement One(this IParentNode node, string selector)
    {
        ArgumentNullException.ThrowIfNull(node);
        var found = node.QuerySelectorAll(selector);
        Assert.True(found.Length == 1, $"expected exactly one '{selector}', found {found.Length}");
        return found[0];
    }

    /// <summary>At least one element for the hook; returns them all.</summary>
    public static IHtmlCollection<IElement> Some(this IParentNode node, string selector)
    {
        ArgumentNullException.ThrowIfNull(node);
        var found = node.QuerySelectorAll(selector);
        Assert.True(found.Length > 0, $"expected at least one '{selector}', found none");
        return found;
    }

    public static string Text(this IElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return string.Join(' ', element.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Story links of the standard list markup inside a node.</summary>
#pragma warning disable CA1002 // test helper: tests index, compare and copy the list
    public static List<string> StoryLinks(this IParentNode node) => node.LinkPaths("ol.story-list > li.story-card a.story-link");
#pragma warning restore CA1002
}

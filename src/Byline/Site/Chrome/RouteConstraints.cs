using Byline.Content;

namespace Byline.Site.Chrome;

/// <summary>Matches the last segment of an article URL, "{slug}-{id}"; sub-section slugs never end in "-digits".</summary>
public sealed class ArticleKeyConstraint : IRouteConstraint
{
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.TryGetValue(routeKey, out var value) && Slugs.TryParseArticleKey(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), out _, out _);
    }
}

/// <summary>Matches the fixed set of static pages the footer links to.</summary>
public sealed class StaticPageConstraint : IRouteConstraint
{
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.TryGetValue(routeKey, out var value) && value is string slug && StaticPageSlugs.Titles.ContainsKey(slug);
    }
}

public static class StaticPageSlugs
{
    /// <summary>The footer's static pages in display order, with a label used until the page exists in the database.</summary>
    public static readonly IReadOnlyDictionary<string, string> Titles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["about"] = "About us",
        ["contact"] = "Contact",
        ["privacy"] = "Privacy",
        ["cookies"] = "Cookies",
        ["terms"] = "Terms",
        ["advertise"] = "Advertise",
        ["newsletter"] = "Newsletters",
        ["membership"] = "Membership",
    };

    public static readonly string[] Order = ["about", "contact", "privacy", "cookies", "terms", "advertise"];
}

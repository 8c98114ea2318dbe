using System.Text.Json;
using System.Text.Json.Nodes;
using Byline.Content;

namespace Byline.Site.Head;

/// <summary>Where structured data is written: absolute URLs need the base, dates the publication's zone.</summary>
public sealed record LdContext(string BaseUrl, SiteSettings Settings, Dateline Dateline)
{
    public string Absolute(string path) => BaseUrl + path;

    public string OrganizationId => BaseUrl + "/#organization";

    public string WebSiteId => BaseUrl + "/#website";
}

public sealed record LdAuthor(string Name, string Path, bool IsDesk);

public sealed record LdCrumb(string Name, string Path);

public sealed record LdArticle(
    string Path,
    string Headline,
    string Description,
    DateTime PublishedUtc,
    DateTime? UpdatedUtc,
    string Section,
    IReadOnlyList<string> Keywords,
    IReadOnlyList<LdAuthor> Authors,
    IReadOnlyList<ImageRendition> Images,
    int WordCount = 0);

public sealed record LdProfile(string Path, string Name, bool IsDesk, string JobTitle, string Bio, string? ImagePath);

/// <summary>
/// schema.org JSON-LD for every reader page type, following Google's documented required and
/// recommended properties. Serialised with System.Text.Json's default encoder, which escapes
/// &lt;, &gt;, &amp; and quotes, so the text can never close the script element it sits in.
/// </summary>
public static class StructuredData
{
    /// <summary>Google shows at most 110 characters of an article headline.</summary>
    public const int MaxHeadline = 110;

    public static string Serialize(JsonObject node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.ToJsonString(JsonSerializerOptions.Default);
    }

    /// <summary>A headline within <paramref name="max"/> characters, cut at a word boundary with an ellipsis when it must be cut.</summary>
    public static string Headline(string headline, int max = MaxHeadline)
    {
        var text = string.Join(' ', (headline ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length <= max)
        {
            return text;
        }
        var cut = text[..(max - 1)];
        var space = cut.LastIndexOf(' ');
        // Only back up to a word boundary when that keeps most of the headline.
        if (space > max / 2)
        {
            cut = cut[..space];
        }
        return cut.TrimEnd(' ', ',', ';', ':', '-', '—', '–') + "…";
    }

    public static JsonObject Organization(LdContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "NewsMediaOrganization",
            ["@id"] = ctx.OrganizationId,
            ["name"] = ctx.Settings.PublicationName,
            ["url"] = ctx.Absolute("/"),
            ["logo"] = Logo(ctx),
        };
    }

    public static JsonObject WebSite(LdContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "WebSite",
            ["@id"] = ctx.WebSiteId,
            ["name"] = ctx.Settings.PublicationName,
            ["url"] = ctx.Absolute("/"),
            ["inLanguage"] = ctx.Settings.Language,
            ["publisher"] = new JsonObject { ["@id"] = ctx.OrganizationId },
            ["potentialAction"] = new JsonObject
            {
                ["@type"] = "SearchAction",
                ["target"] = new JsonObject
                {
                    ["@type"] = "EntryPoint",
                    ["urlTemplate"] = ctx.Absolute("/search?q={search_term_string}"),
                },
                ["query-input"] = "required name=search_term_string",
            },
        };
    }

    public static JsonObject Breadcrumbs(LdContext ctx, IEnumerable<LdCrumb> crumbs)
    {
        ArgumentNullException.ThrowIfNull(crumbs);
        ArgumentNullException.ThrowIfNull(ctx);
        var items = new JsonArray();
        var position = 0;
        foreach (var c in crumbs)
        {
            items.Add(new JsonObject
            {
                ["@type"] = "ListItem",
                ["position"] = ++position,
                ["name"] = c.Name,
                ["item"] = ctx.Absolute(c.Path),
            });
        }
        return new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "BreadcrumbList",
            ["itemListElement"] = items,
        };
    }

    public static JsonObject NewsArticle(LdContext ctx, LdArticle a)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(a);
        var url = ctx.Absolute(a.Path);
        var modified = a.UpdatedUtc is { } u && u > a.PublishedUtc ? u : a.PublishedUtc;
        var node = new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "NewsArticle",
            ["@id"] = url + "#article",
            ["url"] = url,
            ["mainEntityOfPage"] = new JsonObject { ["@type"] = "WebPage", ["@id"] = url },
            ["headline"] = Headline(a.Headline),
            ["datePublished"] = ctx.Dateline.Iso(a.PublishedUtc),
            ["dateModified"] = ctx.Dateline.Iso(modified),
            ["inLanguage"] = ctx.Settings.Language,
            ["isAccessibleForFree"] = true,
        };
        if (!string.IsNullOrWhiteSpace(a.Description))
        {
            node["description"] = a.Description;
        }
        if (a.Images.Count > 0)
        {
            node["image"] = new JsonArray([.. a.Images.Select(i => (JsonNode)ImageObject(ctx, i))]);
        }
        // A story with no byline is the publication's own.
        node["author"] = a.Authors.Count == 0
            ? new JsonArray(new JsonObject { ["@type"] = "Organization", ["name"] = ctx.Settings.PublicationName, ["url"] = ctx.Absolute("/") })
            : new JsonArray([.. a.Authors.Select(x => (JsonNode)new JsonObject
            {
                ["@type"] = x.IsDesk ? "Organization" : "Person",
                ["name"] = x.Name,
                ["url"] = ctx.Absolute(x.Path),
            })]);
        node["publisher"] = new JsonObject
        {
            ["@type"] = "NewsMediaOrganization",
            ["@id"] = ctx.OrganizationId,
            ["name"] = ctx.Settings.PublicationName,
            ["url"] = ctx.Absolute("/"),
            ["logo"] = Logo(ctx),
        };
        if (!string.IsNullOrWhiteSpace(a.Section))
        {
            node["articleSection"] = a.Section;
        }
        if (a.Keywords.Count > 0)
        {
            node["keywords"] = new JsonArray([.. a.Keywords.Select(k => (JsonNode)JsonValue.Create(k))]);
        }
        if (a.WordCount > 0)
        {
            node["wordCount"] = a.WordCount;
        }
        return node;
    }

    /// <summary>A section or tag page: the page and the stories it lists, in order.</summary>
    public static JsonObject CollectionPage(LdContext ctx, string path, string name, string description, IEnumerable<string> storyPaths)
    {
        ArgumentNullException.ThrowIfNull(storyPaths);
        ArgumentNullException.ThrowIfNull(ctx);
        var items = new JsonArray();
        var position = 0;
        foreach (var p in storyPaths)
        {
            items.Add(new JsonObject { ["@type"] = "ListItem", ["position"] = ++position, ["url"] = ctx.Absolute(p) });
        }
        var url = ctx.Absolute(path);
        return new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "CollectionPage",
            ["@id"] = url,
            ["url"] = url,
            ["name"] = name,
            ["description"] = description,
            ["inLanguage"] = ctx.Settings.Language,
            ["isPartOf"] = new JsonObject { ["@id"] = ctx.WebSiteId },
            ["mainEntity"] = new JsonObject
            {
                ["@type"] = "ItemList",
                ["numberOfItems"] = items.Count,
                ["itemListElement"] = items,
            },
        };
    }

    /// <summary>An author's page (a Person) or a desk's (an Organization).</summary>
    public static JsonObject ProfilePage(LdContext ctx, LdProfile p, DateTime? newestStoryUtc)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(p);
        var url = ctx.Absolute(p.Path);
        var entity = new JsonObject
        {
            ["@type"] = p.IsDesk ? "Organization" : "Person",
            ["@id"] = url + "#profile",
            ["name"] = p.Name,
            ["url"] = url,
        };
        if (!p.IsDesk && !string.IsNullOrWhiteSpace(p.JobTitle))
        {
            entity["jobTitle"] = p.JobTitle;
        }
        if (!string.IsNullOrWhiteSpace(p.Bio))
        {
            entity["description"] = p.Bio;
        }
        if (p.ImagePath is not null)
        {
            entity["image"] = ctx.Absolute(p.ImagePath);
        }
        if (p.IsDesk)
        {
            entity["parentOrganization"] = new JsonObject { ["@id"] = ctx.OrganizationId };
        }
        else
        {
            entity["worksFor"] = new JsonObject { ["@id"] = ctx.OrganizationId };
        }
        var page = new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "ProfilePage",
            ["@id"] = url,
            ["url"] = url,
            ["name"] = p.Name,
            ["inLanguage"] = ctx.Settings.Language,
            ["mainEntity"] = entity,
        };
        if (newestStoryUtc is { } newest)
        {
            page["dateModified"] = ctx.Dateline.Iso(newest);
        }
        return page;
    }

    /// <summary>Any other page (static pages, the HTML sitemap, search).</summary>
    public static JsonObject WebPage(LdContext ctx, string type, string path, string name, string description)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var url = ctx.Absolute(path);
        return new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = type,
            ["@id"] = url,
            ["url"] = url,
            ["name"] = name,
            ["description"] = description,
            ["inLanguage"] = ctx.Settings.Language,
            ["isPartOf"] = new JsonObject { ["@id"] = ctx.WebSiteId },
        };
    }

    private static JsonObject Logo(LdContext ctx) => new()
    {
        ["@type"] = "ImageObject",
        ["url"] = ctx.Absolute(DistributionAssets.Logo),
        ["width"] = DistributionAssets.LogoWidth,
        ["height"] = DistributionAssets.LogoHeight,
    };

    private static JsonObject ImageObject(LdContext ctx, ImageRendition i) => new()
    {
        ["@type"] = "ImageObject",
        ["url"] = ctx.Absolute(i.Path),
        ["width"] = i.Width,
        ["height"] = i.Height,
    };
}

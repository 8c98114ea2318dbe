using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Html.Dom;

namespace Byline.Tests.Distribution;

/// <summary>
/// A small stand-in for Google's Rich Results Test: the JSON-LD blocks of a page, and the required
/// and recommended properties Google documents for the types Byline writes.
/// </summary>
internal static partial class StructuredDataChecker
{
    public static List<JsonElement> Blocks(IHtmlDocument page)
    {
        var blocks = new List<JsonElement>();
        foreach (var script in page.QuerySelectorAll("script[type='application/ld+json']"))
        {
            using var doc = JsonDocument.Parse(script.TextContent);
            var root = doc.RootElement.Clone();
            Assert.Equal("https://schema.org", root.GetProperty("@context").GetString());
            blocks.Add(root);
        }
        return blocks;
    }

    public static JsonElement One(IHtmlDocument page, string type)
    {
        var found = Blocks(page).Where(b => b.GetProperty("@type").GetString() == type).ToList();
        Assert.True(found.Count == 1, $"expected one {type} block, found {found.Count}");
        return found[0];
    }

    public static string Text(JsonElement e, string name)
    {
        Assert.True(e.TryGetProperty(name, out var v), $"missing '{name}'");
        Assert.Equal(JsonValueKind.String, v.ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(v.GetString()), $"'{name}' is empty");
        return v.GetString()!;
    }

    public static string Url(JsonElement e, string name)
    {
        var value = Text(e, name);
        Assert.True(Uri.TryCreate(value, UriKind.Absolute, out _), $"'{name}' is not an absolute URL: {value}");
        return value;
    }

    public static DateTimeOffset Date(JsonElement e, string name)
    {
        var value = Text(e, name);
        Assert.Matches(DateWithOffset(), value);
        return DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static readonly string[] AuthorTypes = ["Person", "Organization"];
    private static readonly string[] PublisherTypes = ["Organization", "NewsMediaOrganization"];

    /// <summary>Google's NewsArticle: headline ≤ 110, images at 16:9, 4:3 and 1:1 of ≥ 50,000 px, dates with offset, author with url, publisher with logo.</summary>
    public static void NewsArticle(JsonElement a, bool expectImages)
    {
        Assert.Equal("NewsArticle", a.GetProperty("@type").GetString());
        Assert.True(Text(a, "headline").Length <= 110, "headline over 110 characters");
        var published = Date(a, "datePublished");
        var modified = Date(a, "dateModified");
        Assert.True(modified >= published, "dateModified before datePublished");
        Assert.Equal(JsonValueKind.Object, a.GetProperty("mainEntityOfPage").ValueKind);
        Url(a.GetProperty("mainEntityOfPage"), "@id");
        var authors = a.GetProperty("author");
        Assert.Equal(JsonValueKind.Array, authors.ValueKind);
        Assert.True(authors.GetArrayLength() > 0, "no author");
        foreach (var author in authors.EnumerateArray())
        {
            Assert.Contains(author.GetProperty("@type").GetString(), AuthorTypes);
            Text(author, "name");
            Url(author, "url");
        }
        var publisher = a.GetProperty("publisher");
        Assert.Contains(publisher.GetProperty("@type").GetString(), PublisherTypes);
        Text(publisher, "name");
        var logo = publisher.GetProperty("logo");
        Assert.Equal("ImageObject", logo.GetProperty("@type").GetString());
        Url(logo, "url");
        Assert.True(logo.GetProperty("width").GetInt32() > 0 && logo.GetProperty("height").GetInt32() > 0);
        if (!expectImages)
        {
            Assert.False(a.TryGetProperty("image", out _), "an image for a story without one");
            return;
        }
        var images = a.GetProperty("image");
        Assert.Equal(JsonValueKind.Array, images.ValueKind);
        var ratios = new HashSet<string>();
        foreach (var image in images.EnumerateArray())
        {
            Url(image, "url");
            var w = image.GetProperty("width").GetInt32();
            var h = image.GetProperty("height").GetInt32();
            Assert.True(w * h >= 50_000, $"image {w}x{h} under 50,000 pixels");
            ratios.Add(Math.Abs(w * 9 - h * 16) <= w / 50 ? "16:9" : w * 3 == h * 4 ? "4:3" : w == h ? "1:1" : $"{w}x{h}");
        }
        Assert.Equal(new HashSet<string> { "16:9", "4:3", "1:1" }, ratios);
    }

    public static void Breadcrumbs(JsonElement b, int atLeast)
    {
        var items = b.GetProperty("itemListElement").EnumerateArray().ToList();
        Assert.True(items.Count >= atLeast, $"{items.Count} breadcrumb items");
        for (var i = 0; i < items.Count; i++)
        {
            Assert.Equal("ListItem", items[i].GetProperty("@type").GetString());
            Assert.Equal(i + 1, items[i].GetProperty("position").GetInt32());
            Text(items[i], "name");
            Url(items[i], "item");
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex DateWithOffset();
}

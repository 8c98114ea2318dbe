using System.Globalization;
using Byline.Content;
using Byline.Discovery;

namespace Byline.Site.Stories;

/// <summary>What the story-list partial renders.</summary>
public sealed record StoryListView(IReadOnlyList<StoryCard> Stories, Dateline Dateline, DateTime NowUtc, bool WithImages = true, string CssClass = "", int HeadingLevel = 2);

/// <summary>Prev/next links of a paged list; page 1 is the bare path.</summary>
public sealed record PaginationView(string BasePath, int Page, bool HasNext)
{
    public string? PrevUrl => Page <= 1 ? null : Url(Page - 1);
    public string? NextUrl => HasNext ? Url(Page + 1) : null;

    private string Url(int page) =>
        page <= 1 ? BasePath : $"{BasePath}?page={page.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>Markup for responsive pictures: WebP first, JPEG fallback, both from the stored renditions.</summary>
public static class Pictures
{
    public static string Fallback(StoryImage image, int preferred = 800)
    {
        ArgumentNullException.ThrowIfNull(image);
        return MediaPaths.NearestUrl(image.Key, image.Widths, preferred);
    }
}

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

/// <summary>
/// A list page's front (section, sub-section, tag, author): on page 1 the newest story leads with its
/// picture and standfirst, the next <see cref="GridCount"/> form a grid, the rest a list; page 2 and
/// later are the plain list. All three are story lists, so the page's stories read in one order.
/// </summary>
public sealed record FrontView(IReadOnlyList<StoryCard> Stories, Dateline Dateline, DateTime NowUtc, int Page)
{
    public const int GridCount = 4;

    public bool IsFront => Page <= 1 && Stories.Count > 0;
    public StoryCard? Lead => IsFront ? Stories[0] : null;
    public IReadOnlyList<StoryCard> Grid => IsFront ? [.. Stories.Skip(1).Take(GridCount)] : [];
    public IReadOnlyList<StoryCard> Rest => IsFront ? [.. Stories.Skip(1 + GridCount)] : Stories;
}

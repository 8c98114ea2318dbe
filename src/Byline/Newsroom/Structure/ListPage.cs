using System.Globalization;

namespace Byline.Newsroom.Structure;

/// <summary>
/// One page of a long newsroom list (tags, authors) and the search that narrowed it. Lists are read in
/// slug order, which the unique slug index serves, and searched by slug prefix as an index range, so a
/// page costs the same at 100,000 rows as at 100.
/// </summary>
public sealed record ListPage(string BasePath, string? Query, int Number, int Size, long Total)
{
    public int Pages => (int)Math.Max(1, (Total + Size - 1) / Size);

    public int Skip => (Number - 1) * Size;

    public bool HasPrevious => Number > 1;

    public bool HasNext => Number < Pages;

    /// <summary>The page number asked for, within 1..<paramref name="pages"/> (a bad or stale number shows the nearest page).</summary>
    public static int Clamp(string? page, long total, int size)
    {
        var pages = (int)Math.Max(1, (total + size - 1) / size);
        return int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, pages) : 1;
    }

    /// <summary>The link to page <paramref name="number"/> with the search kept.</summary>
    public string Link(int number)
    {
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(Query))
        {
            parts.Add("q=" + Uri.EscapeDataString(Query));
        }
        if (number > 1)
        {
            parts.Add("page=" + number.ToString(CultureInfo.InvariantCulture));
        }
        return parts.Count == 0 ? BasePath : BasePath + "?" + string.Join('&', parts);
    }

    /// <summary>
    /// The slug range a search covers: what was typed, made into a slug ("Prime Min" → "prime-min"), from
    /// itself up to the next prefix. Null when the search is empty or has nothing a slug can hold.
    /// </summary>
    public static (string From, string To)? SlugRange(string? query)
    {
        var prefix = Content.Slugs.From(query ?? "", 100);
        if (prefix.Length == 0)
        {
            return null;
        }
        // Slugs hold a-z, 0-9 and '-': the next character up ends the range in any byte order.
        return (prefix, prefix[..^1] + (char)(prefix[^1] + 1));
    }
}

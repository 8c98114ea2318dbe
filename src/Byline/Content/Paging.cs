using System.Globalization;

namespace Byline.Content;

/// <summary>
/// Page numbers from the query string. Lists read a page of ids from a covering index (an offset
/// over index entries only), so deep pages cost little; the bound keeps crawlers from asking for
/// page 10^9.
/// </summary>
public readonly record struct Paging(int Page, int Size)
{
    public const int MaxPage = 5000;

    public int Skip => (Page - 1) * Size;

    /// <summary>Parses <c>?page=</c>: absent means 1; malformed, zero or negative is invalid (400); beyond <see cref="MaxPage"/> is out of range (404).</summary>
    public static PagingParse Parse(string? raw, int size)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return new PagingParse(new Paging(1, size), PagingError.None);
        }
        if (raw.Length > 9 || !int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var page))
        {
            return raw.Length > 9 && raw.All(char.IsAsciiDigit)
                ? new PagingParse(default, PagingError.OutOfRange)
                : new PagingParse(default, PagingError.Invalid);
        }
        if (page < 1)
        {
            return new PagingParse(default, PagingError.Invalid);
        }
        return page > MaxPage
            ? new PagingParse(default, PagingError.OutOfRange)
            : new PagingParse(new Paging(page, size), PagingError.None);
    }
}

public enum PagingError
{
    None,
    Invalid,
    OutOfRange,
}

public readonly record struct PagingParse(Paging Paging, PagingError Error);

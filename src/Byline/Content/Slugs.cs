using System.Globalization;
using System.Text;

namespace Byline.Content;

/// <summary>URL slugs: lower-case ASCII words joined by hyphens, with accents folded.</summary>
public static class Slugs
{
    public const int MaxLength = 80;

    public static string From(string text, int maxLength = MaxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        var decomposed = text.Normalize(NormalizationForm.FormKD);
        var sb = new StringBuilder(Math.Min(decomposed.Length, maxLength + 16));
        var pendingHyphen = false;
        foreach (var ch in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(ch);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (ch is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                AppendChar(ch);
            }
            else if (ch is >= 'A' and <= 'Z')
            {
                AppendChar(char.ToLowerInvariant(ch));
            }
            else if (ch is '\'' or '’')
            {
                // "India's" becomes "indias", not "india-s".
            }
            else
            {
                pendingHyphen = sb.Length > 0;
            }
            if (sb.Length >= maxLength)
            {
                break;
            }
        }
        var slug = sb.ToString().TrimEnd('-');
        // Cut at a word boundary when the limit fell inside a word.
        if (slug.Length >= maxLength && slug.LastIndexOf('-') is var cut and > 20)
        {
            slug = slug[..cut];
        }
        return slug.Length == 0 ? "story" : slug;

        void AppendChar(char c)
        {
            if (pendingHyphen)
            {
                sb.Append('-');
                pendingHyphen = false;
            }
            sb.Append(c);
        }
    }

    /// <summary>True for a slug Byline itself would produce (used to validate edited slugs).</summary>
    public static bool IsValid(string? slug) =>
        !string.IsNullOrEmpty(slug) && slug.Length <= 200 && slug[0] != '-' && slug[^1] != '-' &&
        !slug.Contains("--", StringComparison.Ordinal) &&
        slug.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-');

    /// <summary>Splits the last URL segment of an article, "{slug}-{id}", into its parts.</summary>
    public static bool TryParseArticleKey(string? segment, out string slug, out int id)
    {
        slug = "";
        id = 0;
        if (string.IsNullOrEmpty(segment) || segment.Length > 300)
        {
            return false;
        }
        var dash = segment.LastIndexOf('-');
        var digits = dash < 0 ? segment : segment[(dash + 1)..];
        if (digits.Length is 0 or > 9 || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out id) || id <= 0)
        {
            return false;
        }
        slug = dash < 0 ? "" : segment[..dash];
        return true;
    }

    public static string ArticlePath(string sectionSlug, string slug, int id) =>
        $"/{sectionSlug}/{slug}-{id.ToString(CultureInfo.InvariantCulture)}";
}

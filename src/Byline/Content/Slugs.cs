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
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var ch in text.Normalize(NormalizationForm.FormKD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark || ch is '\'' or '’')
            {
                // Accents fold away, and "India's" becomes "indias", not "india-s".
                continue;
            }
            if (char.IsAsciiLetterOrDigit(ch))
            {
                word.Append(char.ToLowerInvariant(ch));
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }
        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }
        // Whole words only, up to the limit; a single over-long first word is cut.
        var slug = new StringBuilder(maxLength);
        foreach (var w in words)
        {
            var needed = slug.Length == 0 ? w.Length : slug.Length + 1 + w.Length;
            if (needed > maxLength)
            {
                if (slug.Length == 0)
                {
                    slug.Append(w, 0, maxLength);
                }
                break;
            }
            if (slug.Length > 0)
            {
                slug.Append('-');
            }
            slug.Append(w);
        }
        return slug.Length == 0 ? "story" : slug.ToString();
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

using System.Text;
using Byline.Storage;

namespace Byline.Discovery;

/// <summary>The form a search is counted under: lower-case, trimmed, single spaces, no control characters, capped.</summary>
public static class SearchTerms
{
    public static string Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return "";
        }
        var sb = new StringBuilder(Math.Min(raw.Length, DiscoveryModel.MaxTermLength + 1));
        var space = false;
        foreach (var rune in raw.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune) || Rune.IsControl(rune))
            {
                space = sb.Length > 0;
                continue;
            }
            var text = Rune.ToLowerInvariant(rune).ToString();
            if (sb.Length + (space ? 1 : 0) + text.Length > DiscoveryModel.MaxTermLength)
            {
                break;
            }
            if (space)
            {
                sb.Append(' ');
                space = false;
            }
            sb.Append(text);
        }
        return sb.ToString();
    }
}

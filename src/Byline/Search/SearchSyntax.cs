using System.Globalization;
using System.Text;

namespace Byline.Search;

/// <summary>
/// One part of a query: a word or a phrase (several words in order), possibly a prefix (its last
/// word ends with <c>*</c>), possibly excluded (<c>-word</c>). Words hold only letters, digits and
/// combining marks, lower-cased, so nothing a reader types can reach an engine as syntax.
/// </summary>
public sealed record SearchTerm(IReadOnlyList<string> Words, bool Prefix, bool Exclude)
{
    public bool IsPhrase => Words.Count > 1;
}

/// <summary>A parsed query: its terms are AND-ed; excluded terms remove matches.</summary>
public sealed record SearchQueryAst(IReadOnlyList<SearchTerm> Terms)
{
    public static readonly SearchQueryAst Empty = new([]);

    /// <summary>A query needs at least one term to look for; exclusions alone find nothing.</summary>
    public bool IsSearchable => Terms.Any(t => !t.Exclude);
}

/// <summary>
/// The reader's query language: plain words (all must match), <c>"a phrase"</c>, <c>prefix*</c> and
/// <c>-excluded</c>. Anything else is text: an unbalanced quote closes at the end, operators alone are
/// dropped, engine keywords (OR, NEAR, NOT) are ordinary words. The parser never fails.
/// </summary>
public static class SearchSyntax
{
    /// <summary>Input beyond this is ignored; no real query is longer.</summary>
    public const int MaxInput = 400;
    public const int MaxTerms = 8;
    public const int MaxWordLength = 60;

    /// <summary>
    /// A prefix must be this long to be one: <c>a*</c> expands to every word starting with a (tens of
    /// thousands of index terms); shorter, the <c>*</c> is ignored and the word is searched as it is.
    /// </summary>
    public const int MinPrefixLength = 3;

    /// <summary>Prefix terms in one query; later ones are searched as plain words. Twelve one-letter prefixes took 7 s at 12,000 stories.</summary>
    public const int MaxPrefixTerms = 2;

    public static SearchQueryAst Parse(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return SearchQueryAst.Empty;
        }
        var text = input.Length > MaxInput ? input[..MaxInput] : input;
        var terms = new List<SearchTerm>();
        var prefixes = 0;
        var i = 0;
        while (i < text.Length && terms.Count < MaxTerms)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }
            var exclude = false;
            if (text[i] == '-' && i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1]))
            {
                exclude = true;
                i++;
            }
            string raw;
            bool quoted = text[i] == '"';
            if (quoted)
            {
                var end = text.IndexOf('"', i + 1);
                raw = end < 0 ? text[(i + 1)..] : text[(i + 1)..end];
                i = end < 0 ? text.Length : end + 1;
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '"')
                {
                    i++;
                }
                raw = text[start..i];
            }
            var prefix = raw.TrimEnd().EndsWith('*');
            if (quoted && i < text.Length && text[i] == '*')
            {
                prefix = true;
                i++;
            }
            var words = Words(raw);
            if (words.Count > 0)
            {
                prefix = prefix && words[^1].Length >= MinPrefixLength && prefixes < MaxPrefixTerms;
                prefixes += prefix ? 1 : 0;
                terms.Add(new SearchTerm(words, prefix, exclude));
            }
        }
        return new SearchQueryAst(terms);
    }

    /// <summary>Runs of letters, digits and combining marks, lower-cased; everything else separates words.</summary>
    public static IReadOnlyList<string> Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsWordRune(rune))
            {
                current.Append(rune.ToString().ToLowerInvariant());
            }
            else
            {
                Flush();
            }
        }
        Flush();
        return words;

        void Flush()
        {
            if (current.Length > 0)
            {
                var word = current.ToString();
                words.Add(word.Length > MaxWordLength ? CutAtRune(word, MaxWordLength) : word);
                current.Clear();
            }
        }
    }

    private static bool IsWordRune(Rune r) => Rune.GetUnicodeCategory(r) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark => true,
        _ => false,
    };

    private static string CutAtRune(string s, int max)
    {
        var cut = max;
        if (char.IsHighSurrogate(s[cut - 1]))
        {
            cut--;
        }
        return s[..cut];
    }

    /// <summary>
    /// FTS5 MATCH syntax. Every word is a double-quoted string (it holds no quote), so keywords and
    /// punctuation are literal; a prefix puts <c>*</c> after the closing quote.
    /// </summary>
    public static string ToFts5(SearchQueryAst query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var include = query.Terms.Where(t => !t.Exclude).Select(Fts5Term).ToList();
        if (include.Count == 0)
        {
            return "";
        }
        var sb = new StringBuilder("(").Append(string.Join(" AND ", include)).Append(')');
        foreach (var t in query.Terms.Where(t => t.Exclude))
        {
            sb.Append(" NOT ").Append(Fts5Term(t));
        }
        return sb.ToString();
    }

    private static string Fts5Term(SearchTerm t) => "\"" + string.Join(' ', t.Words) + "\"" + (t.Prefix ? "*" : "");

    /// <summary>FTS5 "any of these words" limited to the given columns, for related stories.</summary>
    public static string ToFts5AnyOf(IReadOnlyList<string> words, string columns)
    {
        ArgumentNullException.ThrowIfNull(words);
        return words.Count == 0 ? "" : "{" + columns + "} : (" + string.Join(" OR ", words.Select(w => "\"" + w + "\"")) + ")";
    }

    /// <summary>
    /// PostgreSQL <c>to_tsquery</c> syntax. Each word is a single-quoted lexeme (it holds no quote or
    /// backslash); phrases use <c>&lt;-&gt;</c>, prefixes <c>:*</c>, exclusions <c>!</c>.
    /// </summary>
    public static string ToTsQuery(SearchQueryAst query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!query.IsSearchable)
        {
            return "";
        }
        return string.Join(" & ", query.Terms.OrderBy(t => t.Exclude).Select(t => (t.Exclude ? "!" : "") + "(" + TsTerm(t) + ")"));
    }

    private static string TsTerm(SearchTerm t)
    {
        var parts = t.Words.Select(w => "'" + w + "'").ToList();
        if (t.Prefix)
        {
            parts[^1] += ":*";
        }
        return string.Join(" <-> ", parts);
    }

    /// <summary>tsquery for "any of these words" in the weighted fields A and B (headline, standfirst and tags).</summary>
    public static string ToTsQueryAnyOf(IReadOnlyList<string> words) =>
        string.Join(" | ", words.Select(w => "'" + w + "':AB"));
}

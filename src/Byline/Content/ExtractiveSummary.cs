using System.Text;
using System.Text.RegularExpressions;

namespace Byline.Content;

/// <summary>
/// An extractive summary by TextRank: the story's sentences are the nodes of a graph whose edges are
/// weighted by how many words two sentences share (cosine similarity of their word counts, stop-words
/// left out); a damped PageRank over that graph, iterated until it settles, scores each sentence by how
/// central it is; the best sentences that fit the word limit are then given in the story's own order.
/// Deterministic (ties go to the earlier sentence) and local: no external service.
/// </summary>
public static partial class ExtractiveSummary
{
    private const double Damping = 0.85;
    private const double Tolerance = 1e-9;
    private const int MaxIterations = 200;
    /// <summary>The graph is quadratic in sentences; a story's opening few hundred carry its substance.</summary>
    private const int MaxSentences = 300;

    /// <summary>A summary of at most <paramref name="maxWords"/> words (as <see cref="BodyDocument.CountWords"/> counts them); empty for a text without sentences.</summary>
    public static string Summarise(string? markdown, int maxWords)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxWords);
        var sentences = Sentences(markdown ?? "");
        if (sentences.Count == 0)
        {
            return "";
        }
        var scores = Rank(sentences);
        var order = Enumerable.Range(0, sentences.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).ToList();
        var chosen = new List<int>();
        var words = 0;
        foreach (var i in order)
        {
            var count = BodyDocument.CountWords(sentences[i]);
            if (count > 0 && words + count <= maxWords)
            {
                chosen.Add(i);
                words += count;
            }
        }
        if (chosen.Count == 0)
        {
            // Even the best sentence is longer than the limit: its first words, marked as cut.
            return Truncate(sentences[order[0]], maxWords);
        }
        chosen.Sort();
        return string.Join(" ", chosen.Select(i => sentences[i]));
    }

    /// <summary>TextRank scores of the sentences (they sum to 1).</summary>
    public static double[] Rank(IReadOnlyList<string> sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var n = sentences.Count;
        var vectors = sentences.Select(Vector).ToArray();
        var weights = new double[n, n];
        var outWeight = new double[n];
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                var w = Cosine(vectors[i], vectors[j]);
                weights[i, j] = w;
                weights[j, i] = w;
                outWeight[i] += w;
                outWeight[j] += w;
            }
        }
        var scores = Enumerable.Repeat(1.0 / n, n).ToArray();
        var next = new double[n];
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            // A sentence sharing no word with any other passes its score on evenly, so scores keep summing to 1.
            var dangling = 0.0;
            for (var j = 0; j < n; j++)
            {
                if (outWeight[j] == 0)
                {
                    dangling += scores[j];
                }
            }
            var delta = 0.0;
            for (var i = 0; i < n; i++)
            {
                var sum = 0.0;
                for (var j = 0; j < n; j++)
                {
                    if (weights[j, i] > 0)
                    {
                        sum += weights[j, i] / outWeight[j] * scores[j];
                    }
                }
                next[i] = (1 - Damping) / n + Damping * (sum + dangling / n);
                delta += Math.Abs(next[i] - scores[i]);
            }
            (scores, next) = (next, scores);
            if (delta < Tolerance)
            {
                break;
            }
        }
        return scores;
    }

    /// <summary>The sentences of a Markdown text, its markup removed (headings, images and code are not summary material).</summary>
    public static IReadOnlyList<string> Sentences(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var result = new List<string>();
        foreach (var rawLine in markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n"))
        {
            var block = rawLine.Trim();
            if (block.Length == 0 || block.StartsWith('#') || block.StartsWith("```", StringComparison.Ordinal) || block.StartsWith("![", StringComparison.Ordinal) || block.StartsWith('<'))
            {
                continue;
            }
            var text = Spaces().Replace(Markup().Replace(Links().Replace(Images().Replace(block, ""), "$1"), ""), " ").Trim();
            foreach (var sentence in SentenceBreak().Split(text))
            {
                var s = sentence.Trim();
                if (s.Length > 0 && BodyDocument.CountWords(s) > 0)
                {
                    result.Add(s);
                    if (result.Count == MaxSentences)
                    {
                        return result;
                    }
                }
            }
        }
        return result;
    }

    private static Dictionary<string, int> Vector(string sentence)
    {
        var v = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match m in Word().Matches(sentence.ToLowerInvariant()))
        {
            var w = Stem(m.Value);
            if (w.Length > 1 && !StopWords.Contains(w))
            {
                v[w] = v.GetValueOrDefault(w) + 1;
            }
        }
        return v;
    }

    /// <summary>Folds the commonest English endings so "minister" and "ministers" count as one word.</summary>
    private static string Stem(string word)
    {
        if (word.EndsWith("'s", StringComparison.Ordinal) || word.EndsWith("’s", StringComparison.Ordinal))
        {
            word = word[..^2];
        }
        if (word.Length > 4 && word.EndsWith("ies", StringComparison.Ordinal))
        {
            return word[..^3] + "y";
        }
        if (word.Length > 3 && word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal))
        {
            return word[..^1];
        }
        return word;
    }

    private static double Cosine(Dictionary<string, int> a, Dictionary<string, int> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }
        var (small, large) = a.Count <= b.Count ? (a, b) : (b, a);
        double dot = 0;
        foreach (var (word, count) in small)
        {
            if (large.TryGetValue(word, out var other))
            {
                dot += count * other;
            }
        }
        if (dot == 0)
        {
            return 0;
        }
        return dot / (Math.Sqrt(a.Values.Sum(c => (double)c * c)) * Math.Sqrt(b.Values.Sum(c => (double)c * c)));
    }

    private static string Truncate(string sentence, int maxWords)
    {
        var text = new StringBuilder();
        var words = 0;
        foreach (var part in sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var count = BodyDocument.CountWords(part);
            if (words + count > maxWords)
            {
                break;
            }
            words += count;
            text.Append(text.Length == 0 ? "" : " ").Append(part);
        }
        return text.Length == 0 ? "" : text.ToString().TrimEnd(',', ';', ':', '—', '-') + "…";
    }

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do",
        "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he",
        "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
        "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once",
        "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "said", "same", "say", "says", "she",
        "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there",
        "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were",
        "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
        "yourself", "yourselves", "mr", "ms", "mrs", "one", "two", "new", "year", "yesterday", "today", "last", "week",
    };

    // A sentence ends at . ! ? or … (and any closing quote or bracket) followed by a space and a capital, digit or opening quote.
    [GeneratedRegex(@"(?<=[.!?…][""'”’)\]]?)\s+(?=[\p{Lu}\p{N}""“‘'(])")]
    private static partial Regex SentenceBreak();

    [GeneratedRegex(@"!\[[^\]]*\]\([^)]*\)")]
    private static partial Regex Images();

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex Links();

    [GeneratedRegex(@"[*_`~]|^\s*(?:>|[-+]|\d+\.)\s+", RegexOptions.Multiline)]
    private static partial Regex Markup();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’][\p{L}]+)?")]
    private static partial Regex Word();
}

using System.Net;
using System.Text;

namespace Byline.Publishing;

public enum DiffKind
{
    Same,
    Changed,
    Removed,
    Added,
}

/// <summary>One row of a side-by-side comparison; the HTML is encoded, with changed words in <c>del</c>/<c>ins</c>.</summary>
public sealed record DiffRow(DiffKind Kind, string LeftHtml, string RightHtml);

/// <summary>
/// Side-by-side differences of two texts: a longest-common-subsequence over lines, then over the
/// words of each changed line, so a one-word edit in a long paragraph marks that word only.
/// </summary>
public static class TextDiff
{
    /// <summary>Above this many LCS cells the comparison marks whole blocks instead of words (keeps it O(bounded)).</summary>
    private const long MaxCells = 4_000_000;

    public static IReadOnlyList<DiffRow> Compare(IReadOnlyList<string> left, IReadOnlyList<string> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var rows = new List<DiffRow>();
        var removed = new List<string>();
        var added = new List<string>();
        foreach (var (op, l, r) in Align(left, right))
        {
            switch (op)
            {
                case DiffKind.Removed:
                    removed.Add(l!);
                    break;
                case DiffKind.Added:
                    added.Add(r!);
                    break;
                default:
                    Flush();
                    rows.Add(new DiffRow(DiffKind.Same, Encode(l!), Encode(r!)));
                    break;
            }
        }
        Flush();
        return rows;

        // A run of removed lines next to a run of added lines is an edit: pair them up and diff their words.
        void Flush()
        {
            var pairs = Math.Min(removed.Count, added.Count);
            for (var i = 0; i < pairs; i++)
            {
                var (l, r) = Words(removed[i], added[i]);
                rows.Add(new DiffRow(DiffKind.Changed, l, r));
            }
            rows.AddRange(removed.Skip(pairs).Select(l => new DiffRow(DiffKind.Removed, $"<del>{Encode(l)}</del>", "")));
            rows.AddRange(added.Skip(pairs).Select(r => new DiffRow(DiffKind.Added, "", $"<ins>{Encode(r)}</ins>")));
            removed.Clear();
            added.Clear();
        }
    }

    /// <summary>Word-level markup of one changed line: removed words in <c>del</c> on the left, added in <c>ins</c> on the right.</summary>
    public static (string Left, string Right) Words(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var a = Tokenise(left);
        var b = Tokenise(right);
        var l = new StringBuilder();
        var r = new StringBuilder();
        foreach (var (op, x, y) in Align(a, b))
        {
            switch (op)
            {
                case DiffKind.Same:
                    l.Append(Encode(x!));
                    r.Append(Encode(y!));
                    break;
                case DiffKind.Removed:
                    l.Append(string.IsNullOrWhiteSpace(x) ? Encode(x!) : $"<del>{Encode(x!)}</del>");
                    break;
                case DiffKind.Added:
                    r.Append(string.IsNullOrWhiteSpace(y) ? Encode(y!) : $"<ins>{Encode(y!)}</ins>");
                    break;
            }
        }
        return (l.ToString(), r.ToString());
    }

    /// <summary>Words and the whitespace between them, so the marked-up text reads as the original.</summary>
    private static List<string> Tokenise(string text)
    {
        var tokens = new List<string>();
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || char.IsWhiteSpace(text[i]) != char.IsWhiteSpace(text[i - 1]))
            {
                tokens.Add(text[start..i]);
                start = i;
            }
        }
        return tokens;
    }

    /// <summary>The edit script of an LCS alignment, in order: Same, Removed (left only), Added (right only).</summary>
    private static List<(DiffKind Op, string? Left, string? Right)> Align(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        // Common head and tail cost nothing and usually cover most of a revision.
        var head = 0;
        while (head < a.Count && head < b.Count && a[head] == b[head])
        {
            head++;
        }
        var tail = 0;
        while (tail < a.Count - head && tail < b.Count - head && a[a.Count - 1 - tail] == b[b.Count - 1 - tail])
        {
            tail++;
        }
        var script = new List<(DiffKind, string?, string?)>(a.Count + b.Count);
        for (var i = 0; i < head; i++)
        {
            script.Add((DiffKind.Same, a[i], b[i]));
        }
        var n = a.Count - head - tail;
        var m = b.Count - head - tail;
        if ((long)n * m > MaxCells)
        {
            for (var i = 0; i < n; i++)
            {
                script.Add((DiffKind.Removed, a[head + i], null));
            }
            for (var j = 0; j < m; j++)
            {
                script.Add((DiffKind.Added, null, b[head + j]));
            }
        }
        else
        {
            // lcs[i, j] = length of the LCS of a[head+i..] and b[head+j..].
            var lcs = new int[n + 1, m + 1];
            for (var i = n - 1; i >= 0; i--)
            {
                for (var j = m - 1; j >= 0; j--)
                {
                    lcs[i, j] = a[head + i] == b[head + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
                }
            }
            int x = 0, y = 0;
            while (x < n || y < m)
            {
                if (x < n && y < m && a[head + x] == b[head + y])
                {
                    script.Add((DiffKind.Same, a[head + x], b[head + y]));
                    x++;
                    y++;
                }
                else if (y < m && (x == n || lcs[x, y + 1] >= lcs[x + 1, y]))
                {
                    script.Add((DiffKind.Added, null, b[head + y]));
                    y++;
                }
                else
                {
                    script.Add((DiffKind.Removed, a[head + x], null));
                    x++;
                }
            }
        }
        for (var i = tail; i > 0; i--)
        {
            script.Add((DiffKind.Same, a[a.Count - i], b[b.Count - i]));
        }
        return script;
    }

    private static string Encode(string s) => WebUtility.HtmlEncode(s);
}

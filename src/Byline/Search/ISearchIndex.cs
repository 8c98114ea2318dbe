using System.Data.Common;
using System.Net;
using System.Text;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Search;

/// <summary>What the index holds of one published story.</summary>
public sealed record SearchDocument(
    int ArticleId, string Headline, string Standfirst, string Body, string Tags, string Authors,
    DateTime PublishedAt, int SectionId, int TopSectionId);

/// <summary>One search: the parsed query, optional filters, and the page wanted.</summary>
public sealed record SearchRequest(SearchQueryAst Query, int? TopSectionId, DateTime? FromUtc, DateTime? ToUtc, int Skip, int Take, DateTime NowUtc);

/// <summary>
/// A ranked match. <see cref="Headline"/> and <see cref="Snippet"/> are plain text where
/// <see cref="SearchMarkup.Start"/> and <see cref="SearchMarkup.End"/> surround the matched words.
/// </summary>
public sealed record SearchHit(int ArticleId, double Score, string Headline, string Snippet);

public sealed class SearchOptions
{
    /// <summary>
    /// How many of the newest matches are ranked. Ranking every match of a common word across a
    /// million stories costs more than a page may; the newest few hundred hold the best results
    /// once recency is part of the score.
    /// </summary>
    public int Candidates { get; set; } = 1000;

    /// <summary>Age at which a match's score is halved: score = text rank / (1 + age in days / RecencyDays).</summary>
    public double RecencyDays { get; set; } = 30;

    /// <summary>
    /// PostgreSQL: the newest matches are first looked for among the newest <c>WindowStories</c>
    /// stories, then among ten times as many, and so on, and only then among all. The result is the
    /// same as one search over everything (a window holding <see cref="Candidates"/> matches holds the
    /// newest ones); the window only keeps the GIN index from reading every match of a common word.
    /// </summary>
    public int WindowStories { get; set; } = 10_000;

    /// <summary>
    /// The database time one search may take (PostgreSQL <c>statement_timeout</c>, a SQLite progress
    /// handler). Past it the reader is asked to narrow the search; a normal search takes milliseconds.
    /// </summary>
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Searches one client (address) may render per minute, refilled evenly; cached results do not count.</summary>
    public int RendersPerMinute { get; set; } = 60;

    /// <summary>How many searches a client may render at once before <see cref="RendersPerMinute"/> applies.</summary>
    public int RenderBurst { get; set; } = 60;

    /// <summary>How long a results page may be served from the output cache without a content change evicting it.</summary>
    public TimeSpan CacheLifetime { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// The full-text engine of the database in use: FTS5 on SQLite, tsvector/GIN on PostgreSQL. Only
/// published stories are in it; <see cref="SearchIndexSync"/> keeps it in step with publishing.
/// </summary>
public interface ISearchIndex
{
    Task UpsertAsync(SearchDocument document, CancellationToken ct);

    Task DeleteAsync(int articleId, CancellationToken ct);

    /// <summary>
    /// Re-indexes these stories in bulk, inside the caller's transaction when it has one (an import's
    /// batch): their entries go, and the published ones are filled again by the rebuild's own SQL.
    /// </summary>
    Task<int> ReindexAsync(IReadOnlyCollection<int> articleIds, CancellationToken ct);

    /// <summary>Empties the index and fills it again from the published stories, in one statement per table.</summary>
    Task<int> RebuildAsync(CancellationToken ct);

    Task<long> CountAsync(CancellationToken ct);

    /// <summary>A page of matches, best first, plus one more when a further page exists.</summary>
    Task<IReadOnlyList<SearchHit>> SearchAsync(SearchRequest request, CancellationToken ct);

    /// <summary>Published stories whose headline or standfirst share any of the words, most similar first.</summary>
    Task<IReadOnlyList<int>> SimilarAsync(IReadOnlyList<string> words, int excludeId, int take, CancellationToken ct);

    /// <summary>A page of what the index holds, by story id (for `search verify`).</summary>
    Task<IReadOnlyList<IndexedEntry>> ReadEntriesAsync(int afterId, int take, CancellationToken ct);
}

/// <summary>The fields of an index entry that `search verify` compares with the story.</summary>
public sealed record IndexedEntry(int ArticleId, string Headline, string Standfirst, string Tags, string Authors);

/// <summary>Turns engine output with sentinel marks into safe HTML: the text is encoded, only our own &lt;mark&gt; tags are added.</summary>
public static class SearchMarkup
{
    public const char Start = '\u0002';
    public const char End = '\u0003';

    /// <param name="marked">Text with sentinel marks.</param>
    /// <param name="dropMarkdown">Drops Markdown markers (#, *, _, `) that body text carries and a snippet should not show.</param>
    public static string ToHtml(string marked, bool dropMarkdown = false)
    {
        ArgumentNullException.ThrowIfNull(marked);
        var sb = new StringBuilder(marked.Length + 32);
        var open = false;
        var run = new StringBuilder();
        foreach (var c in marked)
        {
            if (c is Start or End)
            {
                sb.Append(WebUtility.HtmlEncode(run.ToString()));
                run.Clear();
                if (c == Start && !open)
                {
                    sb.Append("<mark>");
                    open = true;
                }
                else if (c == End && open)
                {
                    sb.Append("</mark>");
                    open = false;
                }
                continue;
            }
            // Markdown markers in body text are noise in a snippet.
            if (dropMarkdown && c is '#' or '*' or '_' or '`')
            {
                continue;
            }
            run.Append(char.IsControl(c) ? ' ' : c);
        }
        sb.Append(WebUtility.HtmlEncode(run.ToString()));
        if (open)
        {
            sb.Append("</mark>");
        }
        return sb.ToString();
    }
}

/// <summary>Plumbing both engines share: raw commands on the context's own connection.</summary>
internal static class SearchSql
{
    public static async Task<T> WithConnectionAsync<T>(BylineDb db, Func<DbConnection, Task<T>> work)
    {
        var opened = false;
        var conn = db.Database.GetDbConnection();
        if (conn.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync();
            opened = true;
        }
        try
        {
            return await work(conn);
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    public static DbCommand Command(DbConnection conn, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    /// <summary>Sentinels must not come from the stored text itself.</summary>
    public static string Clean(string s) => s.Replace(SearchMarkup.Start, ' ').Replace(SearchMarkup.End, ' ');

    public static async Task<IReadOnlyList<IndexedEntry>> ReadEntriesAsync(DbCommand cmd, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cmd);
        var entries = new List<IndexedEntry>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new IndexedEntry(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
                Text(reader, 1), Text(reader, 2), Text(reader, 3), Text(reader, 4)));
        }
        return entries;
    }

    private static string Text(DbDataReader reader, int i) => reader.IsDBNull(i) ? "" : reader.GetString(i);
}

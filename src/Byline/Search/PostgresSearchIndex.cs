using Microsoft.EntityFrameworkCore.Storage;
using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Byline.Storage;

namespace Byline.Search;

/// <summary>
/// Table <c>ArticleSearch</c> with a stored, generated <c>tsvector</c> (english configuration):
/// headline weight A, standfirst and tags B, authors C, body D; a GIN index answers <c>@@</c>.
/// Ranked by <c>ts_rank_cd</c> times the recency decay; snippets by <c>ts_headline</c>.
/// </summary>
public sealed partial class PostgresSearchIndex(BylineDb db, SearchOptions options) : ISearchIndex
{
    private const string Columns = "\"ArticleId\", \"PublishedAt\", \"SectionId\", \"TopSectionId\", \"Headline\", \"Standfirst\", \"Body\", \"Tags\", \"Authors\"";

    /// <summary>
    /// Fills the search rows of published stories from <c>Articles</c> (the rows must not exist yet).
    /// Append <c>AND a."Id" BETWEEN …</c> to fill a range: the seeder fills the ranges of batches already
    /// committed on connections of its own while it writes the next ones. Tags and authors are joined in
    /// their stored order, live-blog updates in posting order, as <see cref="SearchIndexSync"/> indexes a
    /// single story, so a filled row and a row indexed story by story are the same.
    /// </summary>
    internal const string FillSql = """
        INSERT INTO "ArticleSearch" ("ArticleId", "PublishedAt", "SectionId", "TopSectionId", "Headline", "Standfirst", "Body", "Tags", "Authors")
        SELECT a."Id", a."PublishedAt", a."SectionId", a."TopSectionId", a."Headline", a."Standfirst",
            a."BodyMarkdown"
            || CASE WHEN a."Format" IN (1, 12) AND a."FormatData" IS NOT NULL
                THEN COALESCE((SELECT ' ' || string_agg(COALESCE(e.slide->>'heading', '') || ' ' || COALESCE(e.slide->>'text', ''), ' ' ORDER BY e.n)
                    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(a."FormatData"::jsonb -> 'slides') = 'array' THEN a."FormatData"::jsonb -> 'slides' ELSE '[]'::jsonb END)
                        WITH ORDINALITY AS e(slide, n)), '') ELSE '' END
            || CASE WHEN a."Format" = 2
                THEN COALESCE((SELECT ' ' || string_agg(u."Headline" || ' ' || u."BodyMarkdown", ' ' ORDER BY u."Id") FROM "LiveBlogUpdates" u WHERE u."ArticleId" = a."Id" AND NOT u."IsDeleted"), '') ELSE '' END,
            COALESCE((SELECT string_agg(t."Name", ' ' ORDER BY x."Position") FROM "ArticleTags" x JOIN "Tags" t ON t."Id" = x."TagId" WHERE x."ArticleId" = a."Id"), ''),
            COALESCE((SELECT string_agg(u."Name", ' ' ORDER BY y."Position") FROM "ArticleAuthors" y JOIN "Authors" u ON u."Id" = y."AuthorId" WHERE y."ArticleId" = a."Id"), '')
        FROM "Articles" a WHERE a."Status" = 3 AND a."PublishedAt" IS NOT NULL
        """;

    // The GIN index is dropped for the load and built once over the filled table: one sorted build
    // with generous working memory is several times faster than a million incremental inserts into it.
    // Searches wait on TRUNCATE's lock until the commit, and see the old index or the new one, never half.
    internal const string RebuildSql = $"""
        TRUNCATE "ArticleSearch";
        DROP INDEX IF EXISTS "IX_ArticleSearch_Document";
        SET LOCAL maintenance_work_mem = '512MB';
        {FillSql};
        CREATE INDEX "IX_ArticleSearch_Document" ON "ArticleSearch" USING GIN ("Document");
        ANALYZE "ArticleSearch";
        """;

    // chr(2)/chr(3) are the sentinels SearchMarkup turns into <mark> after encoding the text.
    private const string Marks = "StartSel=' || chr(2) || ', StopSel=' || chr(3)";

    public Task UpsertAsync(SearchDocument d, CancellationToken ct) =>
        SearchSql.WithConnectionAsync(db, async conn =>
        {
            await using var cmd = SearchSql.Command(conn, $"""
                INSERT INTO "ArticleSearch" ({Columns}) VALUES (@id, @p, @sec, @top, @h, @s, @b, @t, @a)
                ON CONFLICT ("ArticleId") DO UPDATE SET "PublishedAt" = excluded."PublishedAt", "SectionId" = excluded."SectionId",
                    "TopSectionId" = excluded."TopSectionId", "Headline" = excluded."Headline", "Standfirst" = excluded."Standfirst",
                    "Body" = excluded."Body", "Tags" = excluded."Tags", "Authors" = excluded."Authors"
                """,
                ("@id", d.ArticleId), ("@p", d.PublishedAt), ("@sec", d.SectionId), ("@top", d.TopSectionId),
                ("@h", SearchSql.Clean(d.Headline)), ("@s", SearchSql.Clean(d.Standfirst)), ("@b", SearchSql.Clean(d.Body)),
                ("@t", d.Tags), ("@a", d.Authors));
            return await cmd.ExecuteNonQueryAsync(ct);
        });

    public Task<int> ReindexAsync(IReadOnlyCollection<int> articleIds, CancellationToken ct) =>
        SearchSql.WithConnectionAsync(db, async conn =>
        {
            ArgumentNullException.ThrowIfNull(articleIds);
            var ids = articleIds.ToArray();
            await using var del = SearchSql.Command(conn, "DELETE FROM \"ArticleSearch\" WHERE \"ArticleId\" = ANY(@ids)", ("@ids", ids));
            del.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            await del.ExecuteNonQueryAsync(ct);
            await using var fill = SearchSql.Command(conn, FillSql + " AND a.\"Id\" = ANY(@ids)", ("@ids", ids));
            fill.Transaction = del.Transaction;
            return await fill.ExecuteNonQueryAsync(ct);
        });

    public Task DeleteAsync(int articleId, CancellationToken ct) =>
        SearchSql.WithConnectionAsync(db, async conn =>
        {
            await using var cmd = SearchSql.Command(conn, "DELETE FROM \"ArticleSearch\" WHERE \"ArticleId\" = @id", ("@id", articleId));
            return await cmd.ExecuteNonQueryAsync(ct);
        });

    public Task<int> RebuildAsync(CancellationToken ct) =>
        SearchSql.WithConnectionAsync(db, async conn =>
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            await using var cmd = SearchSql.Command(conn, RebuildSql);
            cmd.Transaction = tx;
            cmd.CommandTimeout = 0;
            await cmd.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            await using var count = SearchSql.Command(conn, "SELECT count(*) FROM \"ArticleSearch\"");
            return Convert.ToInt32(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        });

    public Task<IReadOnlyList<IndexedEntry>> ReadEntriesAsync(int afterId, int take, CancellationToken ct) =>
        SearchSql.WithConnectionAsync(db, async conn =>
        {
            await using var cmd = SearchSql.Command(conn,
                "SELECT \"ArticleId\", \"Headline\", \"Standfirst\", \"Tags\", \"Authors\" FROM \"ArticleSearch\" WHERE \"ArticleId\" > @after ORDER BY \"ArticleId\" LIMIT @take",
                ("@after", afterId), ("@take", take));
            return await SearchSql.ReadEntriesAsync(cmd, ct);
        });

    public Task<long> CountAsync(CancellationToken ct) =>
        SearchSql.WithConnectionAsync(db, async conn =>
        {
            await using var cmd = SearchSql.Command(conn, "SELECT count(*) FROM (SELECT 1 FROM \"ArticleSearch\" LIMIT 1) x");
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        });

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(SearchRequest r, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var tsquery = SearchSyntax.ToTsQuery(r.Query);
        if (tsquery.Length == 0)
        {
            return [];
        }
        try
        {
            return await SearchWithinBudgetAsync(r, tsquery, ct);
        }
        catch (Exception e) when (SearchBudget.IsPostgresTimeout(e, ct))
        {
            throw new SearchTooCostlyException("The search ran past its time budget.", e);
        }
    }

    private Task<IReadOnlyList<SearchHit>> SearchWithinBudgetAsync(SearchRequest r, string tsquery, CancellationToken ct) =>
        SearchSql.WithConnectionAsync<IReadOnlyList<SearchHit>>(db, async conn =>
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            await ExecuteAsync(conn, tx, SearchBudget.PostgresTimeoutSql(options.StatementTimeout), ct);
            // The first window is sized by the planner's guess of how many stories match (its
            // statistics of the tsvector's words): enough stories to hold the candidates if the
            // matches were spread evenly, with half as many again to spare, and never fewer than
            // WindowStories. A word the planner thinks rare is searched in the whole index at once.
            var stories = await ScalarAsync(conn, tx, "SELECT reltuples::int8 FROM pg_class WHERE oid = '\"ArticleSearch\"'::regclass", ct);
            var matching = await EstimateAsync(conn, tx, tsquery, ct);
            var window = Math.Max(Math.Max(1, options.WindowStories), (long)Math.Ceiling(stories * 1.5 * options.Candidates / Math.Max(1, matching)));
            DateTime? cutoff = window < stories ? await CutoffAsync(conn, tx, window, r.ToUtc, ct) : null;
            // Bitmap scans only: the planner's other choice, walking the date index newest first and
            // testing every row's whole tsvector (de-toasted, body included), took seconds for a
            // common word at 1M stories; within a window the GIN and date bitmaps are combined instead.
            // JIT compiling costs more than these few-millisecond statements run.
            await ExecuteAsync(conn, tx, "SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off; SET LOCAL work_mem = '32MB'; SET LOCAL jit = off", ct);
            while (true)
            {
                // A window reaching back past the "from" filter is the whole range asked for.
                var last = cutoff is not DateTime c || (r.FromUtc is DateTime f && c <= f);
                var (hits, candidates) = await RankAsync(conn, tx, r, tsquery, last ? r.FromUtc : cutoff, ct);
                if (last || candidates >= options.Candidates)
                {
                    await tx.CommitAsync(ct);
                    return hits;
                }
                window = Widen(window, options.Candidates, candidates);
                // A window as large as the index (by the planner's estimate) is the whole index.
                cutoff = window < stories ? await CutoffAsync(conn, tx, window, r.ToUtc, ct) : null;
            }
        });

    /// <summary>
    /// The next window: as many stories as the matches found so far say should hold the candidates,
    /// with half as many again to spare, at least twice and at most a hundred times the last one.
    /// </summary>
    internal static long Widen(long window, int cap, int found) =>
        window * (long)Math.Clamp(Math.Ceiling(1.5 * cap / Math.Max(1, found)), 2, 100);

    /// <summary>The publication time of the <paramref name="window"/>-th newest story (before the "to" filter), or null when there are fewer.</summary>
    private static async Task<DateTime?> CutoffAsync(DbConnection conn, DbTransaction tx, long window, DateTime? to, CancellationToken ct)
    {
        // The date index is walked here, so index scans are allowed for this one statement.
        await ExecuteAsync(conn, tx, "SET LOCAL enable_indexscan = on", ct);
        var before = to is null ? "" : "WHERE \"PublishedAt\" < @to";
        await using var cmd = SearchSql.Command(conn, $"""
            SELECT "PublishedAt" FROM "ArticleSearch" {before} ORDER BY "PublishedAt" DESC OFFSET @k LIMIT 1
            """, ("@k", window), ("@to", to));
        cmd.Transaction = tx;
        var cutoff = await cmd.ExecuteScalarAsync(ct) as DateTime?;
        await ExecuteAsync(conn, tx, "SET LOCAL enable_indexscan = off", ct);
        return cutoff;
    }

    /// <summary>The planner's estimate of the stories matching the words (no filters): the first line of EXPLAIN.</summary>
    private static async Task<long> EstimateAsync(DbConnection conn, DbTransaction tx, string tsquery, CancellationToken ct)
    {
        await using var cmd = SearchSql.Command(conn, """
            EXPLAIN SELECT 1 FROM "ArticleSearch" WHERE "Document" @@ to_tsquery('english', @q)
            """, ("@q", tsquery));
        cmd.Transaction = tx;
        var plan = await cmd.ExecuteScalarAsync(ct) as string ?? "";
        var rows = RowsEstimate().Match(plan);
        return rows.Success ? long.Parse(rows.Groups[1].ValueSpan, CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"rows=(\d+)")]
    private static partial Regex RowsEstimate();

    private static async Task<long> ScalarAsync(DbConnection conn, DbTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = SearchSql.Command(conn, sql);
        cmd.Transaction = tx;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(DbConnection conn, DbTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = SearchSql.Command(conn, sql);
        cmd.Transaction = tx;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Ranks the newest <see cref="SearchOptions.Candidates"/> matches published at or after
    /// <paramref name="since"/> and returns the page asked for plus how many candidates there were.
    /// </summary>
    private async Task<(List<SearchHit> Hits, int Candidates)> RankAsync(DbConnection conn, DbTransaction tx, SearchRequest r, string tsquery, DateTime? since, CancellationToken ct)
    {
        var parameters = new List<(string, object?)>
        {
            ("@q", tsquery), ("@cap", options.Candidates), ("@now", r.NowUtc), ("@days", options.RecencyDays), ("@take", r.Take), ("@skip", r.Skip),
        };
        var filters = "";
        if (r.TopSectionId is int section)
        {
            filters += " AND s.\"TopSectionId\" = @section";
            parameters.Add(("@section", section));
        }
        if (since is DateTime from)
        {
            filters += " AND s.\"PublishedAt\" >= @from";
            parameters.Add(("@from", from));
        }
        if (r.ToUtc is DateTime to)
        {
            filters += " AND s.\"PublishedAt\" < @to";
            parameters.Add(("@to", to));
        }
        // The tsquery is written into the filter (not taken from q) so the planner sees its words and
        // can estimate their frequency. The page's snippets are made for 20 rows only.
        await using var cmd = SearchSql.Command(conn, $"""
            WITH q AS (SELECT to_tsquery('english', @q) AS q),
            c AS MATERIALIZED (
                SELECT s."ArticleId", s."PublishedAt", s."Document" FROM "ArticleSearch" s
                WHERE s."Document" @@ to_tsquery('english', @q){filters} ORDER BY s."PublishedAt" DESC LIMIT @cap),
            page AS (
                SELECT c."ArticleId",
                    ts_rank_cd(c."Document", q.q) / (1 + GREATEST(0, EXTRACT(EPOCH FROM (@now - c."PublishedAt")) / 86400.0) / @days) AS score
                FROM c, q
                ORDER BY score DESC, c."ArticleId" DESC LIMIT @take OFFSET @skip)
            SELECT n.total, p."ArticleId", p.score::float8,
                ts_headline('english', s."Headline", q.q, 'HighlightAll=true, {Marks}),
                ts_headline('english', s."Standfirst" || ' ' || left(s."Body", 5000), q.q,
                    'MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … ", {Marks})
            FROM (SELECT count(*)::int4 AS total FROM c) n CROSS JOIN q
                LEFT JOIN (page p JOIN "ArticleSearch" s ON s."ArticleId" = p."ArticleId") ON true
            ORDER BY p.score DESC, p."ArticleId" DESC
            """, [.. parameters]);
        cmd.Transaction = tx;
        var hits = new List<SearchHit>();
        var total = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            total = reader.GetInt32(0);
            if (!reader.IsDBNull(1))
            {
                hits.Add(new SearchHit(reader.GetInt32(1), reader.GetDouble(2), reader.GetString(3), reader.GetString(4)));
            }
        }
        return (hits, total);
    }

    public Task<IReadOnlyList<int>> SimilarAsync(IReadOnlyList<string> words, int excludeId, int take, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (words.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<int>>([]);
        }
        return SearchSql.WithConnectionAsync<IReadOnlyList<int>>(db, async conn =>
        {
            // Weights {D, C, B, A}: only the headline (A) and standfirst/tags (B) count towards similarity.
            // The tsquery is written into the filter so the planner sees the words: taken from q it
            // guessed 5,000 matches for a headline's words that matched 374,000 of 1M stories, chose a
            // lossy GIN bitmap and re-tested 710,000 de-toasted rows (13.8 s); seeing them it walks the
            // date index newest first and stops at the cap (67 ms).
            await using var cmd = SearchSql.Command(conn, """
                WITH q AS (SELECT to_tsquery('english', @q) AS q)
                SELECT c."ArticleId" FROM (
                    SELECT s."ArticleId", s."Document" FROM "ArticleSearch" s
                    WHERE s."Document" @@ to_tsquery('english', @q) AND s."ArticleId" <> @self ORDER BY s."PublishedAt" DESC LIMIT @cap) c, q
                ORDER BY ts_rank_cd('{0, 0, 0.4, 1.0}', c."Document", q.q) DESC, c."ArticleId" DESC LIMIT @take
                """, ("@q", SearchSyntax.ToTsQueryAnyOf(words)), ("@self", excludeId), ("@cap", options.Candidates), ("@take", take));
            var ids = new List<int>();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetInt32(0));
            }
            return ids;
        });
    }
}

using Microsoft.EntityFrameworkCore.Storage;
using System.Globalization;
using Byline.Storage;

namespace Byline.Search;

/// <summary>
/// FTS5 table <c>ArticleSearch</c> (rowid = article id; columns headline, standfirst, body, tags,
/// authors; porter stemming over unicode61 without diacritics). Ranked by
/// <c>bm25(10, 4, 1, 3, 2)</c> times the recency decay.
/// </summary>
public sealed class SqliteSearchIndex(BylineDb db, SearchOptions options, TimeProvider clock) : ISearchIndex
{
    /// <summary>The entries of the published stories, made from the stored rows (a rebuild fills every one, an import its batch).</summary>
    internal const string FillSql = """
        -- Tags, authors, updates and slides in their stored order, as SearchIndexSync indexes one story.
        INSERT INTO "ArticleSearch" (rowid, headline, standfirst, body, tags, authors)
        SELECT a."Id", a."Headline", a."Standfirst",
            a."BodyMarkdown"
            || CASE WHEN a."Format" IN (1, 12) AND json_valid(a."FormatData")
                THEN COALESCE((SELECT ' ' || group_concat(COALESCE(json_extract(s.value, '$.heading'), '') || ' ' || COALESCE(json_extract(s.value, '$.text'), ''), ' ' ORDER BY s.key)
                    FROM json_each(a."FormatData", '$.slides') s), '') ELSE '' END
            || CASE WHEN a."Format" = 2
                THEN COALESCE((SELECT ' ' || group_concat(u."Headline" || ' ' || u."BodyMarkdown", ' ' ORDER BY u."Id") FROM "LiveBlogUpdates" u WHERE u."ArticleId" = a."Id" AND u."IsDeleted" = 0), '') ELSE '' END,
            COALESCE((SELECT group_concat(t."Name", ' ' ORDER BY x."Position") FROM "ArticleTags" x JOIN "Tags" t ON t."Id" = x."TagId" WHERE x."ArticleId" = a."Id"), ''),
            COALESCE((SELECT group_concat(u."Name", ' ' ORDER BY y."Position") FROM "ArticleAuthors" y JOIN "Authors" u ON u."Id" = y."AuthorId" WHERE y."ArticleId" = a."Id"), '')
        FROM "Articles" a WHERE a."Status" = 3
        """;

    // Dropping and re-creating is far cheaper than deleting every row, which FTS5 does document by document.
    // While loading, FTS5 would merge its segments incrementally after every flush ('automerge'); the
    // single 'optimize' at the end merges them anyway, so merging is off for the load and back to the
    // default (4) after it.
    internal const string RebuildSql = $"""
        DROP TABLE IF EXISTS "ArticleSearch";
        CREATE VIRTUAL TABLE "ArticleSearch" USING fts5(
            headline, standfirst, body, tags, authors,
            tokenize = 'porter unicode61 remove_diacritics 2');
        INSERT INTO "ArticleSearch" ("ArticleSearch", rank) VALUES ('automerge', 0);
        {FillSql};
        INSERT INTO "ArticleSearch" ("ArticleSearch") VALUES ('optimize');
        INSERT INTO "ArticleSearch" ("ArticleSearch", rank) VALUES ('automerge', 4);
        """;

    /// <summary>Page cache for the rebuild's connection (KiB, negative as SQLite takes it): the index being built stays in memory until commit instead of spilling to the WAL repeatedly.</summary>
    private const int RebuildCacheKib = 512 * 1024;

    public Task UpsertAsync(SearchDocument d, CancellationToken ct) =>
        SearchSql.WithConnectionAsync(db, async conn =>
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            await using var del = SearchSql.Command(conn, "DELETE FROM \"ArticleSearch\" WHERE rowid = @id", ("@id", d.ArticleId));
            del.Transaction = tx;
            await del.ExecuteNonQueryAsync(ct);
            await using var ins = SearchSql.Command(conn,
                "INSERT INTO \"ArticleSearch\" (rowid, headline, standfirst, body, tags, authors) VALUES (@id, @h, @s, @b, @t, @a)",
                ("@id", d.ArticleId), ("@h", SearchSql.Clean(d.Headline)), ("@s", SearchSql.Clean(d.Standfirst)), ("@b", SearchSql.Clean(d.Body)),
                ("@t", d.Tags), ("@a", d.Authors));
            ins.Transaction = tx;
            await ins.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            return 0;
        });

    public Task<int> ReindexAsync(IReadOnlyCollection<int> articleIds, CancellationToken ct) =>
        SearchSql.WithConnectionAsync(db, async conn =>
        {
            ArgumentNullException.ThrowIfNull(articleIds);
            var ids = System.Text.Json.JsonSerializer.Serialize(articleIds.ToArray());
            await using var del = SearchSql.Command(conn, "DELETE FROM \"ArticleSearch\" WHERE rowid IN (SELECT value FROM json_each(@ids))", ("@ids", ids));
            del.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            await del.ExecuteNonQueryAsync(ct);
            await using var fill = SearchSql.Command(conn, FillSql + " AND a.\"Id\" IN (SELECT value FROM json_each(@ids))", ("@ids", ids));
            fill.Transaction = del.Transaction;
            return await fill.ExecuteNonQueryAsync(ct);
        });

    public Task DeleteAsync(int articleId, CancellationToken ct) =>
        SearchSql.WithConnectionAsync(db, async conn =>
        {
            await using var cmd = SearchSql.Command(conn, "DELETE FROM \"ArticleSearch\" WHERE rowid = @id", ("@id", articleId));
            return await cmd.ExecuteNonQueryAsync(ct);
        });

    public Task<int> RebuildAsync(CancellationToken ct) =>
        SearchSql.WithConnectionAsync(db, async conn =>
        {
            // Pooled connections keep their pragmas: the large cache is put back to the usual one after.
            long cacheSize;
            await using (var get = SearchSql.Command(conn, "PRAGMA cache_size"))
            {
                cacheSize = Convert.ToInt64(await get.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            }
            await using (var set = SearchSql.Command(conn, $"PRAGMA cache_size = -{RebuildCacheKib}"))
            {
                await set.ExecuteNonQueryAsync(ct);
            }
            try
            {
                await using var tx = await conn.BeginTransactionAsync(ct);
                await using var cmd = SearchSql.Command(conn, RebuildSql);
                cmd.Transaction = tx;
                cmd.CommandTimeout = 0;
                await cmd.ExecuteNonQueryAsync(ct);
                await tx.CommitAsync(ct);
            }
            finally
            {
                await using var reset = SearchSql.Command(conn, $"PRAGMA cache_size = {cacheSize.ToString(CultureInfo.InvariantCulture)}");
                await reset.ExecuteNonQueryAsync(CancellationToken.None);
            }
            await using var count = SearchSql.Command(conn, "SELECT count(*) FROM \"ArticleSearch\"");
            return Convert.ToInt32(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        });

    public Task<IReadOnlyList<IndexedEntry>> ReadEntriesAsync(int afterId, int take, CancellationToken ct) =>
        SearchSql.WithConnectionAsync(db, async conn =>
        {
            // FTS5 walks rowid ranges directly.
            await using var cmd = SearchSql.Command(conn,
                "SELECT rowid, headline, standfirst, tags, authors FROM \"ArticleSearch\" WHERE rowid > @after ORDER BY rowid LIMIT @take",
                ("@after", afterId), ("@take", take));
            return await SearchSql.ReadEntriesAsync(cmd, ct);
        });

    public Task<long> CountAsync(CancellationToken ct) =>
        SearchSql.WithConnectionAsync(db, async conn =>
        {
            // Any row at all is enough for "is it empty"; counting an FTS table scans it.
            await using var cmd = SearchSql.Command(conn, "SELECT count(*) FROM (SELECT 1 FROM \"ArticleSearch\" LIMIT 1)");
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        });

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(SearchRequest r, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var match = SearchSyntax.ToFts5(r.Query);
        if (match.Length == 0)
        {
            return [];
        }
        var filters = (r.TopSectionId is null ? "" : " AND a.\"TopSectionId\" = @section")
            + (r.FromUtc is null ? "" : " AND a.\"PublishedAt\" >= @from")
            + (r.ToUtc is null ? "" : " AND a.\"PublishedAt\" < @to");
        // The newest candidates by id (ids rise with time) are ranked: FTS5 walks its doclists backwards
        // and stops at the cap. Without filters the story table is only read for the candidates' dates.
        var candidates = filters.Length == 0
            ? """
              SELECT rowid AS id, -bm25("ArticleSearch", 10.0, 4.0, 1.0, 3.0, 2.0) AS rank
              FROM "ArticleSearch" WHERE "ArticleSearch" MATCH @q ORDER BY rowid DESC LIMIT @cap
              """
            : $"""
              SELECT f.rowid AS id, -bm25("ArticleSearch", 10.0, 4.0, 1.0, 3.0, 2.0) AS rank
              FROM "ArticleSearch" f JOIN "Articles" a ON a."Id" = f.rowid
              WHERE "ArticleSearch" MATCH @q{filters} ORDER BY f.rowid DESC LIMIT @cap
              """;
        var sql = $"""
            WITH cand AS ({candidates})
            SELECT c.id, c.rank / (1.0 + max(0.0, julianday(@now) - julianday(a."PublishedAt")) / @days) AS score
            FROM cand c JOIN "Articles" a ON a."Id" = c.id
            ORDER BY score DESC, c.id DESC LIMIT @take OFFSET @skip
            """;
        return await SearchSql.WithConnectionAsync(db, async conn =>
        {
            using var limit = SearchBudget.LimitSqlite((Microsoft.Data.Sqlite.SqliteConnection)conn, options.StatementTimeout, clock);
            try
            {
                return await RankAndMarkAsync(conn, sql, match, r, ct);
            }
            catch (Microsoft.Data.Sqlite.SqliteException e) when (SearchBudget.IsSqliteInterrupt(e))
            {
                throw new SearchTooCostlyException("The search ran past its time budget.", e);
            }
        });
    }

    private async Task<IReadOnlyList<SearchHit>> RankAndMarkAsync(System.Data.Common.DbConnection conn, string sql, string match, SearchRequest r, CancellationToken ct)
    {
        var ranked = new List<(int Id, double Score)>();
        await using (var cmd = SearchSql.Command(conn, sql,
            ("@q", match), ("@section", r.TopSectionId), ("@from", r.FromUtc), ("@to", r.ToUtc), ("@cap", options.Candidates),
            ("@now", r.NowUtc), ("@days", options.RecencyDays), ("@take", r.Take), ("@skip", r.Skip)))
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ranked.Add((reader.GetInt32(0), reader.GetDouble(1)));
            }
        }
        if (ranked.Count == 0)
        {
            return [];
        }
        var marks = new Dictionary<int, (string H, string S)>();
        var ids = string.Join(',', ranked.Select(x => x.Id.ToString(CultureInfo.InvariantCulture)));
        await using (var cmd = SearchSql.Command(conn, $"""
            SELECT rowid, highlight("ArticleSearch", 0, char(2), char(3)),
                   snippet("ArticleSearch", 2, char(2), char(3), '…', 24)
            FROM "ArticleSearch" WHERE "ArticleSearch" MATCH @q AND rowid IN ({ids})
            """, ("@q", match)))
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                marks[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));
            }
        }
        return ranked.Select(x => marks.TryGetValue(x.Id, out var m)
            ? new SearchHit(x.Id, x.Score, m.H, m.S)
            : new SearchHit(x.Id, x.Score, "", "")).ToList();
    }

    public Task<IReadOnlyList<int>> SimilarAsync(IReadOnlyList<string> words, int excludeId, int take, CancellationToken ct)
    {
        var match = SearchSyntax.ToFts5AnyOf(words, "headline standfirst");
        if (match.Length == 0)
        {
            return Task.FromResult<IReadOnlyList<int>>([]);
        }
        return SearchSql.WithConnectionAsync<IReadOnlyList<int>>(db, async conn =>
        {
            await using var cmd = SearchSql.Command(conn, """
                WITH cand AS (
                    SELECT rowid AS id, -bm25("ArticleSearch", 10.0, 4.0, 0.0, 0.0, 0.0) AS rank
                    FROM "ArticleSearch" WHERE "ArticleSearch" MATCH @q AND rowid <> @self
                    ORDER BY rowid DESC LIMIT @cap)
                SELECT id FROM cand ORDER BY rank DESC, id DESC LIMIT @take
                """, ("@q", match), ("@self", excludeId), ("@cap", options.Candidates), ("@take", take));
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

using System.Globalization;
using Byline.Storage;

namespace Byline.Search;

/// <summary>
/// Table <c>ArticleSearch</c> with a stored, generated <c>tsvector</c> (english configuration):
/// headline weight A, standfirst and tags B, authors C, body D; a GIN index answers <c>@@</c>.
/// Ranked by <c>ts_rank_cd</c> times the recency decay; snippets by <c>ts_headline</c>.
/// </summary>
public sealed class PostgresSearchIndex(BylineDb db, SearchOptions options) : ISearchIndex
{
    private const string Columns = "\"ArticleId\", \"PublishedAt\", \"SectionId\", \"TopSectionId\", \"Headline\", \"Standfirst\", \"Body\", \"Tags\", \"Authors\"";

    // The GIN index is dropped for the load and built once over the filled table: one sorted build
    // with generous working memory is several times faster than a million incremental inserts into it.
    // Searches wait on TRUNCATE's lock until the commit, and see the old index or the new one, never half.
    internal const string RebuildSql = """
        TRUNCATE "ArticleSearch";
        DROP INDEX IF EXISTS "IX_ArticleSearch_Document";
        SET LOCAL maintenance_work_mem = '512MB';
        INSERT INTO "ArticleSearch" ("ArticleId", "PublishedAt", "SectionId", "TopSectionId", "Headline", "Standfirst", "Body", "Tags", "Authors")
        SELECT a."Id", a."PublishedAt", a."SectionId", a."TopSectionId", a."Headline", a."Standfirst",
            a."BodyMarkdown"
            || CASE WHEN a."Format" IN (1, 12) AND a."FormatData" IS NOT NULL
                THEN COALESCE((SELECT ' ' || string_agg(COALESCE(s->>'heading', '') || ' ' || COALESCE(s->>'text', ''), ' ')
                    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(a."FormatData"::jsonb -> 'slides') = 'array' THEN a."FormatData"::jsonb -> 'slides' ELSE '[]'::jsonb END) s), '') ELSE '' END
            || CASE WHEN a."Format" = 2
                THEN COALESCE((SELECT ' ' || string_agg(u."Headline" || ' ' || u."BodyMarkdown", ' ') FROM "LiveBlogUpdates" u WHERE u."ArticleId" = a."Id" AND NOT u."IsDeleted"), '') ELSE '' END,
            COALESCE((SELECT string_agg(t."Name", ' ') FROM "ArticleTags" x JOIN "Tags" t ON t."Id" = x."TagId" WHERE x."ArticleId" = a."Id"), ''),
            COALESCE((SELECT string_agg(u."Name", ' ') FROM "ArticleAuthors" y JOIN "Authors" u ON u."Id" = y."AuthorId" WHERE y."ArticleId" = a."Id"), '')
        FROM "Articles" a WHERE a."Status" = 3 AND a."PublishedAt" IS NOT NULL;
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

    public Task<long> CountAsync(CancellationToken ct) =>
        SearchSql.WithConnectionAsync(db, async conn =>
        {
            await using var cmd = SearchSql.Command(conn, "SELECT count(*) FROM (SELECT 1 FROM \"ArticleSearch\" LIMIT 1) x");
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        });

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(SearchRequest r, CancellationToken ct)
    {
        var tsquery = SearchSyntax.ToTsQuery(r.Query);
        if (tsquery.Length == 0)
        {
            return [];
        }
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
        if (r.FromUtc is DateTime from)
        {
            filters += " AND s.\"PublishedAt\" >= @from";
            parameters.Add(("@from", from));
        }
        if (r.ToUtc is DateTime to)
        {
            filters += " AND s.\"PublishedAt\" < @to";
            parameters.Add(("@to", to));
        }
        // The newest matches are ranked (see SearchOptions.Candidates); the page's snippets are made for 20 rows only.
        var sql = $"""
            WITH q AS (SELECT to_tsquery('english', @q) AS q),
            page AS (
                SELECT c."ArticleId",
                    ts_rank_cd(c."Document", q.q) / (1 + GREATEST(0, EXTRACT(EPOCH FROM (@now - c."PublishedAt")) / 86400.0) / @days) AS score
                FROM (SELECT s."ArticleId", s."PublishedAt", s."Document" FROM "ArticleSearch" s, q
                      WHERE s."Document" @@ q.q{filters} ORDER BY s."PublishedAt" DESC LIMIT @cap) c, q
                ORDER BY score DESC, c."ArticleId" DESC LIMIT @take OFFSET @skip)
            SELECT p."ArticleId", p.score::float8,
                ts_headline('english', s."Headline", q.q, 'HighlightAll=true, {Marks}),
                ts_headline('english', s."Standfirst" || ' ' || left(s."Body", 5000), q.q,
                    'MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … ", {Marks})
            FROM page p JOIN "ArticleSearch" s ON s."ArticleId" = p."ArticleId", q
            ORDER BY p.score DESC, p."ArticleId" DESC
            """;
        return await SearchSql.WithConnectionAsync<IReadOnlyList<SearchHit>>(db, async conn =>
        {
            await using var cmd = SearchSql.Command(conn, sql, [.. parameters]);
            var hits = new List<SearchHit>();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                hits.Add(new SearchHit(reader.GetInt32(0), reader.GetDouble(1), reader.GetString(2), reader.GetString(3)));
            }
            return hits;
        });
    }

    public Task<IReadOnlyList<int>> SimilarAsync(IReadOnlyList<string> words, int excludeId, int take, CancellationToken ct)
    {
        if (words.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<int>>([]);
        }
        return SearchSql.WithConnectionAsync<IReadOnlyList<int>>(db, async conn =>
        {
            // Weights {D, C, B, A}: only the headline (A) and standfirst/tags (B) count towards similarity.
            await using var cmd = SearchSql.Command(conn, """
                WITH q AS (SELECT to_tsquery('english', @q) AS q)
                SELECT c."ArticleId" FROM (
                    SELECT s."ArticleId", s."Document" FROM "ArticleSearch" s, q
                    WHERE s."Document" @@ q.q AND s."ArticleId" <> @self ORDER BY s."PublishedAt" DESC LIMIT @cap) c, q
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

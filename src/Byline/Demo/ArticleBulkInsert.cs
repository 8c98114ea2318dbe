using Byline.Content;
using System.Data.Common;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Byline.Demo;

/// <summary>A published story ready for the database; ids are assigned when its batch is written.</summary>
internal sealed record ArticleRow(
    string Slug, string Headline, string Standfirst, string BodyMarkdown, string BodyHtml, int WordCount,
    int? LeadImageId, int SectionId, int TopSectionId, string Attribution,
    DateTime PublishedAt, DateTime? UpdatedAt, DateTime CreatedAt, DateTime ModifiedAt,
    int[] AuthorIds, int[] TagIds);

/// <summary>
/// Writes stories in large batches below EF Core: change tracking and per-row SQL generation cost
/// more than the inserts themselves at a million rows. SQLite gets prepared statements in one
/// transaction; PostgreSQL gets binary COPY. Ids are assigned here (max + 1 under a lock), so the
/// join rows can be written without reading generated keys back.
/// </summary>
internal static class ArticleBulkInsert
{
    private const string ArticleColumns =
        "\"Id\", \"Slug\", \"Headline\", \"Standfirst\", \"BodyMarkdown\", \"BodyHtml\", \"WordCount\", \"LeadImageId\", " +
        "\"SectionId\", \"TopSectionId\", \"Attribution\", \"Status\", \"PublishedAt\", \"UpdatedAt\", \"CreatedAt\", \"ModifiedAt\", \"Version\", \"Format\"";

    // Every column is written, Format too: a table that EF rebuilt from the model has no column defaults.
    private const int ArticleColumnCount = 18;

    /// <summary>Writes and commits one batch; returns the id given to its first row (the rest follow in order).</summary>
    public static Task<int> WriteAsync(BylineDb db, IReadOnlyList<ArticleRow> rows, CancellationToken ct) =>
        db.Provider == DatabaseProvider.Postgres ? WritePostgresAsync(db, rows, ct) : WriteSqliteAsync(db, rows, ct);

    private static async Task<DbConnection> OpenAsync(BylineDb db, CancellationToken ct)
    {
        var conn = db.Database.GetDbConnection();
        if (conn.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(ct);
        }
        return conn;
    }

    private static async Task<int> WriteSqliteAsync(BylineDb db, IReadOnlyList<ArticleRow> rows, CancellationToken ct)
    {
        var conn = await OpenAsync(db, ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var firstId = await NextIdAsync(conn, tx, ct);
        var nextId = firstId;

        await using var article = conn.CreateCommand();
        article.Transaction = tx;
        article.CommandText = $"INSERT INTO \"Articles\" ({ArticleColumns}) VALUES ({string.Join(", ", Enumerable.Range(0, ArticleColumnCount).Select(i => $"$p{i}"))})";
        var p = Enumerable.Range(0, ArticleColumnCount).Select(i => AddParameter(article, $"$p{i}")).ToArray();
        await using var author = JoinCommand(conn, tx, "ArticleAuthors", "AuthorId", out var ap);
        await using var tag = JoinCommand(conn, tx, "ArticleTags", "TagId", out var tp);
        article.Prepare();
        author.Prepare();
        tag.Prepare();

        foreach (var r in rows)
        {
            var id = nextId++;
            object?[] values =
            [
                id, r.Slug, r.Headline, r.Standfirst, r.BodyMarkdown, r.BodyHtml, r.WordCount, r.LeadImageId,
                r.SectionId, r.TopSectionId, r.Attribution, 3, r.PublishedAt, r.UpdatedAt, r.CreatedAt, r.ModifiedAt, 1, (int)StoryFormat.Article,
            ];
            for (var i = 0; i < values.Length; i++)
            {
                p[i].Value = values[i] ?? DBNull.Value;
            }
            await article.ExecuteNonQueryAsync(ct);
            await WriteJoinAsync(author, ap, id, r.AuthorIds, r.PublishedAt, ct);
            await WriteJoinAsync(tag, tp, id, r.TagIds, r.PublishedAt, ct);
        }
        await tx.CommitAsync(ct);
        return firstId;
    }

    private static DbCommand JoinCommand(DbConnection conn, DbTransaction tx, string table, string key, out DbParameter[] p)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"INSERT INTO \"{table}\" (\"ArticleId\", \"{key}\", \"Position\", \"ListedAt\") VALUES ($a, $k, $p, $l)";
        p = [AddParameter(cmd, "$a"), AddParameter(cmd, "$k"), AddParameter(cmd, "$p"), AddParameter(cmd, "$l")];
        return cmd;
    }

    private static async Task WriteJoinAsync(DbCommand cmd, DbParameter[] p, int articleId, int[] keys, DateTime listedAt, CancellationToken ct)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            p[0].Value = articleId;
            p[1].Value = keys[i];
            p[2].Value = i;
            p[3].Value = listedAt;
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private static DbParameter AddParameter(DbCommand cmd, string name)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        cmd.Parameters.Add(p);
        return p;
    }

    private static async Task<int> NextIdAsync(DbConnection conn, DbTransaction tx, CancellationToken ct)
    {
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT COALESCE(MAX(\"Id\"), 0) FROM \"Articles\"";
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) + 1;
    }

    private static async Task<int> WritePostgresAsync(BylineDb db, IReadOnlyList<ArticleRow> rows, CancellationToken ct)
    {
        var conn = (NpgsqlConnection)await OpenAsync(db, ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // A lost batch after a crash is re-seeded, never half-visible: no need to wait for the WAL flush.
        await using (var async = new NpgsqlCommand("SET LOCAL synchronous_commit = off", conn, tx))
        {
            await async.ExecuteNonQueryAsync(ct);
        }
        // Writers of articles wait for this batch, so no one else can take the ids assigned below.
        await using (var lockCmd = new NpgsqlCommand("LOCK TABLE \"Articles\" IN SHARE ROW EXCLUSIVE MODE", conn, tx))
        {
            await lockCmd.ExecuteNonQueryAsync(ct);
        }
        var firstId = await NextIdAsync(conn, tx, ct);

        await using (var copy = await conn.BeginBinaryImportAsync($"COPY \"Articles\" ({ArticleColumns}) FROM STDIN (FORMAT BINARY)", ct))
        {
            var id = firstId;
            foreach (var r in rows)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(id++, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(r.Slug, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(r.Headline, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(r.Standfirst, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(r.BodyMarkdown, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(r.BodyHtml, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(r.WordCount, NpgsqlDbType.Integer, ct);
                await WriteNullableAsync(copy, r.LeadImageId, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(r.SectionId, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(r.TopSectionId, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(r.Attribution, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(3, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(r.PublishedAt, NpgsqlDbType.TimestampTz, ct);
                await WriteNullableAsync(copy, r.UpdatedAt, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(r.CreatedAt, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(r.ModifiedAt, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(1, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync((int)StoryFormat.Article, NpgsqlDbType.Integer, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await CopyJoinAsync(conn, "ArticleAuthors", "AuthorId", rows, firstId, r => r.AuthorIds, ct);
        await CopyJoinAsync(conn, "ArticleTags", "TagId", rows, firstId, r => r.TagIds, ct);
        // Explicit ids do not advance the identity sequence; the newsroom's next insert must not collide.
        await using (var seq = new NpgsqlCommand(
            "SELECT setval(pg_get_serial_sequence('\"Articles\"', 'Id'), (SELECT MAX(\"Id\") FROM \"Articles\"))", conn, tx))
        {
            await seq.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return firstId;
    }

    /// <summary>
    /// Drops the secondary indexes of <paramref name="tables"/> on PostgreSQL and gives back a handle that
    /// builds them again from their own definitions (read from <c>pg_indexes</c>, so a migration that
    /// changes an index needs no change here). Building an index once over a million rows is several
    /// times cheaper than maintaining it row by row during COPY. Primary keys and unique constraints stay.
    /// On SQLite it does nothing.
    /// </summary>
    public static async Task<IAsyncDisposable> SuspendIndexesAsync(BylineDb db, IReadOnlyList<string> tables, CancellationToken ct)
    {
        if (db.Provider != DatabaseProvider.Postgres)
        {
            return new RestoreIndexes(null, []);
        }
        return await SuspendIndexesAsync((NpgsqlConnection)await OpenAsync(db, ct), tables, ct);
    }

    /// <summary>As above, on a PostgreSQL connection the caller keeps open until the handle is disposed.</summary>
    public static async Task<IAsyncDisposable> SuspendIndexesAsync(NpgsqlConnection conn, IReadOnlyList<string> tables, CancellationToken ct)
    {
        var definitions = new List<(string Name, string Definition)>();
        await using (var read = new NpgsqlCommand("""
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(@tables)
              AND i.indexdef NOT LIKE 'CREATE UNIQUE%'
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype IN ('p', 'u', 'x'))
            """, conn))
        {
            read.Parameters.AddWithValue("tables", tables.ToArray());
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                definitions.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        foreach (var (name, _) in definitions)
        {
            await using var drop = new NpgsqlCommand($"DROP INDEX IF EXISTS \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", conn);
            await drop.ExecuteNonQueryAsync(ct);
        }
        return new RestoreIndexes(conn, definitions);
    }

    private sealed class RestoreIndexes(NpgsqlConnection? conn, List<(string Name, string Definition)> definitions) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (conn is null || definitions.Count == 0)
            {
                return;
            }
            // Runs also after a failed or cancelled load: the database must keep its indexes. A GIN
            // index (search) builds several times faster with room to sort in memory.
            if (conn.State != System.Data.ConnectionState.Open)
            {
                await conn.OpenAsync();
            }
            await using (var memory = new NpgsqlCommand("SET maintenance_work_mem = '512MB'", conn))
            {
                await memory.ExecuteNonQueryAsync();
            }
            foreach (var (_, definition) in definitions)
            {
                await using var create = new NpgsqlCommand(definition.Replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", StringComparison.Ordinal), conn)
                {
                    CommandTimeout = 0,
                };
                await create.ExecuteNonQueryAsync();
            }
            await using var reset = new NpgsqlCommand("RESET maintenance_work_mem", conn);
            await reset.ExecuteNonQueryAsync();
        }
    }

    private static async Task CopyJoinAsync(NpgsqlConnection conn, string table, string key, IReadOnlyList<ArticleRow> rows, int firstId,
        Func<ArticleRow, int[]> keys, CancellationToken ct)
    {
        await using var copy = await conn.BeginBinaryImportAsync(
            $"COPY \"{table}\" (\"ArticleId\", \"{key}\", \"Position\", \"ListedAt\") FROM STDIN (FORMAT BINARY)", ct);
        var id = firstId;
        foreach (var r in rows)
        {
            var ks = keys(r);
            for (var i = 0; i < ks.Length; i++)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(id, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(ks[i], NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(i, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(r.PublishedAt, NpgsqlDbType.TimestampTz, ct);
            }
            id++;
        }
        await copy.CompleteAsync(ct);
    }

    private static async Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : struct
    {
        if (value is { } v)
        {
            await copy.WriteAsync(v, type, ct);
        }
        else
        {
            await copy.WriteNullAsync(ct);
        }
    }
}

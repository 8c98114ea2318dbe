using Microsoft.Data.Sqlite;
using Npgsql;

namespace Byline.Storage;

/// <summary>
/// Tells a database that cannot take a write now (read-only, full, out of connections, failing
/// over) from a bug: the first is the operator's to fix and the writer's to retry, so the newsroom
/// keeps the form and says so instead of showing the reader's 500 page.
/// </summary>
public static class StorageFailures
{
    /// <summary>SQLite primary result codes: BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN.</summary>
    private static readonly int[] SqliteCodes = [5, 6, 8, 10, 13, 14];

    public static bool IsUnwritable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException sqlite when SqliteCodes.Contains(sqlite.SqliteErrorCode & 0xff):
                    return true;
                // 25006 read_only_sql_transaction (default_transaction_read_only, a hot standby);
                // class 53 insufficient resources (disk full, out of memory, too many connections);
                // 57P0x shutdown and cannot-connect-now; class 08 connection failures.
                case PostgresException pg when pg.SqlState == "25006" || pg.SqlState.StartsWith("53", StringComparison.Ordinal)
                                               || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal):
                    return true;
                case NpgsqlException { IsTransient: true } and not PostgresException:
                    return true;
            }
        }
        return false;
    }
}

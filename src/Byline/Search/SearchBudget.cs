using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Byline.Search;

/// <summary>A search stopped because it would have cost more than <see cref="SearchOptions.StatementTimeout"/>.</summary>
public sealed class SearchTooCostlyException : Exception
{
    public SearchTooCostlyException()
    {
    }

    public SearchTooCostlyException(string message) : base(message)
    {
    }

    public SearchTooCostlyException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>
/// Bounds the database time one search may take. The query language is already bounded (see
/// <see cref="SearchSyntax"/>), but a bound on the syntax is a guess about cost; this is the cost itself.
/// PostgreSQL gets a <c>statement_timeout</c> for the search's transaction; SQLite, which has no timeout,
/// gets a progress handler that interrupts the statement once the budget is spent.
/// </summary>
internal static class SearchBudget
{
    /// <summary>SQLite calls the handler every this many virtual-machine instructions (a few microseconds of work).</summary>
    private const int SqliteInstructions = 10_000;

    /// <summary>The statement that bounds every later statement of the current PostgreSQL transaction.</summary>
    public static string PostgresTimeoutSql(TimeSpan budget) =>
        "SET LOCAL statement_timeout = " + Math.Max(1, (long)budget.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    /// <summary>True for PostgreSQL's "canceling statement due to statement timeout" (not a caller's cancellation).</summary>
    public static bool IsPostgresTimeout(Exception e, CancellationToken ct) =>
        !ct.IsCancellationRequested && e is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled };

    /// <summary>True for SQLite's SQLITE_INTERRUPT, which the handler of <see cref="LimitSqlite"/> causes.</summary>
    public static bool IsSqliteInterrupt(Exception e) => e is SqliteException { SqliteErrorCode: 9 };

    /// <summary>Interrupts any statement of <paramref name="connection"/> that runs past <paramref name="budget"/> from now, until disposed.</summary>
    public static SqliteLimit LimitSqlite(SqliteConnection connection, TimeSpan budget, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(clock);
        var deadline = clock.GetTimestamp() + (long)(budget.TotalSeconds * clock.TimestampFrequency);
        var handle = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        SQLitePCL.raw.sqlite3_progress_handler(handle, SqliteInstructions, static state =>
        {
            var (c, d) = ((TimeProvider, long))state;
            return c.GetTimestamp() > d ? 1 : 0;
        }, (clock, deadline));
        return new SqliteLimit(handle);
    }

    /// <summary>Removes the handler again: pooled connections outlive the search.</summary>
    public readonly struct SqliteLimit(SQLitePCL.sqlite3 handle) : IDisposable
    {
        public void Dispose() => SQLitePCL.raw.sqlite3_progress_handler(handle, 0, null, null);
    }
}

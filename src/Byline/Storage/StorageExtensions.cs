using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Byline.Storage;

public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}

public static class StorageExtensions
{
    public const string DefaultSqlite = "Data Source=data/byline.db";

    /// <summary>Registers the configured provider's DbContext as <see cref="BylineDb"/>.</summary>
    public static IServiceCollection AddBylineStorage(this IServiceCollection services, IConfiguration config)
    {
        var options = config.GetSection("Byline:Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connection = config.GetConnectionString("Byline");
        services.AddSingleton(options);
        switch (options.Provider)
        {
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(connection))
                {
                    throw new InvalidOperationException(
                        "Byline__Database__Provider is Postgres but ConnectionStrings__Byline is empty: set it, e.g. 'Host=127.0.0.1;Username=byline;Password=…;Database=byline'.");
                }
                services.AddDbContextPool<PostgresBylineDb>(o => o
                    .UseNpgsql(connection, n => n.MigrationsHistoryTable("__EFMigrationsHistory"))
                    .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking));
                services.AddScoped<BylineDb>(sp => sp.GetRequiredService<PostgresBylineDb>());
                break;
            default:
                connection = string.IsNullOrWhiteSpace(connection) ? DefaultSqlite : connection;
                EnsureSqliteFolder(connection);
                services.AddDbContextPool<SqliteBylineDb>(o => o
                    .UseSqlite(connection)
                    .AddInterceptors(new SqlitePragmas())
                    .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking));
                services.AddScoped<BylineDb>(sp => sp.GetRequiredService<SqliteBylineDb>());
                break;
        }
        return services;
    }

    private static void EnsureSqliteFolder(string connection)
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connection);
        var dir = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(dir) && builder.Mode != Microsoft.Data.Sqlite.SqliteOpenMode.Memory)
        {
            Directory.CreateDirectory(dir);
        }
    }

    /// <summary>Refreshes the query planner's statistics after bulk writes.</summary>
    public static async Task AnalyzeAsync(BylineDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.ExecuteSqlRawAsync("ANALYZE;", ct);
    }

    /// <summary>Applies the provider's migrations; on SQLite also switches the file to WAL.</summary>
    public static async Task MigrateAsync(BylineDb db, CancellationToken ct)
    {
        await db.Database.MigrateAsync(ct);
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            // Without statistics SQLite prefers any index with an equality on Status and then sorts the
            // whole table for "newest first"; with them it walks the filtered list indexes. A database
            // that has never been analysed (an older copy, a restore) gets one full ANALYZE here.
            var analysed = await db.Database.SqlQueryRaw<int>(
                "SELECT count(*) AS \"Value\" FROM sqlite_master WHERE name = 'sqlite_stat1'").SingleAsync(ct);
            // Otherwise only tables that need it are analysed (indexes a migration rebuilt, a table that
            // grew a lot), but fully: a bare PRAGMA optimize samples ~2,000 rows per index since SQLite
            // 3.46, which rates Status (one value for nearly every story) as selective and puts the
            // sort back. 0x10002 = analyse, look at every table, no row limit.
            await db.Database.ExecuteSqlRawAsync(analysed == 0 ? "ANALYZE;" : "PRAGMA optimize=0x10002;", ct);
        }
    }
}

/// <summary>
/// Per-connection SQLite settings: WAL makes NORMAL sync safe and much faster for writes. The pool
/// hands the same native connection out again and again, so each is configured once, not on every
/// open (EF opens and closes the connection around each query).
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA cache_size=-20000;";
    private static readonly ConditionalWeakTable<object, object> Configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (FirstOpen(connection))
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = Pragmas;
            cmd.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (FirstOpen(connection))
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = Pragmas;
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static bool FirstOpen(DbConnection connection) =>
        connection is not Microsoft.Data.Sqlite.SqliteConnection { Handle: { } handle } || Configured.TryAdd(handle, handle);
}

using System.Data.Common;
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
            await db.Database.ExecuteSqlRawAsync(analysed == 0 ? "ANALYZE;" : "PRAGMA optimize;", ct);
        }
    }
}

/// <summary>Per-connection SQLite settings: WAL makes NORMAL sync safe and much faster for writes.</summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA cache_size=-20000;";
        cmd.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA cache_size=-20000;";
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}

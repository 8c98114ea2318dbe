using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Byline.Storage;

public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>SQLite: private page cache per pooled connection, in KiB (<c>PRAGMA cache_size</c>). See docs/speed.md.</summary>
    public int SqliteCacheKib { get; set; } = 2000;

    /// <summary>SQLite: bytes of the database file memory-mapped per connection (<c>PRAGMA mmap_size</c>); 0 turns mapping off. See docs/speed.md.</summary>
    public long SqliteMmapBytes { get; set; }
}

/// <summary>
/// An EF interceptor another feature adds to every context (the outbox follows how transactions end).
/// Registered as a singleton before the first context is made; Storage depends on none of them.
/// </summary>
public interface IStorageInterceptor : IInterceptor;

public static class StorageExtensions
{
    public const string DefaultSqlite = "Data Source=data/byline.db";

    /// <summary>
    /// A list in a query (<c>ids.Contains(a.Id)</c>) goes to the database as one array parameter
    /// (<c>json_each</c> on SQLite, <c>= ANY</c> on PostgreSQL). EF's default, one scalar parameter per
    /// item, makes the statement's text depend on the list's length, so EF built the SQL again on every
    /// call, one request at a time behind a lock per query: at 32 concurrent article views that queue
    /// was the page's largest wait (docs/speed.md).
    /// </summary>
    internal const ParameterTranslationMode ListParameters = ParameterTranslationMode.Parameter;

    /// <summary>Registers the configured provider's DbContext as <see cref="BylineDb"/>.</summary>
    public static IServiceCollection AddBylineStorage(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
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
                services.AddDbContextPool<PostgresBylineDb>((sp, o) => o
                    .UseNpgsql(NpgsqlDefaults.Apply(connection), n => n.MigrationsHistoryTable("__EFMigrationsHistory").UseParameterizedCollectionMode(ListParameters))
                    .AddInterceptors(sp.GetServices<IStorageInterceptor>())
                    .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking));
                AddReplica(services, config);
                break;
            default:
                connection = string.IsNullOrWhiteSpace(connection) ? DefaultSqlite : connection;
                EnsureSqliteFolder(connection);
                services.AddDbContextPool<SqliteBylineDb>((sp, o) => o
                    .UseSqlite(connection, s => s.UseParameterizedCollectionMode(ListParameters))
                    .AddInterceptors(new SqlitePragmas(options))
                    .AddInterceptors(sp.GetServices<IStorageInterceptor>())
                    .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking));
                services.AddScoped<BylineDb>(sp => sp.GetRequiredService<SqliteBylineDb>());
                break;
        }
        // Content reads and writes its settings document through EF's own type, so the content model
        // does not depend on the folder that maps it (docs/architecture.md, "Which folder uses which").
        services.AddScoped<DbContext>(sp => sp.GetRequiredService<BylineDb>());
        return services;
    }

    /// <summary>
    /// The read replica (<c>ConnectionStrings:Replica</c>): a second pooled context whose connection opens
    /// on the replica or the primary (docs/scaling.md, "A read replica"). Without it every request scope
    /// gets the primary's context, as before; the health and its monitor are there either way (idle).
    /// </summary>
    private static void AddReplica(IServiceCollection services, IConfiguration config)
    {
        services.Configure<ReplicaOptions>(config.GetSection(ReplicaOptions.Section));
        services.AddSingleton<ReplicaHealth>();
        services.AddHostedService<ReplicaMonitor>();
        services.AddHealthChecks().AddCheck<ReplicaHealthCheck>("replica", tags: ["ready"]);
        var replica = config.GetConnectionString("Replica");
        if (string.IsNullOrWhiteSpace(replica))
        {
            services.AddScoped<BylineDb>(sp => sp.GetRequiredService<PostgresBylineDb>());
            return;
        }
        services.AddHttpContextAccessor();
        services.AddDbContextPool<ReplicaBylineDb>((sp, o) =>
        {
            var health = sp.GetRequiredService<ReplicaHealth>();
            o.UseNpgsql(health.Replica!, n => n
                    .UseParameterizedCollectionMode(ListParameters)
                    .ExecutionStrategy(d => new ReplicaFallback(d, health)))
                .AddInterceptors(new ReplicaConnections(health, health.Primary!, health.Replica!))
                .AddInterceptors(sp.GetServices<IStorageInterceptor>())
                .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
        });
        services.AddScoped<BylineDb>(ReplicaReads.Choose);
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

    /// <summary>Applies the provider's migrations; on SQLite also switches the file to WAL and keeps the planner's statistics whole.</summary>
    public static async Task MigrateAsync(BylineDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Any();
        // Migrate takes a write lock even with nothing to apply; skipping it lets a node start on a
        // database that takes no writes (read-only, full) and serve readers, the newsroom saying it cannot save.
        if (pending)
        {
            await db.Database.MigrateAsync(ct);
        }
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            try
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
                await SqliteStatistics.RefreshAsync(db, pending, ct);
            }
            catch (Microsoft.Data.Sqlite.SqliteException e) when (!pending && e.SqliteErrorCode == 8)
            {
                // SQLITE_READONLY: statistics stay as they were; nothing else at start needs a write.
            }
        }
    }
}

/// <summary>
/// Connection-string defaults for PostgreSQL, applied only where the operator's connection string says
/// nothing. Every reader page repeats the same handful of statements; unprepared, the server parsed and
/// planned each one every time — at a million stories planning cost more than executing (0.1–1.2 ms
/// against 0.01–0.5 ms per statement, pg_stat_statements; bench/caching.md §13).
/// <list type="bullet">
/// <item><c>Max Auto Prepare</c> / <c>Auto Prepare Min Usages</c>: Npgsql prepares a statement on a
/// pooled connection once it has run there twice, and the server then plans it once per connection.</item>
/// <item><c>No Reset On Close</c>: EF opens and closes the connection around every query, and a
/// connection returned to the pool was reset with seven statements (DISCARD ALL minus DEALLOCATE once
/// statements are prepared) before each query. Byline leaves no session state behind — its settings are
/// <c>SET LOCAL</c> inside transactions, the seeder's one session setting is reset by the seeder — so the
/// reset only cost server time.</item>
/// </list>
/// </summary>
public static class NpgsqlDefaults
{
    public const int MaxAutoPrepare = 100;
    public const int AutoPrepareMinUsages = 2;

    public static string Apply(string connection)
    {
        // The generic builder holds only what the string sets (Npgsql's own answers for every keyword it knows).
        var given = new DbConnectionStringBuilder { ConnectionString = connection };
        var set = given.Keys.Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connection);
        if (!set.Contains("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = MaxAutoPrepare;
        }
        if (!set.Contains("AutoPrepareMinUsages"))
        {
            builder.AutoPrepareMinUsages = AutoPrepareMinUsages;
        }
        if (!set.Contains("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }
        return builder.ConnectionString;
    }
}

/// <summary>
/// Keeps SQLite's planner statistics (sqlite_stat1) true to the data. Every list page relies on them:
/// with statistics that say "Status = 3" matches a few thousand rows, SQLite reads the newest stories
/// through IX_Articles_Status_ModifiedAt and sorts every published row (tens of milliseconds at
/// 100,000 stories, seconds at a million) instead of walking IX_Articles_Latest.
/// <para>Such statistics come from a sampled ANALYZE: since SQLite 3.46 a plain <c>PRAGMA optimize</c>
/// analyses with a temporary row limit, and after a migration rebuilds a table (its indexes then have
/// no statistics) that sample is all the planner gets. So a start that applied migrations, or finds
/// no statistics at all, runs a full ANALYZE; otherwise <c>PRAGMA optimize</c> runs without its
/// row limit (mask 0xfffe minus 0x10), and finally the newest-stories plan is checked and the stories
/// table analysed in full if it still sorts — the repair for a database already carrying sampled figures.</para>
/// </summary>
internal static class SqliteStatistics
{
    /// <summary>The default <c>PRAGMA optimize</c> mask 0xfffe without 0x10 (analyse with a temporary row limit).</summary>
    private const string Optimize = "PRAGMA optimize(0xffee);";
    private const string AnalyzeAll = "PRAGMA analysis_limit=0; ANALYZE;";
    private const string AnalyzeArticles = "PRAGMA analysis_limit=0; ANALYZE \"Articles\";";

    /// <summary>The newest listed stories, as Site/Stories/StoryLists reads them for every article and home page.</summary>
    internal static readonly string NewestIdsPlan =
        "EXPLAIN QUERY PLAN SELECT \"Id\" FROM \"Articles\" WHERE \"Status\" = " + ((int)Content.ArticleStatus.Published).ToString(System.Globalization.CultureInfo.InvariantCulture)
        + " AND \"Format\" < " + ((int)Content.StoryFormats.FirstUnlisted).ToString(System.Globalization.CultureInfo.InvariantCulture)
        + " ORDER BY \"PublishedAt\" DESC, \"Id\" DESC LIMIT 12";

    public static async Task RefreshAsync(BylineDb db, bool migrated, CancellationToken ct)
    {
        if (migrated || await NeverAnalysedAsync(db, ct))
        {
            // analysis_limit is per connection and 0 (every row) unless set; in one command, so it holds for this ANALYZE.
            await db.Database.ExecuteSqlRawAsync(AnalyzeAll, ct);
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync(Optimize, ct);
        }
        if (await NewestIdsSortAsync(db, ct))
        {
            await db.Database.ExecuteSqlRawAsync(AnalyzeArticles, ct);
        }
    }

    /// <summary>True when the newest-stories read sorts rows (a temporary B-tree) instead of walking an index in order.</summary>
    internal static async Task<bool> NewestIdsSortAsync(BylineDb db, CancellationToken ct)
    {
        var conn = db.Database.GetDbConnection();
        var opened = conn.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await conn.OpenAsync(ct);
        }
        try
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = NewestIdsPlan;
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            var ordinal = reader.GetOrdinal("detail");
            while (await reader.ReadAsync(ct))
            {
                if (reader.GetString(ordinal).Contains("TEMP B-TREE", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            return false;
        }
        finally
        {
            if (opened)
            {
                await conn.CloseAsync();
            }
        }
    }

    private static async Task<bool> NeverAnalysedAsync(BylineDb db, CancellationToken ct) =>
        await db.Database.SqlQueryRaw<int>(
            "SELECT count(*) AS \"Value\" FROM sqlite_master WHERE name = 'sqlite_stat1'").SingleAsync(ct) == 0;
}

/// <summary>
/// Per-connection SQLite settings: WAL makes NORMAL sync safe and much faster for writes. The pool
/// hands the same native connection out again and again, so each is configured once, not on every
/// open (EF opens and closes the connection around each query).
/// <para>Memory: each pooled connection keeps a private page cache, so its size is paid once per
/// connection and memory grew with concurrency (20 MB each made 409 MB at 32 concurrent readers on
/// 100,000 stories). The default is SQLite's own 2 MB; the rest of the hot set stays in the kernel's
/// page cache, shared by every connection and not counted in the process's resident set. A memory
/// map (<see cref="DatabaseOptions.SqliteMmapBytes"/>) is off by default: mapped pages do count in
/// the resident set, and start-up's ANALYZE alone maps in the whole file. See docs/speed.md.</para>
/// </summary>
internal sealed class SqlitePragmas(DatabaseOptions options) : DbConnectionInterceptor
{
    private readonly string _pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA cache_size=-"
        + Math.Max(options.SqliteCacheKib, 1).ToString(System.Globalization.CultureInfo.InvariantCulture)
        + "; PRAGMA mmap_size=" + Math.Max(options.SqliteMmapBytes, 0).ToString(System.Globalization.CultureInfo.InvariantCulture) + ";";
    private static readonly ConditionalWeakTable<object, object> Configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (FirstOpen(connection))
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = _pragmas;
            cmd.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (FirstOpen(connection))
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = _pragmas;
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static bool FirstOpen(DbConnection connection) =>
        connection is not Microsoft.Data.Sqlite.SqliteConnection { Handle: { } handle } || Configured.TryAdd(handle, handle);
}

using System.Data.Common;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Byline.Storage;

/// <summary>
/// A PostgreSQL streaming replica for reader reads (<c>ConnectionStrings:Replica</c>, settings under
/// <c>Byline:Database:Replica</c>). Without the connection string nothing of this runs: every read goes
/// to the primary, as before. See docs/scaling.md, "A read replica".
/// </summary>
public sealed class ReplicaOptions
{
    public const string Section = "Byline:Database:Replica";

    /// <summary>
    /// The longest a replica may trail the primary and still be read, in seconds; also the longest a
    /// node waits for the replica to replay an event before it evicts its caches anyway and reads the
    /// primary until the replica has caught up.
    /// </summary>
    public double MaxLagSeconds { get; set; } = 5;

    /// <summary>How often each node measures the replica's lag (and finds out that it is back).</summary>
    public double CheckSeconds { get; set; } = 1;
}

/// <summary>
/// Marks a request whose reads may go to the replica. The output cache marks the anonymous renders it
/// caches (reader pages, feeds, sitemaps); nothing else is marked, so the newsroom, signed-in readers
/// and every background job read the primary.
/// </summary>
public static class ReplicaReads
{
    private sealed class Allowed;

    private static readonly Allowed Mark = new();

    /// <summary>Lets this request's reads go to the replica (when one is configured and in step).</summary>
    public static void Allow(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Features.Set(Mark);
    }

    internal static bool IsAllowed(HttpContext? context) => context?.Features.Get<Allowed>() is not null;

    /// <summary>The context a request scope gets as <see cref="BylineDb"/>: the replica's for a marked request while the replica is in use.</summary>
    internal static BylineDb Choose(IServiceProvider sp)
    {
        var health = sp.GetRequiredService<ReplicaHealth>();
        if (health.InUse && IsAllowed(sp.GetRequiredService<IHttpContextAccessor>().HttpContext))
        {
            var replica = sp.GetRequiredService<ReplicaBylineDb>();
            replica.OnPrimary = false;
            return replica;
        }
        return sp.GetRequiredService<PostgresBylineDb>();
    }
}

/// <summary>
/// The read context of the replica. Its connection is pointed at the replica or the primary each time
/// it opens (<see cref="ReplicaConnections"/>): at the primary once the replica stops being in use, and
/// for the rest of the request after a write (<see cref="OnPrimary"/>), so a request that saves reads
/// its own writes.
/// </summary>
public sealed class ReplicaBylineDb(DbContextOptions<ReplicaBylineDb> options) : BylineDb(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    /// <summary>True after a write (or a failed replica read) in this request: every later open goes to the primary.</summary>
    public bool OnPrimary { get; set; }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        OnPrimary = true;
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        OnPrimary = true;
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }
}

/// <summary>Points the replica context's connection at the replica or the primary as it opens.</summary>
internal sealed class ReplicaConnections(ReplicaHealth health, string primary, string replica) : DbConnectionInterceptor
{
    public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Point(connection, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        Point(connection, eventData);
        return ValueTask.FromResult(result);
    }

    private void Point(DbConnection connection, ConnectionEventData eventData)
    {
        var db = eventData.Context as ReplicaBylineDb;
        if (db is not null && !db.OnPrimary && !health.InUse)
        {
            db.OnPrimary = true;
        }
        var target = db is null || db.OnPrimary ? primary : replica;
        if (!Targets.TryGetValue(connection, out var pointed) || !ReferenceEquals(pointed, target))
        {
            connection.ConnectionString = target;
            Targets.AddOrUpdate(connection, target);
        }
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbConnection, string> Targets = [];
}

/// <summary>
/// Retries a replica read once on the primary when the replica does not answer (stopped, restarting,
/// refusing) or refuses a write (a hot standby is read-only): the reader gets the page, and the node
/// stops using the replica until its next check finds it again.
/// </summary>
internal sealed class ReplicaFallback(ExecutionStrategyDependencies dependencies, ReplicaHealth health)
    : ExecutionStrategy(dependencies, maxRetryCount: 1, maxRetryDelay: TimeSpan.Zero)
{
    /// <summary>No retry inside a transaction the caller began (EF would refuse the transaction otherwise).</summary>
    public override bool RetriesOnFailure => false;

    protected override bool ShouldRetryOn(Exception exception)
    {
        if (Dependencies.CurrentContext.Context is not ReplicaBylineDb { OnPrimary: false } db
            || db.Database.CurrentTransaction is not null)
        {
            return false;
        }
        switch (exception)
        {
            case PostgresException { SqlState: PostgresErrorCodes.ReadOnlySqlTransaction }:
                db.OnPrimary = true;
                return true;
            case PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow }:
            case NpgsqlException and not PostgresException:
            case TimeoutException:
                health.Unreachable(exception);
                db.OnPrimary = true;
                return true;
            default:
                return false;
        }
    }

    protected override TimeSpan? GetNextDelay(Exception lastException) =>
        ExceptionsEncountered.Count <= MaxRetryCount ? TimeSpan.Zero : null;
}

/// <summary>
/// Whether this node reads the replica: it must answer, trail the primary by no more than
/// <see cref="ReplicaOptions.MaxLagSeconds"/>, and have replayed everything the node once stopped
/// waiting for (<see cref="WaitForEventsAsync"/>). Measured every <see cref="ReplicaOptions.CheckSeconds"/>
/// by <see cref="ReplicaMonitor"/>: the primary's WAL position is noted with the time; the lag is how
/// long ago the oldest noted position the replica has not yet replayed was written.
/// </summary>
public sealed class ReplicaHealth : IDisposable
{
    private readonly IOptionsMonitor<ReplicaOptions> _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<ReplicaHealth> _log;
    private readonly Meter _meter = new("Byline.Replica");
    private readonly Queue<(long At, long Lsn)> _written = new();
    private readonly Lock _gate = new();
    private volatile bool _reachable = true;
    private long _barrier;
    private long _lagTicks;
    private long _fallbacks;
    private long _awaited;

    public ReplicaHealth(IConfiguration config, IOptionsMonitor<ReplicaOptions> options, TimeProvider clock, ILogger<ReplicaHealth> log)
    {
        ArgumentNullException.ThrowIfNull(config);
        _options = options;
        _clock = clock;
        _log = log;
        var replica = config.GetConnectionString("Replica");
        var primary = config.GetConnectionString("Byline");
        if (!string.IsNullOrWhiteSpace(replica) && !string.IsNullOrWhiteSpace(primary))
        {
            Replica = NpgsqlDefaults.Apply(replica);
            Primary = NpgsqlDefaults.Apply(primary);
            // The checks are the node's own: short timeouts so an unreachable replica is noticed within a check or two.
            ReplicaProbe = new NpgsqlConnectionStringBuilder(replica) { Timeout = 2, CommandTimeout = 2, ApplicationName = "byline-replica-check" }.ConnectionString;
            PrimaryProbe = new NpgsqlConnectionStringBuilder(primary) { Timeout = 5, CommandTimeout = 5, ApplicationName = "byline-replica-check" }.ConnectionString;
        }
        _meter.CreateObservableGauge("byline.replica.in_use", () => InUse ? 1 : 0, description: "1 while reader reads go to the replica, 0 while they go to the primary");
        _meter.CreateObservableGauge("byline.replica.lag", () => Lag.TotalSeconds, unit: "s", description: "How far the replica trails the primary");
        _meter.CreateObservableCounter("byline.replica.fallbacks", () => Interlocked.Read(ref _fallbacks), description: "Times the node stopped reading the replica (unreachable, too far behind, an event not replayed in time)");
    }

    /// <summary>True when <c>ConnectionStrings:Replica</c> is set (PostgreSQL only).</summary>
    public bool Configured => Replica is not null;

    internal string? Replica { get; }

    internal string? Primary { get; }

    private string? ReplicaProbe { get; }

    private string? PrimaryProbe { get; }

    /// <summary>Reader reads go to the replica now.</summary>
    public bool InUse => Configured && _reachable && Interlocked.Read(ref _barrier) == 0 && Lag.TotalSeconds <= MaxLag;

    /// <summary>How far the replica trailed the primary at the last check.</summary>
    public TimeSpan Lag => TimeSpan.FromTicks(Interlocked.Read(ref _lagTicks));

    /// <summary>Whether the last check reached the replica.</summary>
    public bool Reachable => _reachable;

    /// <summary>The newest content event this node has waited for the replica to replay (0: none yet).</summary>
    public long AwaitedEvent => Interlocked.Read(ref _awaited);

    /// <summary>Why reads go to the primary, for the health report (null while the replica is in use).</summary>
    public string? Reason =>
        !Configured ? null
        : !_reachable ? "the replica does not answer"
        : Interlocked.Read(ref _barrier) != 0 ? "the replica has not yet replayed a change this node stopped waiting for"
        : Lag.TotalSeconds > MaxLag ? $"the replica trails the primary by {Lag.TotalSeconds:0.#} s (bound {MaxLag:0.#} s)"
        : null;

    private double MaxLag => Math.Max(0.1, _options.CurrentValue.MaxLagSeconds);

    /// <summary>
    /// Waits until the replica has replayed these events (their transactions, with the content they
    /// changed), so a node evicts its caches only when a page rendered from the replica shows the change.
    /// Returns at once without a replica or while it is not in use (reads go to the primary then). After
    /// <see cref="ReplicaOptions.MaxLagSeconds"/> the node stops reading the replica until it has replayed
    /// everything the primary had written by then, and returns: the eviction goes ahead on the primary.
    /// </summary>
    public async Task WaitForEventsAsync(IReadOnlyList<long> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0 || !InUse)
        {
            return;
        }
        var newest = ids.Max();
        if (newest > Interlocked.Read(ref _awaited))
        {
            Interlocked.Exchange(ref _awaited, newest);
        }
        var started = _clock.GetTimestamp();
        var pause = TimeSpan.FromMilliseconds(2);
        var array = ids.ToArray();
        while (InUse)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ReplicaProbe);
                await connection.OpenAsync(ct);
                await using var cmd = new NpgsqlCommand("SELECT count(*) FROM \"ContentEvents\" WHERE \"Id\" = ANY(@ids)", connection);
                cmd.Parameters.AddWithValue("ids", array);
                if ((long)(await cmd.ExecuteScalarAsync(ct))! >= array.Length)
                {
                    return;
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                Unreachable(e);
                return;
            }
            if (_clock.GetElapsedTime(started).TotalSeconds > MaxLag)
            {
                await BehindAsync(newest, ct);
                return;
            }
            await Task.Delay(pause, _clock, ct);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 100));
        }
    }

    /// <summary>The replica did not answer a read: reads go to the primary until a check reaches it again.</summary>
    internal void Unreachable(Exception e)
    {
        if (_reachable)
        {
            _reachable = false;
            Interlocked.Increment(ref _fallbacks);
            _log.LogWarning("Read replica unreachable ({Error}); reader reads go to the primary", e.Message);
        }
    }

    private async Task BehindAsync(long eventId, CancellationToken ct)
    {
        // Without the primary's position, the next check's lag decides.
        if (await TryPrimaryLsnAsync(ct) is not { } lsn)
        {
            return;
        }
        if (Interlocked.Exchange(ref _barrier, lsn) == 0)
        {
            Interlocked.Increment(ref _fallbacks);
        }
        _log.LogWarning("Read replica has not replayed event {Event} within {Bound} s; reader reads go to the primary until it reaches {Lsn}",
            eventId, MaxLag, lsn);
    }

    /// <summary>One check: the primary's position, the replica's replayed position, the lag between them.</summary>
    internal async Task CheckAsync(CancellationToken ct)
    {
        if (!Configured)
        {
            return;
        }
        var now = _clock.GetTimestamp();
        if (await TryPrimaryLsnAsync(ct) is not { } primaryLsn)
        {
            return;
        }
        long replayed;
        try
        {
            await using var connection = new NpgsqlConnection(ReplicaProbe);
            await connection.OpenAsync(ct);
            // A server that is not in recovery (a promoted replica, or the primary itself) has everything it wrote.
            await using var cmd = new NpgsqlCommand(
                "SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END - '0/0'::pg_lsn)::bigint", connection);
            replayed = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidCastException)
        {
            Unreachable(e);
            return;
        }
        var wasInUse = InUse;
        lock (_gate)
        {
            if (_written.Count == 0 || _written.Last().Lsn < primaryLsn)
            {
                _written.Enqueue((now, primaryLsn));
            }
            while (_written.Count > 0 && _written.Peek().Lsn <= replayed)
            {
                _written.Dequeue();
            }
            while (_written.Count > 100_000)
            {
                _written.Dequeue();
            }
            var lag = _written.Count == 0 ? TimeSpan.Zero : _clock.GetElapsedTime(_written.Peek().At);
            Interlocked.Exchange(ref _lagTicks, lag.Ticks);
        }
        var barrier = Interlocked.Read(ref _barrier);
        if (barrier != 0 && replayed >= barrier)
        {
            Interlocked.CompareExchange(ref _barrier, 0, barrier);
        }
        if (!_reachable)
        {
            _reachable = true;
            _log.LogInformation("Read replica answers again");
        }
        if (wasInUse && !InUse)
        {
            Interlocked.Increment(ref _fallbacks);
            _log.LogWarning("Read replica out of use: {Reason}", Reason);
        }
        else if (!wasInUse && InUse)
        {
            _log.LogInformation("Read replica back in use (lag {Lag} ms)", Lag.TotalMilliseconds);
        }
    }

    /// <summary>The primary's WAL position as a number; null (logged) when the primary does not answer.</summary>
    private async Task<long?> TryPrimaryLsnAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = new NpgsqlConnection(PrimaryProbe);
            await connection.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint", connection);
            return (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            _log.LogWarning(e, "Could not read the primary's WAL position");
            return null;
        }
    }

    public void Dispose() => _meter.Dispose();
}

/// <summary>Checks the replica every <see cref="ReplicaOptions.CheckSeconds"/> (only when one is configured).</summary>
internal sealed class ReplicaMonitor(ReplicaHealth health, IOptionsMonitor<ReplicaOptions> options, TimeProvider clock, ILogger<ReplicaMonitor> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!health.Configured)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await health.CheckAsync(stoppingToken);
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(0.05, options.CurrentValue.CheckSeconds)), clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The monitor outlives any one failed check.
            catch (Exception e)
#pragma warning restore CA1031
            {
                log.LogWarning(e, "Replica check failed");
            }
        }
    }
}

/// <summary>Ready stays healthy without the replica (reads go to the primary), but says so: Degraded, with the reason.</summary>
internal sealed class ReplicaHealthCheck(ReplicaHealth health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["lagSeconds"] = Math.Round(health.Lag.TotalSeconds, 3), ["inUse"] = health.InUse };
        return Task.FromResult(!health.Configured ? HealthCheckResult.Healthy("no replica configured")
            : health.InUse ? HealthCheckResult.Healthy("reader reads go to the replica", data)
            : HealthCheckResult.Degraded("reader reads go to the primary: " + health.Reason, data: data));
    }
}

using System.Collections.Concurrent;
using System.Data.Common;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Discovery;

/// <summary>
/// Page views and searches are counted in memory — one dictionary entry per (story, hour) and per
/// (term, day) — and written every few seconds in one transaction of upserts, so a busy site costs
/// the database a handful of statements per flush, never one write per view.
/// </summary>
public sealed class DiscoveryCounters(IServiceScopeFactory scopes, TimeProvider clock, DiscoveryOptions options, ILogger<DiscoveryCounters> log) : IDisposable
{
    private readonly ConcurrentDictionary<(int ArticleId, DateTime Hour), int> _views = new();
    private readonly ConcurrentDictionary<(string Term, DateTime Day), int> _searches = new();
    private readonly SemaphoreSlim _flush = new(1, 1);
    private int _keys;

    public void Dispose() => _flush.Dispose();

    public bool CountView(int articleId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var hour = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc);
        return Add(_views, (articleId, hour));
    }

    public bool CountSearch(string normalizedTerm)
    {
        if (normalizedTerm.Length == 0)
        {
            return false;
        }
        var day = clock.GetUtcNow().UtcDateTime.Date;
        return Add(_searches, (normalizedTerm, DateTime.SpecifyKind(day, DateTimeKind.Utc)));
    }

    private bool Add<TKey>(ConcurrentDictionary<TKey, int> pending, TKey key) where TKey : notnull
    {
        if (!pending.ContainsKey(key))
        {
            if (Volatile.Read(ref _keys) >= options.MaxPendingKeys)
            {
                return false;
            }
            if (pending.TryAdd(key, 1))
            {
                Interlocked.Increment(ref _keys);
                return true;
            }
        }
        // AddOrUpdate's compare-and-swap and the flush's TryRemove never lose a view between them.
        pending.AddOrUpdate(key, 1, static (_, n) => n + 1);
        return true;
    }

    private List<(TKey Key, int Count)> Drain<TKey>(ConcurrentDictionary<TKey, int> pending) where TKey : notnull
    {
        var taken = new List<(TKey, int)>();
        foreach (var key in pending.Keys)
        {
            if (pending.TryRemove(key, out var n))
            {
                Interlocked.Decrement(ref _keys);
                taken.Add((key, n));
            }
        }
        return taken;
    }

    /// <summary>Writes everything counted so far. Counts that cannot be written go back into memory for the next flush.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await _flush.WaitAsync(ct);
        try
        {
            var views = Drain(_views);
            var searches = Drain(_searches);
            if (views.Count == 0 && searches.Count == 0)
            {
                return;
            }
            try
            {
                await WriteAsync(views, searches, ct);
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                log.LogWarning(e, "Could not write {Views} view and {Searches} search counts; keeping them for the next flush", views.Count, searches.Count);
                foreach (var (key, n) in views)
                {
                    _views.AddOrUpdate(key, n, (_, m) => m + n);
                }
                foreach (var (key, n) in searches)
                {
                    _searches.AddOrUpdate(key, n, (_, m) => m + n);
                }
                Interlocked.Add(ref _keys, views.Count + searches.Count);
            }
        }
        finally
        {
            _flush.Release();
        }
    }

    private async Task WriteAsync(List<((int ArticleId, DateTime Hour) Key, int Count)> views, List<((string Term, DateTime Day) Key, int Count)> searches, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = db.Database.GetDbConnection();
            await using var tx = await conn.BeginTransactionAsync(ct);
            if (views.Count > 0)
            {
                // Views of unknown or unpublished ids are dropped here rather than checked per request.
                await using var cmd = Prepare(conn, tx, """
                    INSERT INTO "ArticleViews" ("ArticleId", "Hour", "Views")
                    SELECT @a, @h, @n WHERE EXISTS (SELECT 1 FROM "Articles" WHERE "Id" = @a AND "Status" = 3)
                    ON CONFLICT ("ArticleId", "Hour") DO UPDATE SET "Views" = "ArticleViews"."Views" + excluded."Views"
                    """, out var p);
                foreach (var ((id, hour), n) in views)
                {
                    p[0].Value = id;
                    p[1].Value = hour;
                    p[2].Value = n;
                    await cmd.ExecuteNonQueryAsync(ct);
                }
            }
            if (searches.Count > 0)
            {
                await using var cmd = Prepare(conn, tx, """
                    INSERT INTO "SearchTerms" ("Term", "Day", "Count") VALUES (@a, @h, @n)
                    ON CONFLICT ("Term", "Day") DO UPDATE SET "Count" = "SearchTerms"."Count" + excluded."Count"
                    """, out var p);
                foreach (var ((term, day), n) in searches)
                {
                    p[0].Value = term;
                    p[1].Value = day;
                    p[2].Value = n;
                    await cmd.ExecuteNonQueryAsync(ct);
                }
            }
            await tx.CommitAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static DbCommand Prepare(DbConnection conn, DbTransaction tx, string sql, out DbParameter[] p)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        p = new[] { "@a", "@h", "@n" }.Select(name =>
        {
            var parameter = cmd.CreateParameter();
            parameter.ParameterName = name;
            cmd.Parameters.Add(parameter);
            return parameter;
        }).ToArray();
        return cmd;
    }
}

/// <summary>Flushes the counters every few seconds, and once more when the host stops.</summary>
internal sealed class DiscoveryFlusher(DiscoveryCounters counters, DiscoveryOptions options, Hosting.Readiness readiness, ILogger<DiscoveryFlusher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.WhenReady.WaitAsync(stoppingToken);
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(0.2, options.FlushSeconds)));
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await counters.FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the final flush follows.
        }
        catch (Exception e) when (!readiness.IsReady)
        {
            log.LogWarning(e, "Counters not flushed: start-up did not finish");
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (readiness.IsReady)
        {
            try
            {
                await counters.FlushAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Final flush of view counts failed");
            }
        }
    }
}

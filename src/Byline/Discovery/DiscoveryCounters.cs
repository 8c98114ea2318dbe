using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Discovery;

/// <summary>
/// Page views and searches are counted in memory — one entry per (story, hour) and per (term, day) —
/// and written every few seconds in one transaction of upserts, so a busy site costs the database a
/// handful of statements per flush, never one write per view.
/// <para>
/// Views arrive by the tens of thousands a second, so they are striped: each CPU core increments its
/// own dictionary under its own lock (uncontended in the common case: a thread stays on its core
/// between the lookup of the stripe and the increment), nothing is allocated once a key exists, and the
/// flush swaps each stripe's dictionary for its spare instead of copying under the lock.
/// </para>
/// </summary>
public sealed class DiscoveryCounters(IServiceScopeFactory scopes, TimeProvider clock, DiscoveryOptions options, ILogger<DiscoveryCounters> log) : IDisposable
{
    private readonly ViewStripe[] _stripes = CreateStripes();
    private readonly ConcurrentDictionary<(string Term, DateTime Day), int> _searches = new();
    private readonly SemaphoreSlim _flush = new(1, 1);
    private int _keys;

    public void Dispose() => _flush.Dispose();

    private static ViewStripe[] CreateStripes()
    {
        var stripes = new ViewStripe[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, Environment.ProcessorCount))];
        for (var i = 0; i < stripes.Length; i++)
        {
            stripes[i] = new ViewStripe();
        }
        return stripes;
    }

    public bool CountView(int articleId)
    {
        var ticks = clock.GetUtcNow().UtcTicks;
        var hour = new DateTime(ticks - ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);
        var stripe = _stripes[Thread.GetCurrentProcessorId() & (_stripes.Length - 1)];
        lock (stripe.Gate)
        {
            ref var n = ref CollectionsMarshal.GetValueRefOrNullRef(stripe.Counts, (articleId, hour));
            if (!Unsafe.IsNullRef(ref n))
            {
                n++;
                return true;
            }
            if (Volatile.Read(ref _keys) >= options.MaxPendingKeys)
            {
                return false;
            }
            stripe.Counts.Add((articleId, hour), 1);
        }
        Interlocked.Increment(ref _keys);
        return true;
    }

    public bool CountSearch(string normalizedTerm)
    {
        ArgumentNullException.ThrowIfNull(normalizedTerm);
        if (normalizedTerm.Length == 0)
        {
            return false;
        }
        var day = clock.GetUtcNow().UtcDateTime.Date;
        var key = (normalizedTerm, DateTime.SpecifyKind(day, DateTimeKind.Utc));
        if (!_searches.ContainsKey(key))
        {
            if (Volatile.Read(ref _keys) >= options.MaxPendingKeys)
            {
                return false;
            }
            if (_searches.TryAdd(key, 1))
            {
                Interlocked.Increment(ref _keys);
                return true;
            }
        }
        // AddOrUpdate's compare-and-swap and the flush's TryRemove never lose a search between them.
        _searches.AddOrUpdate(key, 1, static (_, n) => n + 1);
        return true;
    }

    /// <summary>Takes every stripe's counts, merged by key (a key can sit in several stripes).</summary>
    private List<((int ArticleId, DateTime Hour) Key, int Count)> DrainViews()
    {
        var merged = new Dictionary<(int, DateTime), int>();
        var entries = 0;
        foreach (var stripe in _stripes)
        {
            Dictionary<(int, DateTime), int> taken;
            lock (stripe.Gate)
            {
                taken = stripe.Counts;
                stripe.Counts = stripe.Spare;
                stripe.Spare = taken;
            }
            // Only this flush (serialised by _flush) touches the spare once it has been swapped out.
            foreach (var (key, n) in taken)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(merged, key, out _) += n;
            }
            entries += taken.Count;
            taken.Clear();
        }
        Interlocked.Add(ref _keys, -entries);
        // A story gaining more than this in one flush is an anomaly (a flood from many addresses), not readers.
        var clip = Math.Max(1, options.MaxViewsPerStoryPerFlush);
        return [.. merged.Select(kv => (kv.Key, Math.Min(kv.Value, clip)))];
    }

    private List<((string Term, DateTime Day) Key, int Count)> DrainSearches()
    {
        var taken = new List<((string, DateTime), int)>();
        foreach (var key in _searches.Keys)
        {
            if (_searches.TryRemove(key, out var n))
            {
                Interlocked.Decrement(ref _keys);
                taken.Add((key, n));
            }
        }
        return taken;
    }

    private void PutBackViews(List<((int ArticleId, DateTime Hour) Key, int Count)> views)
    {
        var stripe = _stripes[0];
        var added = 0;
        lock (stripe.Gate)
        {
            foreach (var (key, n) in views)
            {
                ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(stripe.Counts, key, out var existed);
                count += n;
                added += existed ? 0 : 1;
            }
        }
        Interlocked.Add(ref _keys, added);
    }

    private sealed class ViewStripe
    {
        public readonly Lock Gate = new();
        public Dictionary<(int ArticleId, DateTime Hour), int> Counts = [];
        public Dictionary<(int ArticleId, DateTime Hour), int> Spare = [];
    }

    /// <summary>Writes everything counted so far. Counts that cannot be written go back into memory for the next flush.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await _flush.WaitAsync(ct);
        try
        {
            var views = DrainViews();
            var searches = DrainSearches();
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
                PutBackViews(views);
                foreach (var (key, n) in searches)
                {
                    if (_searches.TryAdd(key, n))
                    {
                        Interlocked.Increment(ref _keys);
                    }
                    else
                    {
                        _searches.AddOrUpdate(key, n, (_, m) => m + n);
                    }
                }
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

    private static readonly string[] ParameterNames = ["@a", "@h", "@n"];

    private static DbCommand Prepare(DbConnection conn, DbTransaction tx, string sql, out DbParameter[] p)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        p = ParameterNames.Select(name =>
        {
            var parameter = cmd.CreateParameter();
            parameter.ParameterName = name;
            cmd.Parameters.Add(parameter);
            return parameter;
        }).ToArray();
        return cmd;
    }
}

/// <summary>
/// Flushes in-memory counts every few seconds (DiscoveryOptions.FlushSeconds), and once more when the host
/// stops; one loop for the view counters and the ad counters.
/// </summary>
internal abstract class CountsFlusher(DiscoveryOptions options, Hosting.Readiness readiness, ILogger log) : BackgroundService
{
    /// <summary>What is flushed, for the log ("view counts").</summary>
    protected abstract string What { get; }

    protected abstract Task FlushAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.WhenReady.WaitAsync(stoppingToken);
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(0.2, options.FlushSeconds)));
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the final flush follows.
        }
        catch (Exception e) when (!readiness.IsReady)
        {
            log.LogWarning(e, "{What} not flushed: start-up did not finish", What);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (readiness.IsReady)
        {
            try
            {
                await FlushAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Final flush of {What} failed", What);
            }
        }
    }
}

/// <summary>Flushes the view counters.</summary>
internal sealed class DiscoveryFlusher(DiscoveryCounters counters, DiscoveryOptions options, Hosting.Readiness readiness, ILogger<DiscoveryFlusher> log)
    : CountsFlusher(options, readiness, log)
{
    protected override string What => "view counts";

    protected override Task FlushAsync(CancellationToken ct) => counters.FlushAsync(ct);
}

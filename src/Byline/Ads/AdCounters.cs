using System.Collections.Concurrent;
using System.Data.Common;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Ads;

/// <summary>
/// Impressions and clicks counted in memory per (creative, UTC day) and written every few seconds in
/// one transaction of upserts — never a write per event. Keys are bounded, so a flood cannot exhaust memory.
/// </summary>
public sealed class AdCounters(IServiceScopeFactory scopes, TimeProvider clock, ILogger<AdCounters> log) : IDisposable
{
    public const int MaxPendingKeys = 20_000;

    private readonly ConcurrentDictionary<(int Id, DateTime Day), Pair> _counts = new();
    private static readonly string[] ParameterNames = ["@c", "@d", "@i", "@k"];
    private readonly SemaphoreSlim _flush = new(1, 1);

    private sealed class Pair
    {
        public int Impressions;
        public int Clicks;
    }

    public void Dispose() => _flush.Dispose();

    public bool CountImpression(int creativeId) => Count(creativeId, click: false);

    public bool CountClick(int creativeId) => Count(creativeId, click: true);

    private bool Count(int creativeId, bool click)
    {
        var day = DateTime.SpecifyKind(clock.GetUtcNow().UtcDateTime.Date, DateTimeKind.Utc);
        var key = (creativeId, day);
        if (!_counts.TryGetValue(key, out var pair))
        {
            if (_counts.Count >= MaxPendingKeys)
            {
                return false;
            }
            pair = _counts.GetOrAdd(key, _ => new Pair());
        }
        if (click)
        {
            Interlocked.Increment(ref pair.Clicks);
        }
        else
        {
            Interlocked.Increment(ref pair.Impressions);
        }
        return true;
    }

    /// <summary>Writes everything counted so far; what cannot be written is kept for the next flush.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await _flush.WaitAsync(ct);
        try
        {
            var taken = new List<((int Id, DateTime Day) Key, int Impressions, int Clicks)>();
            foreach (var key in _counts.Keys)
            {
                if (_counts.TryRemove(key, out var pair))
                {
                    // A count racing the removal lands in the removed object; read it after a barrier, late increments are rare and small.
                    Thread.MemoryBarrier();
                    taken.Add((key, Volatile.Read(ref pair.Impressions), Volatile.Read(ref pair.Clicks)));
                }
            }
            if (taken.Count == 0)
            {
                return;
            }
            try
            {
                await WriteAsync(taken, ct);
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                log.LogWarning(e, "Could not write {Count} ad counts; keeping them for the next flush", taken.Count);
                foreach (var (key, impressions, clicks) in taken)
                {
                    var pair = _counts.GetOrAdd(key, _ => new Pair());
                    Interlocked.Add(ref pair.Impressions, impressions);
                    Interlocked.Add(ref pair.Clicks, clicks);
                }
            }
        }
        finally
        {
            _flush.Release();
        }
    }

    private async Task WriteAsync(List<((int Id, DateTime Day) Key, int Impressions, int Clicks)> counts, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = db.Database.GetDbConnection();
            await using var tx = await conn.BeginTransactionAsync(ct);
            await using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            // Counts of creatives deleted meanwhile are dropped here rather than checked per request.
            cmd.CommandText = """
                INSERT INTO "AdCounts" ("CreativeId", "Day", "Impressions", "Clicks")
                SELECT @c, @d, @i, @k WHERE EXISTS (SELECT 1 FROM "AdCreatives" WHERE "Id" = @c)
                ON CONFLICT ("CreativeId", "Day") DO UPDATE SET "Impressions" = "AdCounts"."Impressions" + excluded."Impressions", "Clicks" = "AdCounts"."Clicks" + excluded."Clicks"
                """;
            var p = ParameterNames.Select(name =>
            {
                var parameter = cmd.CreateParameter();
                parameter.ParameterName = name;
                cmd.Parameters.Add(parameter);
                return parameter;
            }).ToArray();
            foreach (var ((id, day), impressions, clicks) in counts)
            {
                p[0].Value = id;
                p[1].Value = day;
                p[2].Value = impressions;
                p[3].Value = clicks;
                await cmd.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

/// <summary>Flushes the ad counters every few seconds, and once more when the host stops.</summary>
internal sealed class AdCounterFlusher(AdCounters counters, Discovery.DiscoveryOptions options, Hosting.Readiness readiness, ILogger<AdCounterFlusher> log)
    : Discovery.CountsFlusher(options, readiness, log)
{
    protected override string What => "ad counts";

    protected override Task FlushAsync(CancellationToken ct) => counters.FlushAsync(ct);
}

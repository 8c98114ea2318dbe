using System.Runtime.CompilerServices;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Events;

/// <summary>
/// The write side of the outbox. A write appends its <see cref="ContentChanged"/> inside its own
/// transaction (<see cref="AppendAsync"/> or <see cref="SaveAsync"/>), so the change and its event
/// commit together or not at all; after the commit, <see cref="CommittedAsync(BylineDb, CancellationToken)"/>
/// has this process's caches evicted before the save returns, and the durable consumers (search, CDN
/// purge, webhooks) take the event — now, or from the table after a crash on the next start.
/// <para>The events a context appended are kept beside it until its transaction ends, so that after the
/// commit they reach this process's consumers from memory instead of being read back from the table
/// they were just written to (a save's latency is what the editor waits for).</para>
/// </summary>
public sealed class ContentEvents(IServiceProvider services, TimeProvider clock)
{
    /// <summary>
    /// The transaction-level advisory lock that keeps PostgreSQL's outbox ids in commit order: the id is
    /// drawn after the lock is taken and the lock is held until the commit, so no smaller id can become
    /// visible after a larger one (a reader that has passed id N never misses a late N-1). SQLite has a
    /// single writer and needs nothing.
    /// </summary>
    internal const long OutboxLockKey = 0x4279_6C69_6E65;

    /// <summary>The PostgreSQL notification channel on which each commit of an event is announced.</summary>
    public const string NotifyChannel = "byline_events";

    private readonly ConditionalWeakTable<BylineDb, Appended> _appended = [];
    private ContentEventDispatcher? _dispatcher;
    private bool _looked;

    /// <summary>The dispatcher of a web host; the command line has none (the site picks its events up when it polls).</summary>
    private ContentEventDispatcher? Dispatcher
    {
        get
        {
            if (!_looked)
            {
                _dispatcher = services.GetService<ContentEventDispatcher>();
                _looked = true;
            }
            return _dispatcher;
        }
    }

    /// <summary>Appends the event inside the caller's open transaction; the caller commits, then calls <see cref="CommittedAsync(BylineDb, CancellationToken)"/>.</summary>
    public async Task<long> AppendAsync(BylineDb db, ContentChanged change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(change);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A content event is appended inside the transaction of the change it describes.");
        }
        if (db.Provider == DatabaseProvider.Postgres)
        {
            // The NOTIFY is queued with the transaction and sent when it commits (never for a rollback):
            // nodes without Redis wake on it instead of waiting for their next poll (Scaling/OutboxListener.cs).
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({OutboxLockKey}), pg_notify({NotifyChannel}, '')", ct);
        }
        var row = NewRow(change);
        db.Set<ContentEvent>().Add(row);
        await db.SaveChangesAsync(ct);
        // Written once, never updated: untracked, so a rolled-back one cannot collide with the next (SQLite reuses its id).
        db.Entry(row).State = EntityState.Detached;
        _appended.GetOrCreateValue(db).Pending.Add(ContentEventRecord.From(row));
        return row.Id;
    }

    /// <summary>Saves the context's pending changes and the event in one transaction, then delivers locally.</summary>
    public async Task SaveAsync(BylineDb db, ContentChanged change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            await AppendAsync(db, change, ct);
            await tx.CommitAsync(ct);
        }
        await CommittedAsync(db, ct);
    }

    /// <summary>
    /// Records a change made outside the write path (rows written directly, as tests and one-off repairs
    /// do) as an event of its own, then delivers it like any other.
    /// </summary>
    public async Task RaiseAsync(ContentChanged change, CancellationToken ct)
    {
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                await AppendAsync(db, change, ct);
                await tx.CommitAsync(ct);
            }
            await CommittedAsync(db, ct);
        }
    }

    /// <summary>
    /// After <paramref name="db"/>'s transaction committed: this process's caches drop what changed before
    /// the save returns, and the durable consumers are woken, all with the events it appended in hand.
    /// </summary>
    public Task CommittedAsync(BylineDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        IReadOnlyList<ContentEventRecord> committed = [];
        if (_appended.TryGetValue(db, out var appended) && appended.Committed.Count > 0)
        {
            committed = [.. appended.Committed];
            appended.Committed.Clear();
        }
        return Dispatcher?.AfterCommitAsync(committed, ct) ?? Task.CompletedTask;
    }

    /// <summary>After a commit whose context is not at hand: the events are read back from the table.</summary>
    public Task CommittedAsync(CancellationToken ct) => Dispatcher?.AfterCommitAsync([], ct) ?? Task.CompletedTask;

    /// <summary>
    /// A change only this process computed (a popularity reshuffle from its own counters): handed to the
    /// local consumers at once and stored nowhere; every node computes its own.
    /// </summary>
    public Task NotifyLocalAsync(ContentChanged change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        return Dispatcher?.DeliverTransientAsync(
            new ContentEventRecord(0, [.. change.Keys], change.Reason, change.ArticleId, change.Actor ?? "system", clock.GetUtcNow().UtcDateTime), ct)
            ?? Task.CompletedTask;
    }

    private ContentEvent NewRow(ContentChanged change)
    {
        // Whole microseconds, what PostgreSQL keeps: the record handed over from memory is the one a
        // consumer would read back.
        var now = clock.GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % 10));
        var keys = ContentEvent.JoinKeys(change.Keys);
        if (keys.Length > ContentEvent.MaxKeys)
        {
            // Too many to list (a story in hundreds of places): every page shows the settings key, so this evicts all.
            keys = ContentKeys.Settings;
        }
        var actor = change.Actor ?? services.GetService<IHttpContextAccessor>()?.HttpContext?.User.Identity?.Name ?? "system";
        return new ContentEvent
        {
            CreatedAt = now,
            Keys = keys,
            Reason = Cut(change.Reason, 200),
            ArticleId = change.ArticleId,
            Actor = Cut(actor, 256),
        };
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];

    /// <summary>The transaction of <paramref name="db"/> ended (<see cref="OutboxTransactions"/>): what it appended is now committed, or never was.</summary>
    internal void TransactionEnded(DbContext? db, bool committed)
    {
        if (db is BylineDb context && _appended.TryGetValue(context, out var appended) && appended.Pending.Count > 0)
        {
            if (committed)
            {
                appended.Committed.AddRange(appended.Pending);
            }
            appended.Pending.Clear();
        }
    }

    /// <summary>What one context appended: in its open transaction, and committed but not yet handed over.</summary>
    private sealed class Appended
    {
        public List<ContentEventRecord> Pending { get; } = [];
        public List<ContentEventRecord> Committed { get; } = [];
    }
}

using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Events;

/// <summary>
/// The write side of the outbox. A write appends its <see cref="ContentChanged"/> inside its own
/// transaction (<see cref="AppendAsync"/> or <see cref="SaveAsync"/>), so the change and its event
/// commit together or not at all; after the commit, <see cref="CommittedAsync"/> has this process's
/// caches evicted before the save returns, and the durable consumers (search, CDN purge) take the
/// event from the table — now, or after a crash on the next start.
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

    /// <summary>Appends the event inside the caller's open transaction; the caller commits, then calls <see cref="CommittedAsync"/>.</summary>
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
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({OutboxLockKey})", ct);
        }
        var row = NewRow(change);
        db.Set<ContentEvent>().Add(row);
        await db.SaveChangesAsync(ct);
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
        await CommittedAsync(ct);
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
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await AppendAsync(db, change, ct);
            await tx.CommitAsync(ct);
        }
        await CommittedAsync(ct);
    }

    /// <summary>After a commit: this process's caches drop what changed before the save returns; durable consumers are woken.</summary>
    public Task CommittedAsync(CancellationToken ct) => Dispatcher?.AfterCommitAsync(ct) ?? Task.CompletedTask;

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
        var keys = ContentEvent.JoinKeys(change.Keys);
        if (keys.Length > ContentEvent.MaxKeys)
        {
            // Too many to list (a story in hundreds of places): every page shows the settings key, so this evicts all.
            keys = ContentKeys.Settings;
        }
        var actor = change.Actor ?? services.GetService<IHttpContextAccessor>()?.HttpContext?.User.Identity?.Name ?? "system";
        return new ContentEvent
        {
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            Keys = keys,
            Reason = Cut(change.Reason, 200),
            ArticleId = change.ArticleId,
            Actor = Cut(actor, 256),
        };
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}

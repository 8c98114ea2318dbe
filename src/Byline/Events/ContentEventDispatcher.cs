using System.Collections.Concurrent;
using System.Globalization;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Byline.Events;

/// <summary>
/// Hands every outbox event to every consumer at least once, in commit order.
/// <para><b>Local</b> consumers (this process's caches) share one position held in memory: it starts at
/// the newest event when the process starts (its caches are empty then), moves after each commit made
/// here before the save returns, and once a poll interval for events committed elsewhere. Data caches
/// run before the page cache, whatever order the container built them in.</para>
/// <para><b>Durable</b> consumers each keep their position in <c>ContentEventConsumers</c>, held by one
/// node at a time through a lease. A failing event is retried with doubling delays; after the retry
/// budget it is set aside as a dead letter and the consumer moves on, so one bad event never stops the
/// others or the later ones. An admin retries or skips dead letters on the newsroom's events page.</para>
/// </summary>
public sealed class ContentEventDispatcher : IDisposable
{
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptionsMonitor<EventsOptions> _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<ContentEventDispatcher> _log;
    private readonly IContentConsumer[] _local;
    private readonly DurableConsumer[] _durable;
    private readonly SemaphoreSlim _localGate = new(1, 1);
    private readonly ConcurrentDictionary<string, LocalHealth> _localHealth = new(StringComparer.Ordinal);
    private long _localPosition = -1;
    private long _head;

    public ContentEventDispatcher(
        IEnumerable<IContentConsumer> consumers, IServiceScopeFactory scopes, IOptionsMonitor<EventsOptions> options,
        TimeProvider clock, ILogger<ContentEventDispatcher> log)
    {
        ArgumentNullException.ThrowIfNull(consumers);
        _scopes = scopes;
        _options = options;
        _clock = clock;
        _log = log;
        // Stage, then name: the container's resolution order never decides who runs first.
        var all = consumers.OrderBy(c => c.Stage).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();
        var duplicate = all.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two content consumers are named \"{duplicate.Key}\".");
        }
        _local = [.. all.Where(c => c.Stage != ConsumerStage.Durable)];
        _durable = [.. all.Where(c => c.Stage == ConsumerStage.Durable).Select(c => new DurableConsumer(c))];
        foreach (var c in _local)
        {
            _localHealth[c.Name] = new LocalHealth();
        }
    }

    /// <summary>This node's name in leases: host, process and a start stamp (a restarted process is a new holder).</summary>
    public string Node { get; } = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}");

    /// <summary>Every consumer in the order events reach them.</summary>
    public IReadOnlyList<IContentConsumer> Consumers => [.. _local, .. _durable.Select(d => d.Consumer)];

    public bool Started => Volatile.Read(ref _localPosition) >= 0;

    private EventsOptions Options => _options.CurrentValue;

    /// <summary>Runs until the host stops: takes up the outbox where each consumer left it, then follows it.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        if (!Started)
        {
            await InitialiseAsync(stoppingToken);
        }
        var loops = new List<Task> { PollAsync(stoppingToken), PruneLoopAsync(stoppingToken) };
        loops.AddRange(_durable.Select(d => DurableLoopAsync(d, stoppingToken)));
        await Task.WhenAll(loops);
    }

    /// <summary>Takes this process's place in the outbox: local consumers start at the newest event, durable ones are registered.</summary>
    public async Task InitialiseAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var head = await db.Set<ContentEvent>().MaxAsync(e => (long?)e.Id, ct) ?? 0;
        Volatile.Write(ref _head, head);
        var known = await db.Set<ContentEventConsumer>().Select(c => c.Name).ToListAsync(ct);
        foreach (var d in _durable.Where(d => !known.Contains(d.Consumer.Name)))
        {
            // A consumer met for the first time starts at the newest event: what came before it is the
            // state it starts from (search was built from the stories themselves).
            db.Set<ContentEventConsumer>().Add(new ContentEventConsumer { Name = d.Consumer.Name, Position = head, UpdatedAt = Now() });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another node registered it first.
                db.ChangeTracker.Clear();
            }
        }
        Volatile.Write(ref _localPosition, head);
        _log.LogInformation("Content events: {Local} local and {Durable} durable consumers from event {Head} on ({Node})",
            _local.Length, _durable.Length, head, Node);
    }

    /// <summary>After a commit in this process: local consumers catch up before the save returns; durable ones are woken, and the ones in step with saves waited for.</summary>
    public async Task AfterCommitAsync(CancellationToken ct)
    {
        if (!Started)
        {
            return;
        }
        await DeliverLocalAsync(ct);
        foreach (var d in _durable)
        {
            d.Wake();
        }
        if (Options.PauseDurable)
        {
            return;
        }
        foreach (var d in _durable.Where(d => d.Consumer.InStepWithSaves && d.HoldsLease(_clock.GetUtcNow().UtcDateTime)))
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(TimeSpan.FromSeconds(Options.InStepWaitSeconds));
            try
            {
                await RunDurableAsync(d, wait.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The save returns; the loop delivers it shortly.
            }
        }
    }

    /// <summary>Reads the events this process has not handed to its local consumers yet, and hands them over in order.</summary>
    public async Task DeliverLocalAsync(CancellationToken ct)
    {
        if (!Started)
        {
            return;
        }
        await _localGate.WaitAsync(ct);
        try
        {
            while (true)
            {
                var from = Volatile.Read(ref _localPosition);
                var batch = await ReadAsync(from, ct);
                foreach (var row in batch)
                {
                    var record = ContentEventRecord.From(row);
                    foreach (var c in _local)
                    {
                        await RunLocalAsync(c, record, ct);
                    }
                    Volatile.Write(ref _localPosition, row.Id);
                }
                if (batch.Count > 0)
                {
                    var head = batch[^1].Id;
                    if (head > Volatile.Read(ref _head))
                    {
                        Volatile.Write(ref _head, head);
                        foreach (var d in _durable)
                        {
                            d.Wake();
                        }
                    }
                }
                if (batch.Count < Options.BatchSize)
                {
                    return;
                }
            }
        }
        finally
        {
            _localGate.Release();
        }
    }

    /// <summary>A change that is not stored (see <see cref="ContentEvents.NotifyLocalAsync"/>).</summary>
    public async Task DeliverTransientAsync(ContentEventRecord change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        await _localGate.WaitAsync(ct);
        try
        {
            foreach (var c in _local)
            {
                await RunLocalAsync(c, change, ct);
            }
        }
        finally
        {
            _localGate.Release();
        }
    }

    private async Task RunLocalAsync(IContentConsumer consumer, ContentEventRecord change, CancellationToken ct)
    {
        var health = _localHealth[consumer.Name];
        // In-memory work: a failure is a bug, not an outage. Three tries, then it is set aside and the next runs.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await consumer.HandleAsync(change, ct);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (attempt < 3)
                {
                    continue;
                }
                _log.LogError(e, "Local consumer {Consumer} failed on event {Id} ({Reason}); set aside", consumer.Name, change.Id, change.Reason);
                health.Failed(change, e, Now());
                return;
            }
        }
    }

    private async Task PollAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(0.05, Options.PollSeconds)), _clock, ct);
                await DeliverLocalAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop outlives a database that is briefly away; the next poll tries again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _log.LogWarning(e, "Reading new content events failed; trying again");
            }
        }
    }

    private async Task DurableLoopAsync(DurableConsumer d, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!Options.PauseDurable)
                {
                    await RunDurableAsync(d, ct);
                }
                await d.WaitAsync(NextWake(d), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A lost connection must not end delivery for good; the loop waits and tries again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _log.LogWarning(e, "Durable consumer {Consumer}: delivery round failed; trying again", d.Consumer.Name);
                await SafeDelayAsync(TimeSpan.FromSeconds(Math.Max(1, Options.PollSeconds)), ct);
            }
        }
    }

    private TimeSpan NextWake(DurableConsumer d)
    {
        var now = Now();
        var lease = TimeSpan.FromSeconds(Math.Max(1, Options.LeaseSeconds) / 3);
        if (d.RetryAt is DateTime retry && retry > now)
        {
            var untilRetry = retry - now;
            return untilRetry < lease ? untilRetry : lease;
        }
        return lease;
    }

    private async Task SafeDelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, _clock, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: take or renew the lease, then deliver everything after the stored position, stopping at a failure that is still being retried.</summary>
    private async Task RunDurableAsync(DurableConsumer d, CancellationToken ct)
    {
        await d.Gate.WaitAsync(ct);
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            if (!await LeaseAsync(db, d, ct))
            {
                return;
            }
            var state = await db.Set<ContentEventConsumer>().AsNoTracking().FirstAsync(c => c.Name == d.Consumer.Name, ct);
            d.RetryAt = state.NextAttemptAt;
            if (state.NextAttemptAt is DateTime due && due > Now())
            {
                return;
            }
            var position = state.Position;
            var attempts = state.Attempts;
            while (true)
            {
                var batch = await ReadAsync(position, ct);
                if (batch.Count == 0)
                {
                    return;
                }
                foreach (var row in batch)
                {
                    var record = ContentEventRecord.From(row);
                    try
                    {
                        await d.Consumer.HandleAsync(record, ct);
                        position = row.Id;
                        attempts = 0;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        attempts++;
                        if (attempts >= Math.Max(1, Options.MaxAttempts))
                        {
                            _log.LogError(e, "Durable consumer {Consumer} gave up on event {Id} ({Reason}) after {Attempts} attempts; set aside as a dead letter",
                                d.Consumer.Name, row.Id, row.Reason, attempts);
                            await DeadLetterAsync(db, d, row.Id, attempts, e, ct);
                            position = row.Id;
                            attempts = 0;
                            continue;
                        }
                        var delay = RetryDelay(attempts);
                        _log.LogWarning(e, "Durable consumer {Consumer} failed on event {Id} (attempt {Attempts}); retrying in {Delay:0.0} s",
                            d.Consumer.Name, row.Id, attempts, delay.TotalSeconds);
                        d.RetryAt = Now() + delay;
                        await SaveStateAsync(db, d, position, attempts, e.Message, d.RetryAt, ct);
                        return;
                    }
                    catch (OperationCanceledException)
                    {
                        // Stopping (or a save that stopped waiting): keep what was done; the event comes again.
                        await SaveStateAsync(db, d, position, attempts, state.LastError, null, CancellationToken.None);
                        throw;
                    }
                }
                await SaveStateAsync(db, d, position, 0, null, null, ct);
                d.RetryAt = null;
                if (batch.Count < Options.BatchSize)
                {
                    return;
                }
            }
        }
        finally
        {
            d.Gate.Release();
        }
    }

    internal TimeSpan RetryDelay(int attempts)
    {
        var o = Options;
        var seconds = Math.Min(o.MaxRetryDelaySeconds, o.RetryDelaySeconds * Math.Pow(2, Math.Max(0, attempts - 1)));
        return TimeSpan.FromSeconds(seconds);
    }

    private async Task<bool> LeaseAsync(BylineDb db, DurableConsumer d, CancellationToken ct)
    {
        var now = Now();
        var length = TimeSpan.FromSeconds(Math.Max(1, Options.LeaseSeconds));
        if (d.LeaseUntil is DateTime held && held - now > length / 2)
        {
            return true;
        }
        var until = now + length;
        var node = Node;
        var won = await db.Set<ContentEventConsumer>()
            .Where(c => c.Name == d.Consumer.Name && (c.LeaseOwner == null || c.LeaseOwner == node || c.LeaseUntil < now))
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.LeaseOwner, node).SetProperty(c => c.LeaseUntil, until), ct);
        d.LeaseUntil = won == 1 ? until : null;
        return won == 1;
    }

    private async Task SaveStateAsync(BylineDb db, DurableConsumer d, long position, int attempts, string? error, DateTime? retryAt, CancellationToken ct)
    {
        var node = Node;
        var now = Now();
        var message = error is null ? null : Cut(error, 2000);
        var saved = await db.Set<ContentEventConsumer>()
            .Where(c => c.Name == d.Consumer.Name && c.LeaseOwner == node)
            .ExecuteUpdateAsync(u => u
                .SetProperty(c => c.Position, position)
                .SetProperty(c => c.Attempts, attempts)
                .SetProperty(c => c.LastError, message)
                .SetProperty(c => c.NextAttemptAt, retryAt)
                .SetProperty(c => c.UpdatedAt, now), ct);
        if (saved == 0)
        {
            // Another node took the consumer over (this one stalled past its lease): it redelivers from the stored position.
            d.LeaseUntil = null;
            throw new LeaseLostException(d.Consumer.Name);
        }
    }

    private async Task DeadLetterAsync(BylineDb db, DurableConsumer d, long eventId, int attempts, Exception error, CancellationToken ct)
    {
        var failures = db.Set<ContentEventFailure>();
        var existing = await failures.AsTracking().FirstOrDefaultAsync(f => f.Consumer == d.Consumer.Name && f.EventId == eventId, ct);
        if (existing is null)
        {
            failures.Add(new ContentEventFailure { Consumer = d.Consumer.Name, EventId = eventId, Attempts = attempts, Error = Cut(error.Message, 2000), FailedAt = Now() });
        }
        else
        {
            existing.Attempts += attempts;
            existing.Error = Cut(error.Message, 2000);
            existing.FailedAt = Now();
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await SaveStateAsync(db, d, eventId, 0, null, null, ct);
    }

    private async Task<List<ContentEvent>> ReadAsync(long after, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        return await db.Set<ContentEvent>().AsNoTracking().Where(e => e.Id > after).OrderBy(e => e.Id).Take(Math.Max(1, Options.BatchSize)).ToListAsync(ct);
    }

    private async Task PruneLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await PruneAsync(ct);
                await Task.Delay(TimeSpan.FromHours(1), _clock, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Pruning is housekeeping: a failed round is logged and tried again in a minute.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _log.LogWarning(e, "Pruning content events failed");
                await SafeDelayAsync(TimeSpan.FromMinutes(1), ct);
            }
        }
    }

    /// <summary>
    /// Deletes events past the retention that every durable consumer has passed, except those a dead
    /// letter still points at and the newest one (ids must never be handed out again).
    /// </summary>
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var names = _durable.Select(d => d.Consumer.Name).ToList();
        var passed = await db.Set<ContentEventConsumer>().Where(c => names.Contains(c.Name)).MinAsync(c => (long?)c.Position, ct) ?? long.MaxValue;
        var head = await db.Set<ContentEvent>().MaxAsync(e => (long?)e.Id, ct) ?? 0;
        var below = Math.Min(Math.Min(passed, head), Volatile.Read(ref _localPosition) < 0 ? 0 : Volatile.Read(ref _localPosition));
        var cutoff = Now() - TimeSpan.FromDays(Math.Max(0, Options.RetentionDays));
        var failures = db.Set<ContentEventFailure>();
        var deleted = await db.Set<ContentEvent>()
            .Where(e => e.Id < below && e.CreatedAt < cutoff && !failures.Any(f => f.EventId == e.Id))
            .ExecuteDeleteAsync(ct);
        if (deleted > 0)
        {
            _log.LogInformation("Content events: pruned {Count} events older than {Days} days", deleted, Options.RetentionDays);
        }
        return deleted;
    }

    /// <summary>How far the slowest durable consumer is behind: the age of the oldest event it has not handled (null when none waits).</summary>
    public async Task<TimeSpan?> LagAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var names = _durable.Select(d => d.Consumer.Name).ToList();
        var slowest = await db.Set<ContentEventConsumer>().Where(c => names.Contains(c.Name)).MinAsync(c => (long?)c.Position, ct);
        if (slowest is null)
        {
            return null;
        }
        var oldest = await db.Set<ContentEvent>().Where(e => e.Id > slowest).OrderBy(e => e.Id).Select(e => (DateTime?)e.CreatedAt).FirstOrDefaultAsync(ct);
        return oldest is DateTime at ? Now() - at : null;
    }

    /// <summary>What the newsroom's events page shows.</summary>
    public async Task<EventsStatus> StatusAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var head = await db.Set<ContentEvent>().MaxAsync(e => (long?)e.Id, ct) ?? 0;
        var stored = await db.Set<ContentEvent>().CountAsync(ct);
        var states = await db.Set<ContentEventConsumer>().AsNoTracking().ToDictionaryAsync(c => c.Name, ct);
        var dead = await db.Set<ContentEventFailure>().AsNoTracking().GroupBy(f => f.Consumer).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var rows = new List<ConsumerStatus>();
        var localPosition = Math.Max(0, Volatile.Read(ref _localPosition));
        foreach (var c in _local)
        {
            var h = _localHealth[c.Name];
            rows.Add(new ConsumerStatus(c.Name, c.Stage, localPosition, head - localPosition, null, h.Failures, h.LastError, null, Node + " (this node)", h.SetAside.Count));
        }
        foreach (var d in _durable)
        {
            var s = states.GetValueOrDefault(d.Consumer.Name);
            var position = s?.Position ?? 0;
            var oldest = await db.Set<ContentEvent>().Where(e => e.Id > position).OrderBy(e => e.Id).Select(e => (DateTime?)e.CreatedAt).FirstOrDefaultAsync(ct);
            rows.Add(new ConsumerStatus(d.Consumer.Name, d.Consumer.Stage, position, Math.Max(0, head - position), oldest is DateTime at ? Now() - at : null,
                s?.Attempts ?? 0, s?.LastError, s?.NextAttemptAt, s is { LeaseOwner: not null } && s.LeaseUntil > Now() ? s.LeaseOwner : null, dead.GetValueOrDefault(d.Consumer.Name)));
        }
        var letters = await db.Set<ContentEventFailure>().AsNoTracking().OrderByDescending(f => f.Id).Take(200)
            .Join(db.Set<ContentEvent>(), f => f.EventId, e => e.Id, (f, e) => new DeadLetter(f.Id, f.Consumer, f.EventId, e.Reason, e.ArticleId, e.CreatedAt, f.Attempts, f.Error, f.FailedAt))
            .ToListAsync(ct);
        var localLetters = _localHealth.SelectMany(kv => kv.Value.SetAside.Select(x => new DeadLetter(0, kv.Key, x.EventId, x.Reason, null, x.At, 3, x.Error, x.At))).ToList();
        return new EventsStatus(head, stored, Options.PauseDurable, rows, [.. letters, .. localLetters]);
    }

    /// <summary>Hands a dead letter to its consumer once more; gone from the list when it goes through.</summary>
    public async Task<bool> RetryDeadLetterAsync(long failureId, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var failure = await db.Set<ContentEventFailure>().AsTracking().FirstOrDefaultAsync(f => f.Id == failureId, ct);
        if (failure is null)
        {
            return false;
        }
        var consumer = _durable.FirstOrDefault(d => d.Consumer.Name == failure.Consumer)?.Consumer
            ?? throw new InvalidOperationException($"No consumer named \"{failure.Consumer}\" runs in this version.");
        var row = await db.Set<ContentEvent>().AsNoTracking().FirstOrDefaultAsync(e => e.Id == failure.EventId, ct);
        if (row is null)
        {
            db.Remove(failure);
            await db.SaveChangesAsync(ct);
            return true;
        }
        try
        {
            await consumer.HandleAsync(ContentEventRecord.From(row), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failure.Attempts++;
            failure.Error = Cut(e.Message, 2000);
            failure.FailedAt = Now();
            await db.SaveChangesAsync(ct);
            return false;
        }
        db.Remove(failure);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Drops a dead letter without delivering it.</summary>
    public async Task<bool> SkipDeadLetterAsync(long failureId, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        return await db.Set<ContentEventFailure>().Where(f => f.Id == failureId).ExecuteDeleteAsync(ct) == 1;
    }

    /// <summary>Ends a consumer's wait between retries: the event it is stuck on is tried again now.</summary>
    public async Task<bool> RetryNowAsync(string consumer, CancellationToken ct)
    {
        var d = _durable.FirstOrDefault(x => x.Consumer.Name == consumer);
        if (d is null)
        {
            return false;
        }
        await using (var scope = _scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            await db.Set<ContentEventConsumer>().Where(c => c.Name == consumer).ExecuteUpdateAsync(u => u.SetProperty(c => c.NextAttemptAt, (DateTime?)null), ct);
        }
        d.RetryAt = null;
        d.Wake();
        return true;
    }

    /// <summary>Skips the event a consumer is retrying: it becomes a dead letter now instead of after its budget.</summary>
    public async Task<bool> SkipCurrentAsync(string consumer, CancellationToken ct)
    {
        var d = _durable.FirstOrDefault(x => x.Consumer.Name == consumer);
        if (d is null)
        {
            return false;
        }
        await d.Gate.WaitAsync(ct);
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            var state = await db.Set<ContentEventConsumer>().AsNoTracking().FirstOrDefaultAsync(c => c.Name == consumer, ct);
            if (state is null || state.Attempts == 0 || !await LeaseAsync(db, d, ct))
            {
                return false;
            }
            var stuck = await db.Set<ContentEvent>().Where(e => e.Id > state.Position).OrderBy(e => e.Id).Select(e => (long?)e.Id).FirstOrDefaultAsync(ct);
            if (stuck is not long id)
            {
                return false;
            }
            await DeadLetterAsync(db, d, id, state.Attempts, new InvalidOperationException("Skipped by an admin: " + (state.LastError ?? "")), ct);
            d.RetryAt = null;
        }
        finally
        {
            d.Gate.Release();
        }
        d.Wake();
        return true;
    }

    /// <summary>Waits (for tests and the command line) until every durable consumer has passed <paramref name="eventId"/> or set it aside.</summary>
    public async Task<bool> WaitForDurableAsync(long eventId, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var names = _durable.Select(d => d.Consumer.Name).ToList();
        try
        {
            while (true)
            {
                await using (var scope = _scopes.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
                    var slowest = await db.Set<ContentEventConsumer>().Where(c => names.Contains(c.Name)).MinAsync(c => (long?)c.Position, deadline.Token);
                    if (slowest is null || slowest >= eventId)
                    {
                        return true;
                    }
                }
                await Task.Delay(TimeSpan.FromMilliseconds(20), _clock, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _localGate.Dispose();
        foreach (var d in _durable)
        {
            d.Dispose();
        }
    }

    private DateTime Now() => _clock.GetUtcNow().UtcDateTime;

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];

    private sealed class DurableConsumer(IContentConsumer consumer) : IDisposable
    {
        private readonly SemaphoreSlim _wake = new(0, 1);

        public IContentConsumer Consumer { get; } = consumer;
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public DateTime? LeaseUntil { get; set; }
        public DateTime? RetryAt { get; set; }

        public bool HoldsLease(DateTime now) => LeaseUntil is DateTime until && until > now;

        public void Wake()
        {
            try
            {
                if (_wake.CurrentCount == 0)
                {
                    _wake.Release();
                }
            }
            catch (SemaphoreFullException)
            {
                // Already awake.
            }
        }

        /// <summary>Until woken (a commit, new events seen) or the timeout (time to renew the lease or retry).</summary>
        public async Task WaitAsync(TimeSpan timeout, CancellationToken ct) => await _wake.WaitAsync(timeout, ct);

        public void Dispose()
        {
            _wake.Dispose();
            Gate.Dispose();
        }
    }

    private sealed class LocalHealth
    {
        private readonly Lock _gate = new();
        private readonly List<(long EventId, string Reason, string Error, DateTime At)> _setAside = [];

        public int Failures { get; private set; }
        public string? LastError { get; private set; }

        public IReadOnlyList<(long EventId, string Reason, string Error, DateTime At)> SetAside
        {
            get
            {
                lock (_gate)
                {
                    return [.. _setAside];
                }
            }
        }

        public void Failed(ContentEventRecord change, Exception e, DateTime at)
        {
            lock (_gate)
            {
                Failures++;
                LastError = e.Message;
                _setAside.Add((change.Id, change.Reason, e.Message, at));
                if (_setAside.Count > 100)
                {
                    _setAside.RemoveAt(0);
                }
            }
        }
    }
}

/// <summary>The stored position was moved by another node that took the consumer over.</summary>
public sealed class LeaseLostException(string consumer) : Exception($"The lease on content consumer \"{consumer}\" passed to another node.");

public sealed record ConsumerStatus(
    string Name, ConsumerStage Stage, long Position, long Behind, TimeSpan? Lag, int Attempts, string? LastError,
    DateTime? NextAttemptAt, string? HeldBy, int DeadLetters);

public sealed record DeadLetter(long Id, string Consumer, long EventId, string Reason, int? ArticleId, DateTime EventAt, int Attempts, string Error, DateTime FailedAt);

public sealed record EventsStatus(long Head, int Stored, bool Paused, IReadOnlyList<ConsumerStatus> Consumers, IReadOnlyList<DeadLetter> DeadLetters);

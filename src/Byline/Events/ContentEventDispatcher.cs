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
/// <para><b>In memory where it is safe.</b> The events this process committed are kept for a while
/// (<see cref="Remember"/>), so consumers take them from memory when they are next in line instead of
/// reading back what was just written. While a node holds a durable consumer's lease and nothing fails,
/// it trusts its own copy of the position and writes it back at most every
/// <see cref="EventsOptions.PositionSaveSeconds"/> (and when it stops): after a crash, at most that much
/// is delivered again, which consumers, being idempotent, absorb.</para>
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
    private readonly Lock _recentGate = new();
    private readonly SortedList<long, ContentEventRecord> _recent = [];
    private readonly List<IEventFanOut> _fanOut = [];
    private readonly ReplicaHealth? _replica;
    private long _localPosition = -1;
    private long _head;

    /// <summary>How many of this process's own recent commits are kept for delivery from memory.</summary>
    internal const int RecentCapacity = 2048;

    public ContentEventDispatcher(
        IEnumerable<IContentConsumer> consumers, IServiceScopeFactory scopes, IOptionsMonitor<EventsOptions> options,
        TimeProvider clock, ILogger<ContentEventDispatcher> log, ReplicaHealth? replica = null)
    {
        ArgumentNullException.ThrowIfNull(consumers);
        _scopes = scopes;
        _options = options;
        _clock = clock;
        _log = log;
        _replica = replica is { Configured: true } ? replica : null;
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

    /// <summary>
    /// After a commit in this process, with the events it appended (none when its context was not at
    /// hand): local consumers catch up before the save returns; durable ones are woken, and the ones in
    /// step with saves waited for.
    /// </summary>
    public async Task AfterCommitAsync(IReadOnlyList<ContentEventRecord> committed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(committed);
        if (!Started)
        {
            return;
        }
        Remember(committed);
        if (_replica is null)
        {
            await DeliverLocalAsync(ct);
        }
        else
        {
            // With a read replica the caches follow once the replica has the change (DeliverLocalAsync):
            // the save does not wait for that; the writer reads the primary meanwhile.
            _ = DeliverAfterReplicaAsync();
        }
        foreach (var fanOut in _fanOut)
        {
            fanOut.Announce(committed);
        }
        foreach (var d in _durable)
        {
            d.Wake();
        }
        if (Options.PauseDurable)
        {
            return;
        }
        // Waited for only when one of the events needs it (none in hand: the events were read elsewhere, so wait).
        foreach (var d in _durable.Where(d => d.Consumer.InStepWithSaves && (committed.Count == 0 || committed.Any(d.Consumer.InStepWith))
                     && d.HoldsLease(_clock.GetUtcNow().UtcDateTime)))
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(TimeSpan.FromSeconds(Options.InStepWaitSeconds));
            try
            {
                await RunDurableAsync(d, inStep: true, wait.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The save returns; the loop delivers it shortly.
            }
        }
    }

    /// <summary>
    /// Tells other nodes about this process's commits (Redis pub/sub when it is configured): registered
    /// at boot, called after each commit here once this process's own caches have followed.
    /// </summary>
    public void AddFanOut(IEventFanOut fanOut)
    {
        ArgumentNullException.ThrowIfNull(fanOut);
        _fanOut.Add(fanOut);
    }

    /// <summary>
    /// Events another node committed and announced (or an empty list: "read the table"). They are kept
    /// like this process's own, so the local consumers take them from memory when they are next in line;
    /// a gap (an announcement lost, an id drawn by a rolled-back write) sends the read to the table, so
    /// nothing is skipped. The events also move this node's idea of the newest event on, which wakes the
    /// durable consumers it may hold.
    /// </summary>
    public Task AcceptAnnouncedAsync(IReadOnlyList<ContentEventRecord> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (!Started)
        {
            return Task.CompletedTask;
        }
        Remember(events);
        return DeliverLocalAsync(ct);
    }

    /// <summary>The position this process's caches have reached (−1 before start).</summary>
    public long LocalPosition => Volatile.Read(ref _localPosition);

    /// <summary>Hands this process's local consumers, in order, the events they have not had yet: from memory when they are this process's own next ones, else read from the table.</summary>
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
                var recent = Recent(from);
                var batch = recent ?? await ReadAsync(from, ct);
                if (_replica is not null && batch.Count > 0)
                {
                    // A page rendered from the replica must show what the eviction is for (docs/scaling.md).
                    await _replica.WaitForEventsAsync([.. batch.Select(r => r.Id)], ct);
                }
                foreach (var record in batch)
                {
                    foreach (var c in _local)
                    {
                        await RunLocalAsync(c, record, ct);
                    }
                    Volatile.Write(ref _localPosition, record.Id);
                }
                if (batch.Count > 0)
                {
                    SeenHead(batch[^1].Id);
                }
                // Events from memory are this process's own: what others committed arrives with the next poll.
                if (recent is null ? batch.Count < Options.BatchSize : Recent(Volatile.Read(ref _localPosition)) is null)
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

    private async Task DeliverAfterReplicaAsync()
    {
        try
        {
            await DeliverLocalAsync(CancellationToken.None);
        }
#pragma warning disable CA1031 // Runs after the save returned; the next poll delivers what this could not.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _log.LogWarning(e, "Delivering this node's own events to its caches failed; the next poll delivers them");
        }
    }

    /// <summary>Keeps this process's own committed events for the consumers next in line (see the class's remarks).</summary>
    private void Remember(IReadOnlyList<ContentEventRecord> committed)
    {
        if (committed.Count == 0)
        {
            return;
        }
        lock (_recentGate)
        {
            foreach (var record in committed)
            {
                _recent.TryAdd(record.Id, record);
            }
            while (_recent.Count > RecentCapacity)
            {
                _recent.RemoveAt(0);
            }
        }
        SeenHead(committed.Max(r => r.Id));
    }

    /// <summary>
    /// The events right after <paramref name="after"/>, if this process committed the very next one: a
    /// run without gaps, so nothing committed elsewhere in between is skipped. Null when the next one is
    /// not in memory (the caller reads the table).
    /// </summary>
    private List<ContentEventRecord>? Recent(long after)
    {
        lock (_recentGate)
        {
            var at = _recent.IndexOfKey(after + 1);
            if (at < 0)
            {
                return null;
            }
            var run = new List<ContentEventRecord>();
            for (var next = after + 1; at < _recent.Count && _recent.Keys[at] == next && run.Count < Options.BatchSize; at++, next++)
            {
                run.Add(_recent.Values[at]);
            }
            return run;
        }
    }

    /// <summary>The newest event this process knows of moved on: durable consumers have work.</summary>
    private void SeenHead(long id)
    {
        var head = Volatile.Read(ref _head);
        while (id > head)
        {
            var was = Interlocked.CompareExchange(ref _head, id, head);
            if (was == head)
            {
                foreach (var d in _durable)
                {
                    d.Wake();
                }
                return;
            }
            head = was;
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
                    await RunDurableAsync(d, inStep: false, ct);
                }
                await d.WaitAsync(NextWake(d), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await SavePositionOnStopAsync(d);
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
        var wake = TimeSpan.FromSeconds(Math.Max(1, Options.LeaseSeconds) / 3);
        if (d.RetryAt is DateTime retry && retry > now && retry - now < wake)
        {
            wake = retry - now;
        }
        if (d.UnsavedSince is DateTime unsaved)
        {
            var untilSave = unsaved + PositionSaveInterval - now;
            if (untilSave < wake)
            {
                wake = untilSave > TimeSpan.Zero ? untilSave : TimeSpan.Zero;
            }
        }
        return wake;
    }

    private TimeSpan PositionSaveInterval => TimeSpan.FromSeconds(Math.Max(0, Options.PositionSaveSeconds));

    /// <summary>
    /// The host is stopping: the position this node holds only in memory is written back, so the next start
    /// does not deliver it again, and the lease is given up, so the next start (or another node) carries on at
    /// once instead of waiting for it to run out.
    /// </summary>
    private async Task SavePositionOnStopAsync(DurableConsumer d)
    {
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await SaveHeldPositionAsync(d, deadline.Token);
            await ReleaseLeaseAsync(d, deadline.Token);
        }
#pragma warning disable CA1031 // Best effort on the way out: what is not written is delivered again after the restart.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _log.LogWarning(e, "Durable consumer {Consumer}: its position was not saved on stopping; events after the stored one come again", d.Consumer.Name);
        }
    }

    private async Task ReleaseLeaseAsync(DurableConsumer d, CancellationToken ct)
    {
        if (d.LeaseUntil is null)
        {
            return;
        }
        await d.Gate.WaitAsync(ct);
        try
        {
            var node = Node;
            await using var scope = _scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<BylineDb>().Set<ContentEventConsumer>()
                .Where(c => c.Name == d.Consumer.Name && c.LeaseOwner == node)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.LeaseOwner, (string?)null).SetProperty(c => c.LeaseUntil, (DateTime?)null), ct);
            d.LeaseUntil = null;
            d.Position = null;
        }
        finally
        {
            d.Gate.Release();
        }
    }

    /// <summary>Writes back a position this node holds ahead of the stored row, if it still holds the lease.</summary>
    private async Task SaveHeldPositionAsync(DurableConsumer d, CancellationToken ct)
    {
        if (d.UnsavedSince is null)
        {
            return;
        }
        await d.Gate.WaitAsync(ct);
        try
        {
            if (d.UnsavedSince is not null && d.Position is long position && d.HoldsLease(Now()))
            {
                await using var scope = _scopes.CreateAsyncScope();
                await SaveStateAsync(scope.ServiceProvider.GetRequiredService<BylineDb>(), d, position, 0, null, null, ct);
            }
        }
        finally
        {
            d.Gate.Release();
        }
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

    /// <summary>
    /// One round: take or renew the lease, then deliver everything after the position, stopping at a
    /// failure that is still being retried. A save waiting in step (<paramref name="inStep"/>) never
    /// writes the position itself; the consumer's loop does, shortly after.
    /// </summary>
    private async Task RunDurableAsync(DurableConsumer d, bool inStep, CancellationToken ct)
    {
        await d.Gate.WaitAsync(ct);
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            BylineDb Db() => scope.ServiceProvider.GetRequiredService<BylineDb>();
            if (!await LeaseAsync(Db, d, ct))
            {
                return;
            }
            long position;
            int attempts;
            string? lastError;
            if (d.Position is long held)
            {
                // Held since this node took the lease, with nothing failing: the stored row has nothing newer.
                (position, attempts, lastError) = (held, 0, null);
            }
            else
            {
                var state = await Db().Set<ContentEventConsumer>().AsNoTracking().FirstAsync(c => c.Name == d.Consumer.Name, ct);
                d.RetryAt = state.NextAttemptAt;
                if (state.NextAttemptAt is DateTime due && due > Now())
                {
                    return;
                }
                (position, attempts, lastError) = (state.Position, state.Attempts, state.LastError);
                d.Saved(position);
                if (attempts == 0)
                {
                    d.Position = position;
                }
            }
            while (true)
            {
                var now = Now();
                var batch = Recent(position);
                var fromTable = batch is null;
                if (batch is null)
                {
                    // Nothing newer is known (the poll learns of others' commits): skip the read, but
                    // never for longer than a poll interval.
                    var nothingNew = d.Position is not null && position >= Volatile.Read(ref _head)
                        && now - d.LastReadAt < TimeSpan.FromSeconds(Math.Max(0.05, Options.PollSeconds));
                    batch = nothingNew ? [] : await ReadAsync(position, ct);
                    if (!nothingNew)
                    {
                        d.LastReadAt = now;
                    }
                }
                if (batch.Count == 0)
                {
                    await SavePositionAsync(Db(), d, inStep, ct);
                    return;
                }
                SeenHead(batch[^1].Id);
                foreach (var record in batch)
                {
                    try
                    {
                        await d.Consumer.HandleAsync(record, ct);
                        position = record.Id;
                        attempts = 0;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        attempts++;
                        if (attempts >= Math.Max(1, Options.MaxAttempts))
                        {
                            _log.LogError(e, "Durable consumer {Consumer} gave up on event {Id} ({Reason}) after {Attempts} attempts; set aside as a dead letter",
                                d.Consumer.Name, record.Id, record.Reason, attempts);
                            await DeadLetterAsync(Db(), d, record.Id, attempts, e, ct);
                            position = record.Id;
                            attempts = 0;
                            continue;
                        }
                        var delay = RetryDelay(attempts);
                        _log.LogWarning(e, "Durable consumer {Consumer} failed on event {Id} (attempt {Attempts}); retrying in {Delay:0.0} s",
                            d.Consumer.Name, record.Id, attempts, delay.TotalSeconds);
                        d.RetryAt = Now() + delay;
                        d.Position = null;
                        await SaveStateAsync(Db(), d, position, attempts, e.Message, d.RetryAt, ct);
                        return;
                    }
                    catch (OperationCanceledException)
                    {
                        // Stopping (or a save that stopped waiting): keep what was done; the event comes again.
                        d.Position = null;
                        await SaveStateAsync(Db(), d, position, attempts, lastError, null, CancellationToken.None);
                        throw;
                    }
                }
                d.Position = position;
                d.Advanced(position, Now());
                d.RetryAt = null;
                await SavePositionAsync(Db(), d, inStep, ct);
                if (fromTable && batch.Count < Options.BatchSize && Recent(position) is null)
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

    /// <summary>Writes the position held in memory once it has been unsaved for <see cref="EventsOptions.PositionSaveSeconds"/>.</summary>
    private async Task SavePositionAsync(BylineDb db, DurableConsumer d, bool inStep, CancellationToken ct)
    {
        if (inStep || d.UnsavedSince is not DateTime since || d.Position is not long position || Now() - since < PositionSaveInterval)
        {
            return;
        }
        await SaveStateAsync(db, d, position, 0, null, null, ct);
    }

    internal TimeSpan RetryDelay(int attempts)
    {
        var o = Options;
        var seconds = Math.Min(o.MaxRetryDelaySeconds, o.RetryDelaySeconds * Math.Pow(2, Math.Max(0, attempts - 1)));
        return TimeSpan.FromSeconds(seconds);
    }

    private async Task<bool> LeaseAsync(Func<BylineDb> db, DurableConsumer d, CancellationToken ct)
    {
        var now = Now();
        var length = TimeSpan.FromSeconds(Math.Max(1, Options.LeaseSeconds));
        if (d.LeaseUntil is DateTime held && held - now > length / 2)
        {
            return true;
        }
        // Renewed before it ran out, nobody else can have moved the stored position; otherwise it is read again.
        var unbroken = d.LeaseUntil is DateTime still && still > now;
        var until = now + length;
        var node = Node;
        var won = await db().Set<ContentEventConsumer>()
            .Where(c => c.Name == d.Consumer.Name && (c.LeaseOwner == null || c.LeaseOwner == node || c.LeaseUntil < now))
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.LeaseOwner, node).SetProperty(c => c.LeaseUntil, until), ct);
        d.LeaseUntil = won == 1 ? until : null;
        if (won != 1 || !unbroken)
        {
            d.Position = null;
        }
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
            d.Position = null;
            throw new LeaseLostException(d.Consumer.Name);
        }
        d.Saved(position);
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

    private async Task<List<ContentEventRecord>> ReadAsync(long after, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var rows = await db.Set<ContentEvent>().AsNoTracking().Where(e => e.Id > after).OrderBy(e => e.Id).Take(Math.Max(1, Options.BatchSize)).ToListAsync(ct);
        return rows.ConvertAll(ContentEventRecord.From);
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
        // Pruning goes by the stored positions: they must not lag behind what this node has delivered.
        foreach (var d in _durable)
        {
            try
            {
                await SaveHeldPositionAsync(d, ct);
            }
            catch (LeaseLostException)
            {
                // Another node holds it now: its stored position is the one to go by.
            }
        }
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
        var stored = await StoredPositionsAsync(db, ct);
        if (stored.Count == 0)
        {
            return null;
        }
        var slowest = _durable.Where(d => stored.ContainsKey(d.Consumer.Name)).Min(d => Current(d, stored[d.Consumer.Name]));
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
            var position = Current(d, s?.Position ?? 0);
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
            if (state is null || state.Attempts == 0 || !await LeaseAsync(() => db, d, ct))
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
        try
        {
            while (true)
            {
                await using (var scope = _scopes.CreateAsyncScope())
                {
                    var stored = await StoredPositionsAsync(scope.ServiceProvider.GetRequiredService<BylineDb>(), deadline.Token);
                    if (_durable.Where(d => stored.ContainsKey(d.Consumer.Name)).All(d => Current(d, stored[d.Consumer.Name]) >= eventId))
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

    private Task<Dictionary<string, long>> StoredPositionsAsync(BylineDb db, CancellationToken ct)
    {
        var names = _durable.Select(d => d.Consumer.Name).ToList();
        return db.Set<ContentEventConsumer>().Where(c => names.Contains(c.Name)).ToDictionaryAsync(c => c.Name, c => c.Position, StringComparer.Ordinal, ct);
    }

    /// <summary>A consumer's position: this node's copy while it holds the lease (it may be ahead of the stored row), else the stored one.</summary>
    private long Current(DurableConsumer d, long stored) =>
        d.Position is long held && d.HoldsLease(Now()) ? Math.Max(held, stored) : stored;

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];

    private sealed class DurableConsumer(IContentConsumer consumer) : IDisposable
    {
        private readonly SemaphoreSlim _wake = new(0, 1);

        public IContentConsumer Consumer { get; } = consumer;
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public DateTime? LeaseUntil { get; set; }
        public DateTime? RetryAt { get; set; }

        /// <summary>The position this node trusts while it holds the lease and nothing fails; null: read the stored row.</summary>
        public long? Position { get; set; }

        /// <summary>The position last written to (or read from) the stored row.</summary>
        public long SavedPosition { get; private set; }

        /// <summary>Since when <see cref="Position"/> is ahead of the stored row (null: it is not).</summary>
        public DateTime? UnsavedSince { get; private set; }

        public DateTime LastReadAt { get; set; }

        public void Saved(long position)
        {
            SavedPosition = position;
            UnsavedSince = null;
        }

        public void Advanced(long position, DateTime now)
        {
            if (position > SavedPosition)
            {
                UnsavedSince ??= now;
            }
        }

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

using Byline.Events;
using Byline.Hosting;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Byline.Scaling;

/// <summary>
/// Several nodes on PostgreSQL without Redis: each commit of an event sends a NOTIFY on
/// <c>byline_events</c> (<see cref="ContentEvents.NotifyChannel"/>, queued in the writer's transaction
/// and delivered only if it commits). This node LISTENs on one connection of its own and reads the
/// outbox as soon as one arrives, instead of at its next poll. The poll still runs: a notification lost
/// with a dropped connection delays an eviction by at most one poll interval.
/// </summary>
internal sealed class OutboxListener(
    IServiceScopeFactory scopes, RedisConnection redis, ContentEventDispatcher dispatcher, Readiness readiness,
    ILogger<OutboxListener> log) : BackgroundService
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? connection;
        try
        {
            await readiness.WhenReady.WaitAsync(stoppingToken);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
            if (db.Provider != DatabaseProvider.Postgres || redis.Enabled)
            {
                // SQLite is one machine's file; with Redis the events arrive over pub/sub.
                return;
            }
            connection = db.Database.GetConnectionString();
        }
#pragma warning disable CA1031 // A start-up that failed or was stopped: nothing to listen for.
        catch (Exception)
#pragma warning restore CA1031
        {
            return;
        }
        var deliver = DeliverLoopAsync(stoppingToken);
        // Its own connection, outside the pool: LISTEN belongs to the session.
        var builder = new NpgsqlConnectionStringBuilder(connection) { Pooling = false, KeepAlive = 15 };
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var listen = new NpgsqlConnection(builder.ConnectionString);
                listen.Notification += (_, _) => Signal();
                await listen.OpenAsync(stoppingToken);
                await using (var command = new NpgsqlCommand($"LISTEN {ContentEvents.NotifyChannel}", listen))
                {
                    await command.ExecuteNonQueryAsync(stoppingToken);
                }
                // Whatever committed while this connection was being made.
                Signal();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await listen.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The database went away: listen again shortly; the poll covers the gap.
            catch (Exception e)
#pragma warning restore CA1031
            {
                log.LogWarning(e, "Listening for outbox notifications failed; listening again shortly");
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        await deliver.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void Signal()
    {
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one read takes every event committed since.
        }
    }

    /// <summary>Bursts of notifications become one read of the outbox each.</summary>
    private async Task DeliverLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(ct);
                await dispatcher.AcceptAnnouncedAsync([], ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The next notification or the poll tries again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                log.LogWarning(e, "Reading the outbox after a notification failed");
            }
        }
    }

    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }
}

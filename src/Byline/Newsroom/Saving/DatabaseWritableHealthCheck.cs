using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Byline.Newsroom.Saving;

/// <summary>
/// Reports whether the database takes writes: updates the one <see cref="WriteProbe"/> row (a real,
/// committed write, so a read-only file, a read-only PostgreSQL transaction default, a standby or a
/// full disk all show). Registered as <c>database-writable</c>, tagged <c>ready</c>.
/// </summary>
public sealed class DatabaseWritableHealthCheck(IServiceScopeFactory scopes, TimeProvider clock, ILogger<DatabaseWritableHealthCheck> log) : IHealthCheck
{
    public const string Name = "database-writable";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            var written = await db.WriteProbes.Where(p => p.Id == WriteProbe.OnlyId)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.CheckedAt, now), cancellationToken);
            return written == 1
                ? HealthCheckResult.Healthy("The database takes writes.")
                : new HealthCheckResult(context.Registration.FailureStatus, "The write probe row is missing: are the migrations applied?");
        }
        catch (Exception e) when (StorageFailures.IsUnwritable(e))
        {
            log.LogWarning("The database refuses writes: {Reason}", e.GetBaseException().Message);
            return new HealthCheckResult(context.Registration.FailureStatus, "The database refuses writes (read-only, full or unreachable).", e);
        }
    }
}

using Byline.Content;
using Byline.Demo;
using Byline.Storage;

namespace Byline.Hosting;

/// <summary>
/// Boot phase: migrate, run the boot steps (demo content where it is on), load settings. Runs as the host
/// starts, not on a first request; until it is done pages wait and /healthz answers 503.
/// </summary>
public sealed class StartupTasks(
    IServiceScopeFactory scopes,
    SiteSettingsStore settings,
    Readiness readiness,
    DemoContentChoice demo,
    IEnumerable<IBootStep> steps,
    ILogger<StartupTasks> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Run in the background so Kestrel can answer /healthz (503) while a first start seeds.
        _ = Task.Run(() => RunAsync(cancellationToken), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
                log.LogInformation("{DemoContent}", demo);
                log.LogInformation("Applying {Provider} migrations", db.Provider);
                await StorageExtensions.MigrateAsync(db, ct);
                foreach (var step in steps)
                {
                    await step.RunAsync(scope.ServiceProvider, ct);
                }
            }
            await settings.LoadAsync(ct);
            readiness.MarkReady();
            log.LogInformation("Byline is ready");
        }
#pragma warning disable CA1031 // any start-up failure is logged and marks the host failed (not ready) instead of crashing it
        catch (Exception e)
#pragma warning restore CA1031
        {
            log.LogCritical(e, "Start-up failed");
            readiness.MarkFailed(e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

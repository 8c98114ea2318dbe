namespace Byline.Hosting;

/// <summary>
/// Work a feature needs done at boot, after migrations and before the site reports ready (creating
/// the newsroom roles, say). Steps run in registration order inside <see cref="StartupTasks"/>.
/// </summary>
public interface IBootStep
{
    Task RunAsync(IServiceProvider services, CancellationToken ct);
}

namespace Byline.Hosting;

/// <summary>Open once the database is migrated, settings are loaded and demo content (if any) is in.</summary>
public sealed class Readiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;
    public Task WhenReady => _ready.Task;

    public void MarkReady() => _ready.TrySetResult();
    public void MarkFailed(Exception e) => _ready.TrySetException(e);
}

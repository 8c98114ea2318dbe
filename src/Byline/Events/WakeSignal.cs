namespace Byline.Events;

/// <summary>
/// Wakes a background sender of this process as soon as work is queued, instead of at its next poll
/// (webhook deliveries; newsletter issues use a keyed instance of their own). One wake covers all work queued so far.
/// </summary>
public sealed class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);

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
            // Already woken: one wake-up covers everything queued so far.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);

    public void Dispose() => _wake.Dispose();
}

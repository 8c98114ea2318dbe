namespace Byline.Hosting;

/// <summary>
/// How far the content-event dispatcher is behind the newest committed event. Implemented by the
/// dispatcher; the ready check and the <c>byline.events.lag</c> gauge use it when one is registered.
/// </summary>
public interface IOutboxLag
{
    /// <summary>The age of the oldest event some consumer has not yet handled; null when every consumer is up to date.</summary>
    ValueTask<TimeSpan?> GetLagAsync(CancellationToken ct);
}

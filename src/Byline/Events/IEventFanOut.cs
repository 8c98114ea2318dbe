namespace Byline.Events;

/// <summary>
/// Carries this process's committed events to the other nodes of a deployment (Redis pub/sub:
/// <c>Scaling/RedisEventRelay.cs</c>). Best effort and never on the save's path for long: a node that
/// misses an announcement still reads the outbox every poll interval.
/// </summary>
public interface IEventFanOut
{
    /// <summary>The events this process just committed; empty when they were not at hand (the receivers read the table).</summary>
    void Announce(IReadOnlyList<ContentEventRecord> committed);
}

namespace Byline.Events;

/// <summary>When a consumer runs, relative to the others; within a stage the order does not matter.</summary>
public enum ConsumerStage
{
    /// <summary>Data this process holds in memory (story ids, cards, boundaries, related lists, shows, chrome, settings):
    /// dropped first, so that the pages rendered after the next stage read fresh data.</summary>
    LocalData = 0,

    /// <summary>This process's rendered pages (the output cache): evicted after the data they are rendered from.</summary>
    LocalPages = 1,

    /// <summary>Once per deployment, with its position stored in the database: the search index, CDN purges, webhooks.</summary>
    Durable = 2,
}

/// <summary>
/// Something that must follow content changes. Declared once, in <c>Hosting/ContentConsumers.cs</c>; the
/// dispatcher hands it every event at least once, in commit order, so it must be idempotent.
/// Local consumers run in every process before the save returns; durable ones on one node at a time,
/// with retries, backoff and a dead-letter state.
/// </summary>
public interface IContentConsumer
{
    /// <summary>A stable name: the durable position is stored under it.</summary>
    string Name { get; }

    ConsumerStage Stage { get; }

    /// <summary>A durable consumer the save waits for (briefly), so that what the editor sees next is in step: search.</summary>
    bool InStepWithSaves => false;

    /// <summary>For a consumer <see cref="InStepWithSaves"/>: whether the save that committed <paramref name="change"/> waits for it (else it is delivered in the background, like any other).</summary>
    bool InStepWith(ContentEventRecord change) => InStepWithSaves;

    Task HandleAsync(ContentEventRecord change, CancellationToken ct);
}

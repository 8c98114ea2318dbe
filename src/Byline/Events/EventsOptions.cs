namespace Byline.Events;

/// <summary>Settings of the outbox and its dispatcher (<c>Byline:Events</c>).</summary>
public sealed class EventsOptions
{
    public const string Section = "Byline:Events";

    /// <summary>How long delivered events are kept (the changes feed and late consumers read them).</summary>
    public double RetentionDays { get; set; } = 7;

    /// <summary>Attempts per event before a durable consumer gives up on it (dead letter) and moves on.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The first retry waits this long; each further one twice as long, up to <see cref="MaxRetryDelaySeconds"/>.</summary>
    public double RetryDelaySeconds { get; set; } = 0.5;

    public double MaxRetryDelaySeconds { get; set; } = 60;

    /// <summary>How often a node looks for events committed elsewhere (another node, the command line).</summary>
    public double PollSeconds { get; set; } = 1;

    /// <summary>Events read per round trip.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How long a node holds a durable consumer without renewing; a dead node's consumers move after it.</summary>
    public double LeaseSeconds { get; set; } = 30;

    /// <summary>Durable delivery paused (maintenance, or a test of what a crash leaves behind). Local caches are still evicted.</summary>
    public bool PauseDurable { get; set; }

    /// <summary>
    /// How long a durable consumer's position may be ahead of its stored row before it is written back
    /// (at most one write per consumer in that time, none on the save's path). After a crash the events
    /// of that last stretch are delivered again; 0 writes after every round.
    /// </summary>
    public double PositionSaveSeconds { get; set; } = 1;

    /// <summary>How long a save waits for a durable consumer that keeps in step with saves (search) before it returns anyway.</summary>
    public double InStepWaitSeconds { get; set; } = 5;
}

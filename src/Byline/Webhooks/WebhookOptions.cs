namespace Byline.Webhooks;

/// <summary>Settings under <c>Byline:Webhooks</c> (docs/webhooks.md).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Byline:Webhooks";

    /// <summary>
    /// Host names (or literal addresses) an admin allows although they resolve to loopback, link-local or
    /// private networks — an internal receiver on purpose. Everything else must be a public address.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; set; } = [];

    /// <summary>One HTTP attempt, connection included; a target that hangs fails the attempt, not the sender.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before the first retry; each later wait is <see cref="RetryFactor"/> times longer, up to <see cref="MaxRetryDelay"/>, with ±20 % jitter.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public double RetryFactor { get; set; } = 4;

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Attempts per delivery. With the defaults the last one is about 2.7 days after the first (docs/webhooks.md).</summary>
    public int MaxAttempts { get; set; } = 13;

    /// <summary>
    /// Failed attempts in a row (no success between) after which a subscription is switched off and admins
    /// see a notice. The default equals a whole retry schedule's worth: one delivery that failed for three days.
    /// </summary>
    public int DisableAfterFailures { get; set; } = 13;

    /// <summary>How long the old secret keeps signing after a rotation.</summary>
    public TimeSpan SecretOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Requests in flight at once, over all subscriptions.</summary>
    public int MaxConcurrency { get; set; } = 32;

    /// <summary>Requests in flight at once to one subscription: a slow target takes at most this many slots.</summary>
    public int MaxConcurrencyPerSubscription { get; set; } = 2;

    /// <summary>How often the sender looks for due deliveries when nothing woke it (retries, other nodes' events).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>This node sends nothing (deliveries still queue, and other nodes send them): a node kept for the site alone, or maintenance.</summary>
    public bool PauseSending { get; set; }

    /// <summary>How long a node holds a delivery it is sending before another node may take it (longer than <see cref="Timeout"/>).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);
}

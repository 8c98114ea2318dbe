namespace Byline.Newsletters;

/// <summary>Settings under <c>Byline:Newsletters</c> (docs/newsletters.md).</summary>
public sealed class NewsletterOptions
{
    public const string Section = "Byline:Newsletters";

    /// <summary>The SMTP server mail goes through, <c>host:port</c>; empty means no mail can be sent (the pages say so).</summary>
    public string SmtpServer { get; set; } = "";

    public string? SmtpUser { get; set; }

    public string? SmtpPassword { get; set; }

    /// <summary>STARTTLS when the server offers it (Auto), always (Required) or never (None, a local relay).</summary>
    public string SmtpSecurity { get; set; } = "Auto";

    /// <summary>The envelope sender (Return-Path) of every newsletter mail: where bounces go.</summary>
    public string BounceAddress { get; set; } = "";

    /// <summary>From address of confirmation mails.</summary>
    public string FromAddress { get; set; } = "newsletters@localhost";

    /// <summary>Messages per second one sending node hands to the SMTP server at most.</summary>
    public double MessagesPerSecond { get; set; } = 20;

    /// <summary>How long a confirmation link works.</summary>
    public TimeSpan ConfirmationLifetime { get; set; } = TimeSpan.FromHours(48);

    /// <summary>Subscribe form posts one client address may make per window (the rest get a 429 and no mail).</summary>
    public int SubscribePostsPerWindow { get; set; } = 5;

    public TimeSpan SubscribeWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A pending address gets at most one confirmation mail per this span, however often it is typed in.</summary>
    public TimeSpan ConfirmationResendAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a node looks for issues to send and scheduled lists due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a node holds an issue it sends before another node may take it over; renewed while it sends.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Wait before a recipient the server refused for now (4xx, a dropped connection) is tried again; doubles per attempt.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts of one recipient.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    public int MaxAttempts { get; set; } = 8;

    /// <summary>One SMTP connection, command or message; a server that hangs fails the attempt, not the sender.</summary>
    public TimeSpan SmtpTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Optional DKIM signing: the PEM private key file, the signing domain (d=) and selector (s=).</summary>
    public string? DkimKeyPath { get; set; }

    public string? DkimDomain { get; set; }

    public string? DkimSelector { get; set; }

    /// <summary>
    /// A Maildir folder (with <c>new/</c> and <c>cur/</c>) the bounce address's mail is delivered to; one node at a time
    /// (a lease) reads new reports from it and moves each one it has read to <c>cur/</c>. Empty: no mailbox is read.
    /// </summary>
    public string? BounceMaildir { get; set; }

    /// <summary>How often the bounce mailbox is read.</summary>
    public TimeSpan BouncePollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The shared secret of <c>POST /api/v1/newsletters/bounces</c> (a provider's webhook or a mail server's pipe):
    /// <c>Authorization: Bearer</c> the secret, or an HMAC-SHA256 signature. Empty: the endpoint answers 404.
    /// </summary>
    public string? BounceWebhookSecret { get; set; }

    /// <summary>The largest report (a DSN or ARF message) the webhook or the mailbox reader takes.</summary>
    public long MaxBounceReportBytes { get; set; } = 1024 * 1024;

    /// <summary>The largest subscriber CSV an admin may upload.</summary>
    public long MaxImportBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>This node sends nothing (other nodes do).</summary>
    public bool PauseSending { get; set; }
}

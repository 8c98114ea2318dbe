using System.Globalization;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Byline.Newsletters;

/// <summary>What happened to one message at the SMTP server.</summary>
public enum SmtpOutcome
{
    /// <summary>The server answered 250 to the message: it is the server's now.</summary>
    Accepted,
    /// <summary>The server refused for now (4xx) or the connection failed before it took the message: try again later.</summary>
    TryLater,
    /// <summary>The server refused the recipient for good (5xx).</summary>
    Rejected,
}

public sealed record SmtpResult(SmtpOutcome Outcome, string? Error);

/// <summary>
/// One SMTP connection through MailKit to the configured server (any provider: host:port, STARTTLS, optional login).
/// Kept open across messages by the sender; reconnects after a failure. The envelope sender is the bounce address.
/// </summary>
public sealed class NewsletterSmtp(IOptionsMonitor<NewsletterOptions> options) : IAsyncDisposable
{
    private SmtpClient? _client;

    public static bool IsConfigured(NewsletterOptions o) => !string.IsNullOrWhiteSpace(o?.SmtpServer);

    public async Task<SmtpResult> SendAsync(MimeMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var o = options.CurrentValue;
        if (!IsConfigured(o))
        {
            return new SmtpResult(SmtpOutcome.TryLater, "No SMTP server is configured (Byline:Newsletters:SmtpServer).");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(o.SmtpTimeout);
        try
        {
            var client = await ConnectAsync(o, timeout.Token);
            var sender = string.IsNullOrEmpty(o.BounceAddress) ? message.From.Mailboxes.First() : MailboxAddress.Parse(o.BounceAddress);
            await client.SendAsync(message, sender, message.To.Mailboxes, timeout.Token);
            return new SmtpResult(SmtpOutcome.Accepted, null);
        }
        catch (SmtpCommandException e)
        {
            var code = (int)e.StatusCode;
            var text = Cut(string.Create(CultureInfo.InvariantCulture, $"{code} {e.Message}"));
            // A recipient refused with 5xx is refused for good; everything else (4xx, the sender refused) is tried again.
            if (e.ErrorCode == SmtpErrorCode.RecipientNotAccepted && code >= 500)
            {
                return new SmtpResult(SmtpOutcome.Rejected, text);
            }
            await DropAsync();
            return new SmtpResult(SmtpOutcome.TryLater, text);
        }
        catch (Exception e) when (e is SmtpProtocolException or IOException or System.Net.Sockets.SocketException or MailKit.ServiceNotConnectedException
            or AuthenticationException or SslHandshakeException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            await DropAsync();
            return new SmtpResult(SmtpOutcome.TryLater, Cut(e is OperationCanceledException ? "the SMTP server did not answer in time" : e.Message));
        }
    }

    private async Task<SmtpClient> ConnectAsync(NewsletterOptions o, CancellationToken ct)
    {
        if (_client is { IsConnected: true })
        {
            return _client;
        }
        await DropAsync();
        var (host, port) = Endpoint(o.SmtpServer);
        var client = new SmtpClient { Timeout = (int)Math.Min(int.MaxValue, o.SmtpTimeout.TotalMilliseconds) };
        try
        {
            var security = o.SmtpSecurity.ToUpperInvariant() switch
            {
                "NONE" => SecureSocketOptions.None,
                "REQUIRED" => SecureSocketOptions.StartTls,
                "TLS" => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.StartTlsWhenAvailable,
            };
            await client.ConnectAsync(host, port, security, ct);
            if (!string.IsNullOrEmpty(o.SmtpUser))
            {
                await client.AuthenticateAsync(o.SmtpUser, o.SmtpPassword ?? "", ct);
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }
        _client = client;
        return client;
    }

    public static (string Host, int Port) Endpoint(string server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var colon = server.LastIndexOf(':');
        return colon > 0 && int.TryParse(server[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? (server[..colon], port)
            : (server, 25);
    }

    private async Task DropAsync()
    {
        var client = _client;
        _client = null;
        if (client is null)
        {
            return;
        }
        try
        {
            if (client.IsConnected)
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.DisconnectAsync(true, quick.Token);
            }
        }
        catch (Exception e) when (e is IOException or SmtpProtocolException or SmtpCommandException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            // Already gone: nothing to say goodbye to.
        }
        finally
        {
            client.Dispose();
        }
    }

    public ValueTask DisposeAsync() => new(DropAsync());

    private static string Cut(string text) => text.Length <= 1000 ? text : text[..1000];
}

using Byline.Outbound;
using Microsoft.Extensions.Options;

namespace Byline.Webhooks;

/// <summary>
/// The shared <see cref="PrivateAddressGuard"/> with the webhooks' own allowance: hosts an admin allowed in
/// <c>Byline:Webhooks:AllowedHosts</c> (an internal receiver on purpose) may be private; nothing else may.
/// </summary>
public sealed class OutboundAddressGuard(IOptionsMonitor<WebhookOptions> options)
{
    public bool IsAllowedHost(string host) => PrivateAddressGuard.IsAllowedHost(host, options.CurrentValue.AllowedHosts);

    /// <summary>Checks a target when it is typed; null when it may be used. (Sending checks again, at connect.)</summary>
    public async Task<string?> CheckAsync(Uri target, CancellationToken ct) =>
        await PrivateAddressGuard.CheckAsync(target, options.CurrentValue.AllowedHosts, ct) is { } refused
            ? refused + " Webhooks go to public addresses only (an admin can allow a host in Byline:Webhooks:AllowedHosts)."
            : null;

    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/> of the webhook client.</summary>
    public ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct) =>
        PrivateAddressGuard.ConnectAsync(context, options.CurrentValue.AllowedHosts, ct);
}

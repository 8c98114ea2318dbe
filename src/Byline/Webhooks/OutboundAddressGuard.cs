using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Byline.Webhooks;

/// <summary>
/// The private-address guard for anything Byline fetches or posts to from a URL someone typed
/// (docs/security.md, SSRF): loopback, link-local (cloud metadata at 169.254.169.254), private,
/// carrier-grade NAT, multicast, reserved and documentation ranges are refused unless an admin allowed the
/// host by name in <c>Byline:Webhooks:AllowedHosts</c>. It is checked where the socket connects
/// (<see cref="ConnectAsync"/>), on the address actually dialled, so a name that resolves to a public address
/// when the subscription is saved and to a private one later (DNS rebinding) is still refused.
/// </summary>
public sealed class OutboundAddressGuard(IOptionsMonitor<WebhookOptions> options)
{
    private static readonly IPNetwork[] Refused =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.88.99.0/24"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"),
        IPNetwork.Parse("203.0.113.0/24"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("64:ff9b::/96"), IPNetwork.Parse("100::/64"),
        IPNetwork.Parse("2001:db8::/32"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    /// <summary>True for an address no outbound call may reach without an explicit allowance.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return Refused.Any(n => n.BaseAddress.AddressFamily == address.AddressFamily && n.Contains(address));
    }

    public bool IsAllowedHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = host.Trim('[', ']');
        return options.CurrentValue.AllowedHosts.Any(h => string.Equals(h.Trim().Trim('[', ']'), bare, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Checks a target when it is typed: a literal private address or a name that resolves only to refused
    /// addresses gets an error message; null when it may be used. (Sending checks again, at connect.)
    /// </summary>
    public async Task<string?> CheckAsync(Uri target, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (IsAllowedHost(target.Host))
        {
            return null;
        }
        IPAddress[] addresses;
        if (IPAddress.TryParse(target.Host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(target.DnsSafeHost, ct);
            }
            catch (Exception e) when (e is SocketException or ArgumentException)
            {
                // Unknown names and names the resolver refuses outright (too long, malformed) are the same to the admin: unusable.
                return $"{target.Host} does not resolve; check the address.";
            }
        }
        return addresses.Length == 0 || addresses.Any(IsPrivate)
            ? $"{target.Host} is a loopback, link-local or private address; webhooks go to public addresses only (an admin can allow a host in Byline:Webhooks:AllowedHosts)."
            : null;
    }

    /// <summary>
    /// The <see cref="SocketsHttpHandler.ConnectCallback"/> of the webhook client: resolves the host, refuses
    /// private addresses (unless the host is allowed) and connects to the address it checked.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = context.DnsEndPoint;
        var allowed = IsAllowedHost(endpoint.Host);
        var addresses = IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, ct);
        var usable = allowed ? addresses : [.. addresses.Where(a => !IsPrivate(a))];
        if (usable.Length == 0)
        {
            throw new RefusedAddressException(endpoint.Host);
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(usable, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>A connection the guard refused: the attempt is logged with this message and not retried sooner.</summary>
public sealed class RefusedAddressException(string host)
    : HttpRequestException($"{host} resolves to a loopback, link-local or private address; refused (allow it in Byline:Webhooks:AllowedHosts).");

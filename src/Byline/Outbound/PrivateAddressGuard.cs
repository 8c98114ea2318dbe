using System.Net;
using System.Net.Sockets;

namespace Byline.Outbound;

/// <summary>
/// The one private-address guard for everything Byline fetches from or posts to a URL someone typed or a
/// document named (docs/security.md, SSRF): webhooks, the importer's media, the wire desk's feeds.
/// Loopback, link-local (cloud metadata at 169.254.169.254), private, carrier-grade NAT, multicast, reserved
/// and documentation ranges are refused unless the caller's admin allowed the host by name. It is checked
/// where the socket connects (<see cref="ConnectAsync"/>), on the address actually dialled, so a name that
/// resolves to a public address when it is saved and to a private one later (DNS rebinding), or a redirect
/// to a private address, is still refused.
/// </summary>
public static class PrivateAddressGuard
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

    /// <summary>True when <paramref name="host"/> is one of the names (or literal addresses) an admin allowed.</summary>
    public static bool IsAllowedHost(string host, IEnumerable<string> allowedHosts)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(allowedHosts);
        var bare = host.Trim('[', ']');
        return allowedHosts.Any(h => string.Equals(h.Trim().Trim('[', ']'), bare, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Checks an address when it is typed: null when it may be used, otherwise why not (a literal private
    /// address, or a name that does not resolve or resolves to a refused address). Fetching checks again, at connect.
    /// </summary>
    public static async Task<string?> CheckAsync(Uri target, IEnumerable<string> allowedHosts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (IsAllowedHost(target.Host, allowedHosts))
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
        return addresses.Length == 0 || addresses.Any(IsPrivate) ? $"{target.Host} is a loopback, link-local or private address." : null;
    }

    /// <summary>
    /// A <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host, refuses private addresses (unless
    /// the host is allowed) and connects to the address it checked. Redirects connect through it again.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, IEnumerable<string> allowedHosts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = context.DnsEndPoint;
        var allowed = IsAllowedHost(endpoint.Host, allowedHosts);
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

/// <summary>A connection the guard refused; the message names the host and says it was refused.</summary>
public sealed class RefusedAddressException(string host)
    : HttpRequestException($"refused: {host} resolves to a loopback, link-local or private address (an admin can allow the host).");

using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;

namespace Byline.Search;

/// <summary>
/// How many searches one client may make the site render: a token bucket per address of
/// <see cref="SearchOptions.RenderBurst"/> searches, refilled at <see cref="SearchOptions.RendersPerMinute"/>.
/// Only renders are counted — the page asks after the output cache missed — so readers repeating a
/// popular search cost nothing and are never refused; a client sending a stream of distinct queries is.
/// </summary>
public sealed class SearchRateLimit : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public SearchRateLimit(SearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var perMinute = Math.Max(1, options.RendersPerMinute);
        var burst = Math.Max(1, options.RenderBurst);
        _limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>True when the client may render a search now; otherwise <paramref name="retryAfter"/> says when to come back.</summary>
    public bool TryAcquire(IPAddress? client, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(ClientAddress.Key(client));
        if (lease.IsAcquired)
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : TimeSpan.FromSeconds(1);
        return false;
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>
/// The unit a per-client bound counts: the IPv4 address, or the /64 of an IPv6 address (one
/// subscriber's whole allocation, which an abuser could otherwise rotate through for free).
/// Behind a proxy this is the forwarded address once forwarded headers are configured.
/// </summary>
public static class ClientAddress
{
    public static string Key(IPAddress? address)
    {
        if (address is null)
        {
            return "";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return Convert.ToHexStringLower(bytes[..8]);
    }

    /// <summary>
    /// The same unit as a 64-bit number, without allocating (the view beacon's per-client table):
    /// the IPv4 address, or the first 64 bits of an IPv6 address.
    /// </summary>
    public static ulong Hash(IPAddress? address)
    {
        if (address is null)
        {
            return 0;
        }
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            return 0;
        }
        if (written == 4)
        {
            return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
        }
        // An IPv4-mapped address (::ffff:a.b.c.d) is the IPv4 client.
        if (bytes[..10].IndexOfAnyExcept((byte)0) < 0 && bytes[10] == 0xff && bytes[11] == 0xff)
        {
            return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]);
        }
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes) | (1UL << 63);
    }
}

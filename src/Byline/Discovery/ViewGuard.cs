using System.Net;
using Byline.Search;

namespace Byline.Discovery;

/// <summary>
/// Bounds what one client can add to <i>Most read</i>: one view per client and story per
/// <see cref="DiscoveryOptions.ViewWindowMinutes"/>, and at most <see cref="DiscoveryOptions.ViewsPerClientPerMinute"/>
/// views a minute in all. A client is an IPv4 address or an IPv6 /64 (<see cref="ClientAddress"/>).
/// <para>
/// Both are fixed-size tables of numbers updated with interlocked operations — no lock, no allocation,
/// a constant 4.5 MB however many clients come — because the beacon is the busiest request. A collision
/// between two keys can only make the table forget (a repeat view counted once more), except in the rate
/// table, where clients sharing a slot share a budget: sized so that is rare and costs little.
/// </para>
/// </summary>
public sealed class ViewGuard(TimeProvider clock, DiscoveryOptions options)
{
    private const int SeenBits = 20;
    private const int RateBits = 16;
    private readonly int[] _seen = new int[1 << SeenBits];
    private readonly long[] _rates = new long[1 << RateBits];

    /// <summary>True when this view should be counted; false for a repeat or a client over its rate.</summary>
    public bool Admit(IPAddress? client, int articleId)
    {
        var address = ClientAddress.Hash(client);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var window = now / (60L * Math.Max(1, options.ViewWindowMinutes));
        var h = Mix(address ^ ((ulong)(uint)articleId * 0x9E3779B97F4A7C15UL) ^ ((ulong)window * 0xC2B2AE3D27D4EB4FUL));
        var slot = (int)(h & ((1UL << SeenBits) - 1));
        var tag = (int)(h >> 32) | 1;
        if (Volatile.Read(ref _seen[slot]) == tag)
        {
            return false;
        }
        if (!WithinRate(address, now / 60))
        {
            return false;
        }
        // Two beacons of the same view racing here may both count: harmless, and cheaper than a lock.
        Volatile.Write(ref _seen[slot], tag);
        return true;
    }

    /// <summary>Counts one view against the client's minute: the slot holds (minute, count) in one long.</summary>
    private bool WithinRate(ulong address, long minute)
    {
        var limit = Math.Max(1, options.ViewsPerClientPerMinute);
        ref var slot = ref _rates[(int)(Mix(address) & ((1UL << RateBits) - 1))];
        while (true)
        {
            var current = Volatile.Read(ref slot);
            var (m, n) = (current >> 20, (int)(current & 0xFFFFF));
            var next = m == minute ? n + 1 : 1;
            if (next > limit)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref slot, (minute << 20) | (long)next, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>A 64-bit finaliser (splitmix64): neighbouring addresses and ids land far apart.</summary>
    private static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Byline.Content;
using Byline.Events;
using Byline.Scaling;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using StackExchange.Redis;

namespace Byline.Caching;

/// <summary>What a render knew when it began: checked by the node that takes the page from the shared store.</summary>
/// <param name="Position">The outbox event this node's caches had followed up to.</param>
/// <param name="At">The wall clock (UTC), for the changes each node computes for itself (popular lists).</param>
/// <param name="Chrome">The layout's <see cref="ChromeWatch.Print"/>.</param>
public readonly record struct SharedStamp(long Position, DateTime At, string Chrome);

/// <summary>
/// The second level of the output cache when several nodes share Redis (docs/scaling.md, "Rendered pages
/// shared between nodes"): a page one node rendered is stored in Redis with its bytes, headers, content
/// keys and the outbox position its render started from; a node that misses asks Redis before rendering
/// and takes the page only if nothing it has followed since that position changed one of the page's keys
/// (<see cref="PageHistory"/>) and the layout is the one it shows. A node that starts (a deploy, a restart)
/// serves most pages from there in its first minute instead of rendering each one again.
/// <para>Redis entries are never evicted: they expire with the page's lifetime, and a changed page is
/// refused by every node that knows of the change. Redis away or slow (beyond
/// <see cref="RedisOptions.SharedPagesTimeoutMs"/>): the node renders, as it would without Redis.</para>
/// </summary>
public sealed class SharedPageStore(
    RedisConnection redis,
    PageHistory history,
    ChromeWatch chrome,
    ContentEventDispatcher dispatcher,
    IOptions<RedisOptions> options,
    TimeProvider clock,
    ILogger<SharedPageStore> log)
{
    /// <summary>Pages larger than this are kept on their node only.</summary>
    internal const int MaxSharedBytes = 4 * 1024 * 1024;

    private const int Format = 0x424C5031; // "BLP1"

    private long _written;
    private long _taken;
    private long _refused;

    public bool Enabled { get; } = redis.Enabled && options.Value.SharePages;

    /// <summary>Pages written to Redis by this node.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Pages taken from Redis instead of rendering.</summary>
    public long Taken => Interlocked.Read(ref _taken);

    /// <summary>Pages found in Redis but refused (changed since, another layout, unreadable).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>The stamp of a render starting now; null when pages cannot be shared yet (not started, layout not read).</summary>
    public SharedStamp? Begin()
    {
        if (!Enabled || dispatcher.LocalPosition < 0 || chrome.Print is not { } print)
        {
            return null;
        }
        return new SharedStamp(dispatcher.LocalPosition, clock.GetUtcNow().UtcDateTime, print);
    }

    /// <summary>Stores a page this node rendered and kept, without waiting (a lost write is only a later miss).</summary>
    public void Put(CacheEntry entry, SharedStamp stamp)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Stale || entry.Size > MaxSharedBytes || redis.Multiplexer is not { IsConnected: true } mux)
        {
            return;
        }
        var ttl = TimeSpan.FromSeconds((double)(entry.FreshUntil - clock.GetTimestamp()) / clock.TimestampFrequency);
        if (ttl <= TimeSpan.FromSeconds(1))
        {
            return;
        }
        try
        {
            mux.GetDatabase().StringSet(KeyOf(entry.Key), Write(entry, stamp), ttl, flags: CommandFlags.FireAndForget);
            Interlocked.Increment(ref _written);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            log.LogDebug(e, "Sharing a rendered page through Redis failed; it stays on this node");
        }
    }

    /// <summary>The page another node rendered for <paramref name="key"/>, if it is current here; null otherwise.</summary>
    public async Task<CacheEntry?> TryGetAsync(string key, CancellationToken ct)
    {
        if (!Enabled || redis.Multiplexer is not { IsConnected: true } mux || chrome.Print is not { } print)
        {
            return null;
        }
        RedisValueWithExpiry found;
        try
        {
            found = await mux.GetDatabase().StringGetWithExpiryAsync(KeyOf(key))
                .WaitAsync(TimeSpan.FromMilliseconds(Math.Max(1, options.Value.SharedPagesTimeoutMs)), ct);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            log.LogDebug(e, "The shared page store did not answer in time; rendering instead");
            return null;
        }
        if (found.Value.IsNull || found.Expiry is not { } ttl || ttl <= TimeSpan.Zero)
        {
            return null;
        }
        var read = Read((byte[])found.Value!, clock.GetTimestamp() + (long)(ttl.TotalSeconds * clock.TimestampFrequency));
        if (read is not var (entry, stamp) || !string.Equals(entry.Key, key, StringComparison.Ordinal)
            || (HasKey(entry, CacheTags.Chrome) && !string.Equals(stamp.Chrome, print, StringComparison.Ordinal))
            || !await history.UnchangedSinceAsync(entry.HardTags.Concat(entry.SoftTags), stamp.Position, stamp.At, dispatcher.LocalPosition, ct))
        {
            Interlocked.Increment(ref _refused);
            return null;
        }
        Interlocked.Increment(ref _taken);
        return entry;
    }

    private static bool HasKey(CacheEntry entry, string key) =>
        Array.IndexOf(entry.HardTags, key) >= 0 || Array.IndexOf(entry.SoftTags, key) >= 0;

    internal RedisKey KeyOf(string requestKey) =>
        redis.Key("page:" + Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(requestKey)).AsSpan(0, 18)));

    internal static byte[] Write(CacheEntry entry, SharedStamp stamp)
    {
        using var buffer = new MemoryStream(entry.Identity.Length + entry.Gzip.Length + entry.Brotli.Length + 1024);
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Format);
            w.Write(entry.Key);
            w.Write(stamp.Position);
            w.Write(stamp.At.Ticks);
            w.Write(stamp.Chrome);
            w.Write(entry.EtagBase);
            w.Write(entry.Headers.Length);
            foreach (var (name, values) in entry.Headers)
            {
                w.Write(name);
                w.Write(values.Count);
                foreach (var value in values)
                {
                    w.Write(value ?? "");
                }
            }
            WriteList(w, entry.HardTags);
            WriteList(w, entry.SoftTags);
            foreach (var body in (byte[][])[entry.Identity, entry.Gzip, entry.Brotli])
            {
                w.Write(body.Length);
                w.Write(body);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>The entry and its stamp; null for anything not written by <see cref="Write"/> (another version, a truncated value).</summary>
    internal static (CacheEntry Entry, SharedStamp Stamp)? Read(byte[] data, long freshUntil)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(data, writable: false), Encoding.UTF8);
            if (r.ReadInt32() != Format)
            {
                return null;
            }
            var key = r.ReadString();
            var stamp = new SharedStamp(r.ReadInt64(), new DateTime(r.ReadInt64(), DateTimeKind.Utc), r.ReadString());
            var etag = r.ReadString();
            var headers = new KeyValuePair<string, StringValues>[Count(r, 256)];
            for (var i = 0; i < headers.Length; i++)
            {
                var name = r.ReadString();
                var values = new string[Count(r, 64)];
                for (var j = 0; j < values.Length; j++)
                {
                    values[j] = r.ReadString();
                }
                headers[i] = new(name, new StringValues(values));
            }
            var hard = ReadList(r);
            var soft = ReadList(r);
            var bodies = new byte[3][];
            for (var i = 0; i < 3; i++)
            {
                var length = Count(r, MaxSharedBytes);
                bodies[i] = r.ReadBytes(length);
                if (bodies[i].Length != length)
                {
                    return null;
                }
            }
            return (new CacheEntry(key, bodies[0], bodies[1], bodies[2], etag, headers, hard, soft, freshUntil), stamp);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    private static void WriteList(BinaryWriter w, string[] items)
    {
        w.Write(items.Length);
        foreach (var item in items)
        {
            w.Write(item);
        }
    }

    private static string[] ReadList(BinaryReader r)
    {
        var items = new string[Count(r, 100_000)];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = r.ReadString();
        }
        return items;
    }

    private static int Count(BinaryReader r, int max)
    {
        var n = r.ReadInt32();
        return n >= 0 && n <= max ? n : throw new FormatException("A count in a shared page is out of range.");
    }
}

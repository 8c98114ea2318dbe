using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;

namespace Byline.LiveBlogs;

/// <summary>
/// The in-process broadcaster behind <c>/live-updates/{id}</c>. Each live blog has a channel with a
/// sequence number, a short ring of recent event frames (so a reconnecting reader resumes from its
/// <c>Last-Event-ID</c>) and its connected readers. A frame is encoded once and the same bytes go to
/// every reader. Each reader has a bounded queue: one that cannot keep up is dropped and reconnects
/// with its last id, rather than holding memory for it. With several nodes, the events are relayed through
/// Redis (<c>Scaling/RedisLiveRelay.cs</c>, docs/scaling.md) and each node sends them to its own readers.
/// </summary>
public sealed class LiveBlogFeed : IDisposable
{
    /// <summary>Recent frames kept per live blog for resuming readers.</summary>
    public const int RingSize = 128;

    /// <summary>Frames queued for one reader before it counts as too slow and is dropped.</summary>
    public const int QueuePerReader = 64;

    public static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(15);

    /// <summary>A comment line: keeps proxies and idle timers from closing a quiet stream.</summary>
    private static readonly byte[] Heartbeat = ":\n\n"u8.ToArray();

    private readonly ConcurrentDictionary<int, Blog> _blogs = new();
    private readonly List<Action<int, string>> _relays = [];
    private readonly Timer _heartbeat;

    public LiveBlogFeed()
    {
        // Ids from another process (a restart, another node) must not be mistaken for ours.
        Epoch = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        _heartbeat = new Timer(_ => Beat(), null, HeartbeatEvery, HeartbeatEvery);
    }

    public string Epoch { get; }

    /// <summary>Readers connected now, over all live blogs.</summary>
    public int Connected => _blogs.Values.Sum(b => b.Count);

    /// <summary>The id of the last event of a live blog: a page embeds it so its script resumes from there.</summary>
    public string CursorFor(int articleId)
    {
        var blog = _blogs.GetOrAdd(articleId, _ => new Blog());
        lock (blog)
        {
            return Id(blog.Seq);
        }
    }

    /// <summary>Sends one event (a JSON object) to every reader of a live blog, here and on the other nodes.</summary>
    public void Publish(int articleId, string json)
    {
        PublishHere(articleId, json);
        foreach (var relay in _relays)
        {
            relay(articleId, json);
        }
    }

    /// <summary>Passes every event published here on to the other nodes (registered at boot).</summary>
    public void AddRelay(Action<int, string> relay)
    {
        ArgumentNullException.ThrowIfNull(relay);
        _relays.Add(relay);
    }

    /// <summary>Sends one event to this process's readers of a live blog and keeps it for resuming ones.</summary>
    public void PublishHere(int articleId, string json)
    {
        var blog = _blogs.GetOrAdd(articleId, _ => new Blog());
        Reader[] readers;
        lock (blog)
        {
            blog.Seq++;
            var frame = Encoding.UTF8.GetBytes("id: " + Id(blog.Seq) + "\ndata: " + json + "\n\n");
            blog.Ring[blog.Seq % RingSize] = new Frame(blog.Seq, frame);
            readers = blog.Snapshot();
            foreach (var r in readers)
            {
                if (!r.Queue.Writer.TryWrite(frame))
                {
                    // Too slow: end its stream; the browser reconnects with its last id and replays from the ring.
                    r.Queue.Writer.TryComplete();
                }
            }
        }
    }

    /// <summary>
    /// Registers a reader. With a cursor this process issued and the ring still holds, the frames after
    /// it are queued at once; otherwise <see cref="Subscription.NeedsReset"/> asks the caller to send the
    /// current state first. Registration and the backlog happen under one lock, so no event falls between.
    /// </summary>
    public Subscription Subscribe(int articleId, string? cursor)
    {
        var blog = _blogs.GetOrAdd(articleId, _ => new Blog());
        var reader = new Reader(Channel.CreateBounded<byte[]>(new BoundedChannelOptions(QueuePerReader)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        }));
        lock (blog)
        {
            var needsReset = true;
            if (TryParse(cursor, out var seen) && seen <= blog.Seq && seen >= blog.Seq - RingSize)
            {
                needsReset = false;
                for (var s = seen + 1; s <= blog.Seq; s++)
                {
                    if (blog.Ring[s % RingSize] is { } f && f.Seq == s)
                    {
                        reader.Queue.Writer.TryWrite(f.Bytes);
                    }
                    else
                    {
                        needsReset = true;
                        break;
                    }
                }
                if (needsReset)
                {
                    while (reader.Queue.Reader.TryRead(out _))
                    {
                    }
                }
            }
            blog.Add(reader);
            return new Subscription(this, articleId, reader, needsReset, blog.Seq, Id(blog.Seq));
        }
    }

    /// <summary>
    /// The state frame for readers joining at <paramref name="seq"/>, built once and shared: after a
    /// restart every reader of a blog reconnects at once and each would otherwise render the same page of updates.
    /// </summary>
    public async Task<byte[]> ResetFrameAsync(int articleId, long seq, Func<Task<byte[]>> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        var blog = _blogs.GetOrAdd(articleId, _ => new Blog());
        Task<byte[]> task;
        lock (blog)
        {
            if (blog.Reset is not { } cached || cached.Seq != seq)
            {
                cached = new ResetEntry(seq, build());
                blog.Reset = cached;
            }
            task = cached.Frame;
        }
        try
        {
            return await task;
        }
        catch
        {
            lock (blog)
            {
                if (blog.Reset?.Frame == task)
                {
                    blog.Reset = null;
                }
            }
            throw;
        }
    }

    private void Leave(int articleId, Reader reader)
    {
        if (_blogs.TryGetValue(articleId, out var blog))
        {
            lock (blog)
            {
                blog.Remove(reader);
            }
        }
    }

    private void Beat()
    {
        foreach (var blog in _blogs.Values)
        {
            Reader[] readers;
            lock (blog)
            {
                readers = blog.Snapshot();
            }
            foreach (var r in readers)
            {
                r.Queue.Writer.TryWrite(Heartbeat);
            }
        }
    }

    private string Id(long seq) => Epoch + "-" + seq.ToString(CultureInfo.InvariantCulture);

    private bool TryParse(string? cursor, out long seq)
    {
        seq = 0;
        if (string.IsNullOrEmpty(cursor) || cursor.Length <= Epoch.Length + 1 || !cursor.StartsWith(Epoch, StringComparison.Ordinal) || cursor[Epoch.Length] != '-')
        {
            return false;
        }
        return long.TryParse(cursor.AsSpan(Epoch.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out seq);
    }

    public void Dispose() => _heartbeat.Dispose();

    private sealed record Frame(long Seq, byte[] Bytes);

    private sealed record ResetEntry(long Seq, Task<byte[]> Frame);

    internal sealed record Reader(Channel<byte[]> Queue);

    private sealed class Blog
    {
        public long Seq;
        public readonly Frame?[] Ring = new Frame?[RingSize];
        public ResetEntry? Reset;
        private readonly HashSet<Reader> _readers = [];
        private Reader[]? _snapshot;

        public int Count => _readers.Count;

        public void Add(Reader r)
        {
            _readers.Add(r);
            _snapshot = null;
        }

        public void Remove(Reader r)
        {
            _readers.Remove(r);
            _snapshot = null;
        }

        /// <summary>Cached between joins and leaves, so a publish to thousands of readers allocates nothing per reader.</summary>
        public Reader[] Snapshot() => _snapshot ??= [.. _readers];
    }

    /// <summary>One connected reader: its queue of frames, and whether it must first be sent the whole state.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly LiveBlogFeed _feed;
        private readonly int _articleId;
        private readonly Reader _reader;

        internal Subscription(LiveBlogFeed feed, int articleId, Reader reader, bool needsReset, long seqAtJoin, string cursorAtJoin)
        {
            SeqAtJoin = seqAtJoin;
            _feed = feed;
            _articleId = articleId;
            _reader = reader;
            NeedsReset = needsReset;
            CursorAtJoin = cursorAtJoin;
        }

        public bool NeedsReset { get; }

        public long SeqAtJoin { get; }

        /// <summary>The event id current when the reader joined: a reset frame carries it, so a later reconnect resumes after it.</summary>
        public string CursorAtJoin { get; }

        public ChannelReader<byte[]> Frames => _reader.Queue.Reader;

        public void Dispose() => _feed.Leave(_articleId, _reader);
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Byline.LiveBlogs.Relay;

/// <summary>
/// The fan-out behind <c>byline live-relay</c>: a small process that holds the readers' live-blog streams
/// so the site process does not have to. For each live blog with readers here it keeps ONE stream open to
/// the site's <c>/live-updates/{id}</c>, remembers the last full state the site sent and every event since,
/// and hands each reader what it needs: the events after its <c>Last-Event-ID</c>/<c>?cursor=</c> (the
/// site's own ids pass through unchanged, so a reader can move between the relay and the site), or the
/// state and what followed. When the site restarts, its new state goes to every reader as the reset it is.
/// </summary>
public sealed class LiveRelay : IDisposable
{
    /// <summary>Events kept after the last state by default; beyond this the relay asks the site for a fresh state.</summary>
    public const int DefaultMaxEventsSinceState = 512;

    /// <summary>Frames queued for one reader beyond what it joined with, before it counts as too slow.</summary>
    public const int QueuePerReader = 64;

    private static readonly byte[] Heartbeat = ":\n\n"u8.ToArray();

    private readonly HttpClient _site;
    private readonly ILogger<LiveRelay> _log;
    private readonly ConcurrentDictionary<int, RelayedBlog> _blogs = new();
    private readonly Timer _heartbeat;

    public LiveRelay(HttpClient site, ILogger<LiveRelay> log)
    {
        _site = site;
        _log = log;
        _heartbeat = new Timer(_ => Beat(), null, LiveBlogFeed.HeartbeatEvery, LiveBlogFeed.HeartbeatEvery);
    }

    /// <summary>Streams open to the site: one per live blog with readers here.</summary>
    public int Upstreams => _blogs.Count;

    /// <summary>Readers connected here, over all live blogs.</summary>
    public int Connected => _blogs.Values.Sum(b => b.Count);

    /// <summary>Events kept after the last state; beyond this the relay reopens the site's stream for a fresh state.</summary>
    public int MaxEventsSinceState { get; init; } = DefaultMaxEventsSinceState;

    /// <summary>How long a joining reader waits for the site's first answer before it is told to retry.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Registers a reader of a live blog and waits until the relay knows the blog's state (at once when
    /// another reader already opened it). The result says whether the site knows no such live blog, or
    /// did not answer in time.
    /// </summary>
    public async Task<RelayJoin> JoinAsync(int articleId, string? cursor, CancellationToken ct)
    {
        while (true)
        {
            var blog = _blogs.GetOrAdd(articleId, id => new RelayedBlog(this, id));
            var reader = blog.TryAdd(cursor);
            if (reader is null)
            {
                // It closed as its last reader left; the next GetOrAdd opens a new one.
                _blogs.TryRemove(KeyValuePair.Create(articleId, blog));
                continue;
            }
            var subscription = new RelaySubscription(blog, reader);
            try
            {
                var found = await blog.Ready.WaitAsync(JoinTimeout, ct);
                if (found)
                {
                    return new RelayJoin(RelayOutcome.Joined, subscription);
                }
                subscription.Dispose();
                return new RelayJoin(RelayOutcome.NotFound, null);
            }
            catch (TimeoutException)
            {
                subscription.Dispose();
                return new RelayJoin(RelayOutcome.SiteUnavailable, null);
            }
            catch
            {
                subscription.Dispose();
                throw;
            }
        }
    }

    private void Forget(RelayedBlog blog) => _blogs.TryRemove(KeyValuePair.Create(blog.ArticleId, blog));

    private void Beat()
    {
        foreach (var blog in _blogs.Values)
        {
            blog.Broadcast(Heartbeat);
        }
    }

    public void Dispose()
    {
        _heartbeat.Dispose();
        foreach (var blog in _blogs.Values)
        {
            blog.Close();
        }
    }

    internal sealed record Reader(Channel<byte[]> Queue);

    private sealed record Event(string? Id, byte[] Frame);

    /// <summary>One live blog relayed here: its stream from the site, its last state, the events since and its readers.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification =
        "The token sources are only cancelled (no timer, no wait handle), and the site stream's loop may still be reading one when the blog closes.")]
    internal sealed class RelayedBlog
    {
        private readonly LiveRelay _relay;
        private readonly CancellationTokenSource _closing = new();
        private readonly TaskCompletionSource<bool> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly HashSet<Reader> _readers = [];
        private readonly List<Event> _events = [];
        private Event? _state;
        private Reader[]? _snapshot;
        private bool _closed;
        private CancellationTokenSource? _refresh;

        private bool _following;

        // The site stream starts with the first reader, not here: ConcurrentDictionary.GetOrAdd may build
        // an instance it then throws away, and that one must not keep a stream open.
        public RelayedBlog(LiveRelay relay, int articleId)
        {
            _relay = relay;
            ArticleId = articleId;
        }

        public int ArticleId { get; }

        /// <summary>True once the site sent the blog's state; false when the site knows no such live blog.</summary>
        public Task<bool> Ready => _ready.Task;

        public int Count
        {
            get
            {
                lock (_readers)
                {
                    return _readers.Count;
                }
            }
        }

        /// <summary>Adds a reader with what it missed already queued; null when the blog has just closed.</summary>
        public Reader? TryAdd(string? cursor)
        {
            lock (_readers)
            {
                if (_closed)
                {
                    return null;
                }
                var backlog = Backlog(cursor);
                var reader = new Reader(Channel.CreateBounded<byte[]>(new BoundedChannelOptions(QueuePerReader + backlog.Count)
                {
                    SingleReader = true,
                    FullMode = BoundedChannelFullMode.Wait,
                }));
                foreach (var frame in backlog)
                {
                    reader.Queue.Writer.TryWrite(frame);
                }
                _readers.Add(reader);
                _snapshot = null;
                if (!_following)
                {
                    _following = true;
                    _ = Task.Run(() => FollowSiteAsync(_closing.Token));
                }
                return reader;
            }
        }

        /// <summary>Called under the lock: the frames a reader at <paramref name="cursor"/> lacks (none before the state is known: it comes to everyone).</summary>
        private List<byte[]> Backlog(string? cursor)
        {
            if (_state is not { } state)
            {
                return [];
            }
            if (!string.IsNullOrEmpty(cursor))
            {
                if (cursor == state.Id)
                {
                    return [.. _events.Select(e => e.Frame)];
                }
                var at = _events.FindIndex(e => e.Id == cursor);
                if (at >= 0)
                {
                    return [.. _events.Skip(at + 1).Select(e => e.Frame)];
                }
            }
            return [state.Frame, .. _events.Select(e => e.Frame)];
        }

        public void Leave(Reader reader)
        {
            lock (_readers)
            {
                _readers.Remove(reader);
                _snapshot = null;
                if (_readers.Count > 0 || _closed)
                {
                    return;
                }
                _closed = true;
            }
            _relay.Forget(this);
            _closing.Cancel();
        }

        public void Close()
        {
            lock (_readers)
            {
                _closed = true;
                foreach (var r in _readers)
                {
                    r.Queue.Writer.TryComplete();
                }
            }
            _closing.Cancel();
        }

        public void Broadcast(byte[] frame)
        {
            Reader[] readers;
            lock (_readers)
            {
                readers = _snapshot ??= [.. _readers];
            }
            foreach (var r in readers)
            {
                if (!r.Queue.Writer.TryWrite(frame))
                {
                    // Too slow: end its stream; its browser reconnects with its last id and is replayed.
                    r.Queue.Writer.TryComplete();
                }
            }
        }

        private void OnEvent(string? id, string data)
        {
            var frame = Encoding.UTF8.GetBytes((id is null ? "" : "id: " + id + "\n") + "data: " + data + "\n\n");
            var isState = IsState(data);
            lock (_readers)
            {
                if (isState)
                {
                    _state = new Event(id, frame);
                    _events.Clear();
                }
                else if (_state is null)
                {
                    // The site always sends the state first to a stream opened without a cursor.
                    return;
                }
                else
                {
                    _events.Add(new Event(id, frame));
                    if (_events.Count > _relay.MaxEventsSinceState)
                    {
                        // Joiners would get the state and a long tail; reopening brings a fresh state instead.
                        _refresh?.Cancel();
                    }
                }
                // Under the lock, so a reader joining now gets the frame either in its backlog or here, never twice.
                Broadcast(frame);
            }
            if (isState)
            {
                _ready.TrySetResult(true);
            }
        }

        private static bool IsState(string data)
        {
            var json = new Utf8JsonReader(Encoding.UTF8.GetBytes(data));
            if (!json.Read() || json.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
            {
                if (json.ValueTextEquals("type"u8))
                {
                    return json.Read() && json.TokenType == JsonTokenType.String && json.ValueTextEquals("reset"u8);
                }
                json.Skip();
            }
            return false;
        }

        /// <summary>Keeps one stream from the site open for as long as this blog has readers, reopening it after a failure.</summary>
        private async Task FollowSiteAsync(CancellationToken ct)
        {
            var failures = 0;
            while (!ct.IsCancellationRequested)
            {
                using var refresh = CancellationTokenSource.CreateLinkedTokenSource(ct);
                lock (_readers)
                {
                    _refresh = refresh;
                }
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(LiveBlogExtensions.StreamPath(ArticleId), UriKind.Relative));
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                    using var response = await _relay._site.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, refresh.Token);
                    if (response.StatusCode == HttpStatusCode.NotFound)
                    {
                        NotFound();
                        return;
                    }
                    response.EnsureSuccessStatusCode();
                    failures = 0;
                    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(refresh.Token), Encoding.UTF8);
                    string? id = null;
                    StringBuilder? data = null;
                    while (await reader.ReadLineAsync(refresh.Token) is { } line)
                    {
                        if (line.Length == 0)
                        {
                            if (data is not null)
                            {
                                OnEvent(id, data.ToString());
                            }
                            id = null;
                            data = null;
                        }
                        else if (line.StartsWith("id:", StringComparison.Ordinal))
                        {
                            id = line[3..].TrimStart(' ');
                        }
                        else if (line.StartsWith("data:", StringComparison.Ordinal))
                        {
                            var value = line.AsSpan(5).TrimStart(' ');
                            (data ??= new StringBuilder()).Append(data.Length > 0 ? "\n" : "").Append(value);
                        }
                        // Comment lines (heartbeats) and the retry line are the site's own business.
                    }
                    _relay._log.LogInformation("The site ended the stream of live blog {ArticleId}; reopening it", ArticleId);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (OperationCanceledException) when (refresh.IsCancellationRequested)
                {
                    // Asked for a fresh state: reopen at once.
                    continue;
                }
                catch (Exception e) when (e is HttpRequestException or IOException)
                {
                    failures++;
                    _relay._log.LogWarning("The stream of live blog {ArticleId} from the site failed ({Message}); retrying", ArticleId, e.Message);
                }
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(10_000, 250 * (1 << Math.Min(failures, 6)))), ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        private void NotFound()
        {
            lock (_readers)
            {
                _closed = true;
                foreach (var r in _readers)
                {
                    r.Queue.Writer.TryComplete();
                }
            }
            _relay.Forget(this);
            _ready.TrySetResult(false);
        }
    }
}

public enum RelayOutcome
{
    Joined,
    NotFound,
    SiteUnavailable,
}

public sealed record RelayJoin(RelayOutcome Outcome, RelaySubscription? Subscription);

/// <summary>One reader on the relay: its queue of frames; disposing it leaves the blog (the last one closes the site stream).</summary>
public sealed class RelaySubscription : IDisposable
{
    private readonly LiveRelay.RelayedBlog _blog;
    private readonly LiveRelay.Reader _reader;
    private int _left;

    internal RelaySubscription(LiveRelay.RelayedBlog blog, LiveRelay.Reader reader)
    {
        _blog = blog;
        _reader = reader;
    }

    public ChannelReader<byte[]> Frames => _reader.Queue.Reader;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _left, 1) == 0)
        {
            _blog.Leave(_reader);
        }
    }
}

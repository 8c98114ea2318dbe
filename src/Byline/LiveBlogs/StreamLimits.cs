using System.Net;
using Byline.Hosting;
using Microsoft.Extensions.Options;

namespace Byline.LiveBlogs;

/// <summary>How many live-blog streams the process holds and for how long (<c>Byline:LiveBlogs:Streams</c>).</summary>
public sealed class StreamLimitOptions
{
    public const string Section = "Byline:LiveBlogs:Streams";

    /// <summary>Streams held at once over all clients. Empty: half of the connection cap, so pages always have room.</summary>
    public int? MaxStreams { get; set; }

    /// <summary>Streams held at once for one client address (after <c>Byline:ForwardedHeaders</c>). A browser holds one per open live blog.</summary>
    public int MaxStreamsPerClient { get; set; } = 16;

    /// <summary>
    /// A stream that carried no event (heartbeats do not count) for this long is ended; a reader that is
    /// still there reconnects with its last id and misses nothing, a departed or flooding one frees its slot.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Any stream is ended after this, however busy; the reader resumes the same way.</summary>
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>What a refused reader is told to wait before trying again.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Admits live-blog streams up to a total and a per-client cap. A stream never ends by itself, so
/// without this a few thousand requests from one address hold as many connections — descriptors and
/// memory — for as long as they like.
/// </summary>
public sealed class StreamGate(IOptions<StreamLimitOptions> options, ConnectionBudget budget)
{
    private readonly Dictionary<string, int> _perClient = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _total;

    public StreamLimitOptions Options => options.Value;

    public int MaxStreams => options.Value.MaxStreams
        ?? (budget.MaxConnections is { } max ? Math.Max(1, max / 2) : int.MaxValue);

    /// <summary>Streams held now.</summary>
    public int Count => Volatile.Read(ref _total);

    /// <summary>A slot for one stream of <paramref name="client"/>, or why there is none.</summary>
    public StreamAdmission TryEnter(IPAddress? client)
    {
        var key = client?.ToString() ?? "";
        lock (_gate)
        {
            if (_total >= MaxStreams)
            {
                return new StreamAdmission(null, StreamRefusal.Full);
            }
            _perClient.TryGetValue(key, out var mine);
            if (mine >= options.Value.MaxStreamsPerClient)
            {
                return new StreamAdmission(null, StreamRefusal.ClientFull);
            }
            _perClient[key] = mine + 1;
            _total++;
        }
        return new StreamAdmission(new Slot(this, key), StreamRefusal.None);
    }

    private void Leave(string key)
    {
        lock (_gate)
        {
            _total--;
            if (_perClient.TryGetValue(key, out var mine))
            {
                if (mine <= 1)
                {
                    _perClient.Remove(key);
                }
                else
                {
                    _perClient[key] = mine - 1;
                }
            }
        }
    }

    /// <summary>A refused stream's answer: 503 when the server is full, 429 when this client holds its share.</summary>
    public IResult Refuse(HttpContext http, StreamRefusal why)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(options.Value.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return why == StreamRefusal.ClientFull
            ? Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "This address holds as many live streams as it may.",
                extensions: new Dictionary<string, object?> { ["code"] = "live-streams-per-client" })
            : Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The server holds as many live streams as it may; try again shortly.",
                extensions: new Dictionary<string, object?> { ["code"] = "live-streams-full" });
    }

    private sealed class Slot(StreamGate gate, string key) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                gate.Leave(key);
            }
        }
    }
}

public enum StreamRefusal
{
    None,
    Full,
    ClientFull,
}

/// <param name="Slot">Disposed when the stream ends; null when refused.</param>
public readonly record struct StreamAdmission(IDisposable? Slot, StreamRefusal Refusal);

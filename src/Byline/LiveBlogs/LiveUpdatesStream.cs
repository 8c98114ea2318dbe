using System.Text;
using System.Threading.Channels;
using Byline.Content;
using Microsoft.Net.Http.Headers;

namespace Byline.LiveBlogs;

/// <summary>
/// Serves one reader's stream of a live blog as server-sent events. The reader says where it is with
/// <c>Last-Event-ID</c> (a reconnect) or <c>?cursor=</c> (the id the page was rendered with, which
/// may come from a cached copy): it gets what it missed, then every change as it happens, with a
/// comment line as heartbeat. Never cached: the response is <c>no-store</c> and the output cache bypasses the path.
/// </summary>
public static class LiveUpdatesStream
{
    /// <summary>How long a browser waits before reconnecting after the stream drops.</summary>
    internal static readonly byte[] Retry = "retry: 2000\n\n"u8.ToArray();

    /// <remarks>
    /// The database is used in short scopes of its own rather than the request's: a stream lives for
    /// hours, and a DbContext held by each of thousands of them would be most of the server's memory.
    /// </remarks>
    public static async Task<IResult> ServeAsync(int id, HttpContext http, LiveBlogFeed feed, IServiceScopeFactory scopes, SiteSettingsStore settings,
        StreamGate gate, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(gate);
        // Before the database is asked anything: a refused stream should cost as little as possible.
        var admission = gate.TryEnter(http.Connection.RemoteIpAddress);
        if (admission.Slot is not { } slot)
        {
            return gate.Refuse(http, admission.Refusal);
        }
        using var held = slot;
        bool known;
        await using (var scope = scopes.CreateAsyncScope())
        {
            known = await scope.ServiceProvider.GetRequiredService<LiveBlogReader>().IsPublishedLiveBlogAsync(id, ct);
        }
        if (!known)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "There is no live blog with this id.",
                extensions: new Dictionary<string, object?> { ["code"] = "live-blog-not-found" });
        }
        var cursor = http.Request.Headers["Last-Event-ID"].ToString();
        if (string.IsNullOrEmpty(cursor))
        {
            cursor = http.Request.Query["cursor"].ToString();
        }
        var response = http.Response;
        StartEventStream(response);
        using var subscription = feed.Subscribe(id, cursor);
        try
        {
            await response.Body.WriteAsync(Retry, ct);
            if (subscription.NeedsReset)
            {
                var frame = await feed.ResetFrameAsync(id, subscription.SeqAtJoin, async () =>
                {
                    // Not the request's token: the frame is shared with readers joining at the same point.
                    await using var scope = scopes.CreateAsyncScope();
                    var rows = await scope.ServiceProvider.GetRequiredService<LiveBlogReader>().CurrentAsync(id, CancellationToken.None);
                    return Encoding.UTF8.GetBytes("id: " + subscription.CursorAtJoin + "\ndata: " + LiveBlogMarkup.ResetEvent(rows, settings.Dateline) + "\n\n");
                });
                await response.Body.WriteAsync(frame, ct);
            }
            await PumpAsync(response, subscription.Frames, ct, new StreamTimeouts(gate.Options.IdleTimeout, gate.Options.MaxLifetime, time));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The reader left.
        }
        return Results.Empty;
    }

    /// <summary>The headers of an event stream (the site's and the live relay's).</summary>
    internal static void StartEventStream(HttpResponse response)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        // Proxies that buffer (nginx) pass events through at once with this.
        response.Headers["X-Accel-Buffering"] = "no";
        response.Headers[HeaderNames.Connection] = "keep-alive";
    }

    /// <summary>
    /// Flushes what is written so far, then sends a reader's queued frames until its queue is completed,
    /// or, with <paramref name="timeouts"/>, until the stream has been idle or open too long: the
    /// stream then ends normally and the browser reconnects with its last id.
    /// </summary>
    internal static async Task PumpAsync(HttpResponse response, ChannelReader<byte[]> frames, CancellationToken ct, StreamTimeouts? timeouts = null)
    {
        var time = timeouts?.Time ?? TimeProvider.System;
        using var idle = new CancellationTokenSource(timeouts?.Idle ?? Timeout.InfiniteTimeSpan, time);
        using var lifetime = new CancellationTokenSource(timeouts?.MaxLifetime ?? Timeout.InfiniteTimeSpan, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, idle.Token, lifetime.Token);
        var token = linked.Token;
        try
        {
            await response.Body.FlushAsync(token);
            while (await frames.WaitToReadAsync(token))
            {
                // Everything already queued goes out in one flush.
                while (frames.TryRead(out var bytes))
                {
                    // A comment line (":") is a heartbeat: it keeps proxies open but does not make a stream busy.
                    if (timeouts is { } t && (bytes.Length == 0 || bytes[0] != (byte)':'))
                    {
                        idle.CancelAfter(t.Idle);
                    }
                    await response.Body.WriteAsync(bytes, token);
                }
                await response.Body.FlushAsync(token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && (idle.IsCancellationRequested || lifetime.IsCancellationRequested))
        {
            // Idle or old: end this stream; a reader still there reconnects after the retry interval.
        }
    }
}

/// <summary>When a stream is ended although its reader is still connected.</summary>
internal sealed record StreamTimeouts(TimeSpan Idle, TimeSpan MaxLifetime, TimeProvider Time);

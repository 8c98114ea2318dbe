namespace Byline.LiveBlogs.Relay;

/// <summary>
/// The web host of <c>byline live-relay</c>: Kestrel with two routes, <c>GET /live-updates/{id}</c> (the
/// same stream the site serves, from <see cref="LiveRelay"/>) and <c>/healthz</c>. Nothing else is loaded —
/// no Razor, no database, no identity — which is the point: holding thousands of idle streams should cost
/// the streams, not a copy of the whole site.
/// </summary>
public static class LiveRelayHost
{
    /// <param name="site">The site's base address (its <c>/live-updates/</c> is read from there).</param>
    /// <param name="urls">Where the relay listens (Kestrel URLs).</param>
    /// <param name="handler">The connection handler for the site (tests); null for a default one.</param>
    /// <param name="maxEventsSinceState">How many events the relay keeps after a state before it asks for a fresh one.</param>
    public static WebApplication Build(Uri site, IReadOnlyList<string> urls, HttpMessageHandler? handler = null,
        int maxEventsSinceState = LiveRelay.DefaultMaxEventsSinceState)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(urls);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls([.. urls]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(sp => new LiveRelay(
            new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) }, disposeHandler: handler is null)
            {
                BaseAddress = site,
                // A stream has no end; the relay cancels it itself when its last reader leaves.
                Timeout = Timeout.InfiniteTimeSpan,
            },
            sp.GetRequiredService<ILogger<LiveRelay>>())
        {
            MaxEventsSinceState = maxEventsSinceState,
        });
        var app = builder.Build();
        app.MapGet("/healthz", (LiveRelay relay) => Results.Text($"ok: {relay.Connected} readers on {relay.Upstreams} live blogs\n"));
        app.MapGet(LiveBlogExtensions.StreamPrefix + "/{id:int}", ServeAsync);
        return app;
    }

    private static async Task<IResult> ServeAsync(int id, HttpContext http, LiveRelay relay, CancellationToken ct)
    {
        var cursor = http.Request.Headers["Last-Event-ID"].ToString();
        if (string.IsNullOrEmpty(cursor))
        {
            cursor = http.Request.Query["cursor"].ToString();
        }
        var join = await relay.JoinAsync(id, cursor, ct);
        switch (join.Outcome)
        {
            case RelayOutcome.NotFound:
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "There is no live blog with this id.",
                    extensions: new Dictionary<string, object?> { ["code"] = "live-blog-not-found" });
            case RelayOutcome.SiteUnavailable:
                http.Response.Headers.RetryAfter = "5";
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The site did not answer; try again shortly.",
                    extensions: new Dictionary<string, object?> { ["code"] = "live-relay-site-unavailable" });
        }
        using var subscription = join.Subscription!;
        LiveUpdatesStream.StartEventStream(http.Response);
        try
        {
            await http.Response.Body.WriteAsync(LiveUpdatesStream.Retry, ct);
            await LiveUpdatesStream.PumpAsync(http.Response, subscription.Frames, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The reader left.
        }
        return Results.Empty;
    }
}

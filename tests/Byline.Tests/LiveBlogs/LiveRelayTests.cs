using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Byline.Cli;
using Byline.Content;
using Byline.LiveBlogs;
using Byline.LiveBlogs.Relay;
using Byline.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.LiveBlogs;

/// <summary>
/// <c>byline live-relay</c> in front of a real site on both databases: readers on the relay get what
/// readers of the site get, through one stream from the site per live blog.
/// </summary>
public abstract class LiveRelayTests(BylineApp app) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private RunningRelay? _relay;

    private HttpClient Relay => (_relay ?? throw new InvalidOperationException("not started")).Client;

    private LiveRelay Fanout => _relay!.App.Services.GetRequiredService<LiveRelay>();

    private LiveBlogFeed SiteFeed => app.Services.GetRequiredService<LiveBlogFeed>();

    public async Task InitializeAsync() => _relay = await StartRelayAsync(LiveRelay.DefaultMaxEventsSinceState);

    public async Task DisposeAsync()
    {
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }
    }

    /// <summary>A relay on a free loopback port in front of the test site.</summary>
    private async Task<RunningRelay> StartRelayAsync(int maxEventsSinceState)
    {
        var relay = LiveRelayHost.Build(app.Client.BaseAddress!, ["http://127.0.0.1:0"], maxEventsSinceState: maxEventsSinceState);
        await relay.StartAsync();
        var address = relay.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
#pragma warning disable CA2000 // the returned RunningRelay disposes the client
        return new RunningRelay(relay, new HttpClient { BaseAddress = new Uri(address), Timeout = Timeout.InfiniteTimeSpan });
#pragma warning restore CA2000
    }

    private sealed record RunningRelay(WebApplication App, HttpClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    private async Task<Story> LiveBlogAsync() => await LiveBlogKit.CreateAsync(app, await app.Content.SectionAsync());

    [DatabaseFact]
    public async Task Readers_on_the_relay_get_the_state_then_an_update_posted_in_the_newsroom_through_one_site_stream()
    {
        var blog = await LiveBlogAsync();
        var before = await LiveBlogKit.PostAsync(app, blog.Id, "Already there.");
        using var deadline = new CancellationTokenSource(Deadline);
        var readers = new List<EventStream>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                readers.Add(await OpenAsync(blog.Id, null, deadline.Token));
            }
            foreach (var r in readers)
            {
                var state = await r.NextAsync(deadline.Token);
                Assert.Equal("reset", state.Type);
                Assert.Equal([before], state.Items.Select(i => i.Id));
            }
            // Twenty readers here, one stream from the site.
            Assert.Equal(1, Fanout.Upstreams);
            Assert.Equal(20, Fanout.Connected);
            Assert.Equal(1, await SiteReadersAsync(1, deadline.Token));

            var posted = await LiveBlogKit.PostAsync(app, blog.Id, "Through the relay.");
            foreach (var r in readers)
            {
                var message = await r.NextAsync(deadline.Token);
                Assert.Equal(("update", posted), (message.Type, message.Id));
            }
        }
        finally
        {
            readers.ForEach(r => r.Dispose());
        }
        // The last reader gone, the relay lets go of the site's stream.
        Assert.Equal(0, await SiteReadersAsync(0, deadline.Token));
    }

    [DatabaseFact]
    public async Task A_reader_resuming_on_the_relay_gets_only_what_it_missed_and_a_foreign_id_gets_the_state()
    {
        var blog = await LiveBlogAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        using var first = await OpenAsync(blog.Id, null, deadline.Token);
        Assert.Equal("reset", (await first.NextAsync(deadline.Token)).Type);
        var a = await LiveBlogKit.PostAsync(app, blog.Id, "One.");
        var seenA = await first.NextAsync(deadline.Token);
        Assert.Equal(a, seenA.Id);
        var b = await LiveBlogKit.PostAsync(app, blog.Id, "Two.");
        var c = await LiveBlogKit.PostAsync(app, blog.Id, "Three.");
        Assert.Equal(b, (await first.NextAsync(deadline.Token)).Id);
        Assert.Equal(c, (await first.NextAsync(deadline.Token)).Id);

        // Reconnecting with the id of the first update: the two after it, no state.
        using var resumed = await OpenAsync(blog.Id, seenA.EventId, deadline.Token);
        Assert.Equal(("update", b), Key(await resumed.NextAsync(deadline.Token)));
        Assert.Equal(("update", c), Key(await resumed.NextAsync(deadline.Token)));

        // The ids are the site's own: the same reconnect against the site resumes at the same place.
        using (var onSite = await OpenAsync(blog.Id, seenA.EventId, deadline.Token, app.Client))
        {
            Assert.Equal(("update", b), Key(await onSite.NextAsync(deadline.Token)));
        }

        // An id neither issued: the state the relay holds (taken before the first update) and everything since.
        using var foreign = await OpenAsync(blog.Id, "feedface-3", deadline.Token);
        var state = await foreign.NextAsync(deadline.Token);
        Assert.Equal("reset", state.Type);
        Assert.Empty(state.Items);
        Assert.Equal(("update", a), Key(await foreign.NextAsync(deadline.Token)));
        Assert.Equal(("update", b), Key(await foreign.NextAsync(deadline.Token)));
        Assert.Equal(("update", c), Key(await foreign.NextAsync(deadline.Token)));
    }

    [DatabaseFact]
    public async Task After_more_events_than_it_keeps_the_relay_takes_a_fresh_state_from_the_site()
    {
        var blog = await LiveBlogAsync();
        await using var small = await StartRelayAsync(maxEventsSinceState: 2);
        using var deadline = new CancellationTokenSource(Deadline);
        using var reader = await OpenAsync(blog.Id, null, deadline.Token, small.Client);
        Assert.Equal("reset", (await reader.NextAsync(deadline.Token)).Type);

        var posted = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            posted.Add(await LiveBlogKit.PostAsync(app, blog.Id, $"Update {i}."));
        }
        foreach (var id in posted)
        {
            Assert.Equal(("update", id), Key(await reader.NextAsync(deadline.Token)));
        }
        // The third event was one too many to keep: the relay reopened the site's stream, and the fresh
        // state (newest first) reaches the reader as the reset it is.
        var fresh = await reader.NextAsync(deadline.Token);
        Assert.Equal("reset", fresh.Type);
        Assert.Equal(posted.AsEnumerable().Reverse(), fresh.Items.Select(u => u.Id));

        // A reader joining now gets that state alone rather than the old one and a long tail.
        using var late = await OpenAsync(blog.Id, "feedface-1", deadline.Token, small.Client);
        var state = await late.NextAsync(deadline.Token);
        Assert.Equal("reset", state.Type);
        Assert.Equal(posted.AsEnumerable().Reverse(), state.Items.Select(u => u.Id));
    }

    [DatabaseFact]
    public async Task Unknown_and_unpublished_live_blogs_are_a_404_problem_on_the_relay_and_hold_nothing_open()
    {
        var draft = await LiveBlogKit.CreateAsync(app, await app.Content.SectionAsync(), ArticleStatus.Draft);
        foreach (var id in new[] { int.MaxValue, draft.Id })
        {
            using var response = await Relay.GetAsync(new Uri($"/live-updates/{id}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("live-blog-not-found", problem.RootElement.GetProperty("code").GetString());
        }
        using var bad = await Relay.GetAsync(new Uri("/live-updates/abc", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, bad.StatusCode);
        Assert.Equal(0, Fanout.Upstreams);
    }

    [Fact]
    public async Task The_verb_refuses_a_site_address_that_is_not_an_http_url_in_one_line()
    {
        var console = new CliConsole(new StringReader(""), new StringWriter(), new StringWriter(), InteractiveInput: false);
        var code = await BylineCli.RunAsync(["live-relay", "--site", "ftp://example.test"], console);
        Assert.Equal(2, code);
        var error = console.Error.ToString()!.Trim();
        Assert.Contains("--site", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    /// <summary>Polls the site's count of stream readers of all live blogs until it is <paramref name="expected"/> or the deadline passes.</summary>
    private async Task<int> SiteReadersAsync(int expected, CancellationToken ct)
    {
        while (SiteFeed.Connected != expected && !ct.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }
        return SiteFeed.Connected;
    }

    private static (string, long) Key(StreamMessage m) => (m.Type, m.Id);

    private async Task<EventStream> OpenAsync(int articleId, string? lastEventId, CancellationToken ct, HttpClient? via = null)
    {
#pragma warning disable CA2000 // the returned EventStream owns the request, response and reader and disposes them
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/live-updates/{articleId}", UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        var response = await (via ?? Relay).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventStream(request, response, new StreamReader(await response.Content.ReadAsStreamAsync(ct)));
#pragma warning restore CA2000
    }
}

public sealed class LiveRelayOnSqlite(SqliteApp app) : LiveRelayTests(app), IClassFixture<SqliteApp>;

public sealed class LiveRelayOnPostgres(PostgresApp app) : LiveRelayTests(app), IClassFixture<PostgresApp>;

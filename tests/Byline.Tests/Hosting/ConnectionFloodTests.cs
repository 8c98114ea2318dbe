using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Byline.Content;
using Byline.Hosting;
using Byline.LiveBlogs;
using Byline.Tests.LiveBlogs;
using Byline.Tests.Support;

namespace Byline.Tests.Hosting;

/// <summary>
/// Floods a Byline process started with a low descriptor limit (<c>ulimit -n</c>) with more connections
/// than it has descriptors. Before the connection cap such a flood ended the process ("Out of memory.").
/// The fixture app made and migrated the database; the child server runs on it.
/// </summary>
public abstract class ConnectionFloodTests(BylineApp app)
{
    private const int DescriptorLimit = 1024;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static int Cap => ConnectionLimits.Decide(new ConnectionOptions(), DescriptorLimit).MaxConnections!.Value;

    [DatabaseFact]
    public async Task A_flood_of_more_idle_connections_than_descriptors_is_refused_and_the_server_answers_afterwards()
    {
        await using var server = await ChildServer.StartAsync(app, DescriptorLimit);
        var before = server.OpenDescriptors();
        var held = new List<Socket>();
        try
        {
            for (var i = 0; i < DescriptorLimit + 400; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    using var connect = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await socket.ConnectAsync(IPAddress.Loopback, server.Port, connect.Token);
                    held.Add(socket);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    socket.Dispose();
                }
            }
            // The server holds connections up to its cap and closes the rest at once; wait until it holds them.
            var clock = Stopwatch.StartNew();
            while (!server.HasExited && server.OpenDescriptors() < before + Cap * 9 / 10 && clock.Elapsed < Deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
            Assert.False(server.HasExited, $"the server died under the flood:\n{server.Log}");
            Assert.True(server.OpenDescriptors() < DescriptorLimit, $"the server holds {server.OpenDescriptors()} descriptors of {DescriptorLimit}");
        }
        finally
        {
            foreach (var socket in held)
            {
                socket.Dispose();
            }
        }

        Assert.True(await server.AnswersAsync(Deadline), $"the server did not answer after the flood:\n{server.Log}");
        Assert.False(server.HasExited);
    }

    [DatabaseFact]
    public async Task An_event_stream_flood_is_capped_below_the_connections_and_pages_are_served_meanwhile()
    {
        var live = await LiveBlogKit.CreateAsync(app, await app.Content.SectionAsync());
        await using var server = await ChildServer.StartAsync(app, DescriptorLimit, new Dictionary<string, string>
        {
            ["Byline__LiveBlogs__Streams__MaxStreamsPerClient"] = "100000",
        });
        var streams = new List<Socket>();
        var admitted = 0;
        var full = 0;
        try
        {
            var extra = 40;
            for (var i = 0; i < Cap / 2 + extra; i++)
            {
                var (socket, status) = await OpenStreamAsync(server.Port, LiveBlogExtensions.StreamPath(live.Id));
                streams.Add(socket);
                if (status.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
                {
                    admitted++;
                }
                else if (status.StartsWith("HTTP/1.1 503", StringComparison.Ordinal) && status.Contains("live-streams-full", StringComparison.Ordinal))
                {
                    full++;
                }
            }

            Assert.Equal(Cap / 2, admitted);
            Assert.Equal(extra, full);
            // While the streams hold every slot they may have, pages are still served.
            Assert.True(await server.AnswersAsync(Deadline), $"the server did not answer during the stream flood:\n{server.Log}");
        }
        finally
        {
            foreach (var socket in streams)
            {
                socket.Dispose();
            }
        }
        Assert.False(server.HasExited, server.Log);
    }

    [DatabaseFact]
    public async Task Started_from_another_folder_the_app_uses_its_own_folder_for_settings_and_static_files()
    {
        await using var server = await ChildServer.StartAsync(app, DescriptorLimit);
        using var http = new HttpClient { BaseAddress = server.Address };

        using var css = await http.GetAsync(new Uri("/site.css", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.NotEqual(Path.GetFullPath(server.Folder), Path.GetFullPath(ChildServer.AppFolder));
        Assert.Contains("Content root path: " + ChildServer.AppFolder, server.Log, StringComparison.Ordinal);
    }

    /// <summary>Opens a live stream on a raw socket and reads the head of the answer (status line, headers, and a problem body if refused).</summary>
    private static async Task<(Socket Socket, string Head)> OpenStreamAsync(int port, string path)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"), deadline.Token);
        var buffer = new byte[4096];
        var head = new StringBuilder();
        // A 200 stream starts with its retry line; a refusal carries its problem code in the body.
        while (!head.ToString().Contains("retry:", StringComparison.Ordinal) && !head.ToString().Contains("\"code\"", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, deadline.Token);
            if (read == 0)
            {
                break;
            }
            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        return (socket, head.ToString());
    }
}

public sealed class ConnectionFloodTestsOnSqlite(SqliteApp app) : ConnectionFloodTests(app), IClassFixture<SqliteApp>;

public sealed class ConnectionFloodTestsOnPostgres(PostgresApp app) : ConnectionFloodTests(app), IClassFixture<PostgresApp>;

using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Byline.Tests.Wire;

/// <summary>One document a path serves: its bytes, content type, and an ETag made from its content.</summary>
#pragma warning disable CA1819 // The bytes served, as generated.
public sealed record FeedDocument(byte[] Bytes, string ContentType)
{
    public string ETag { get; } = "\"" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Bytes))[..16] + "\"";

    public static FeedDocument Xml(string text) => new(Encoding.UTF8.GetBytes(text), "application/xml");

    public static FeedDocument Json(string text) => new(Encoding.UTF8.GetBytes(text), "application/json");

    public static FeedDocument Html(string text) => new(Encoding.UTF8.GetBytes(text), "text/html");
}
#pragma warning restore CA1819

/// <summary>
/// A feed server on loopback (a small Kestrel app) the tests fill with generated RSS, ninjs and NewsML-G2. It
/// answers <c>If-None-Match</c> with 304 when the document is unchanged and counts both. Paths starting
/// <c>/hang</c> hold the request until the server stops, <c>/redirect-private</c> answers 302 to a private
/// address, anything unset 404.
/// </summary>
public sealed class FeedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, FeedDocument> _documents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _full = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _notModified = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    private FeedServer(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = new("http://127.0.0.1");

    public string Url(string path) => new Uri(Address, path).ToString();

    public void Serve(string path, FeedDocument document) => _documents[path] = document;

    public int FullAnswers(string path) => _full.GetValueOrDefault(path);

    public int NotModifiedAnswers(string path) => _notModified.GetValueOrDefault(path);

    public static async Task<FeedServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FeedServer(app);
        app.Run(server.AnswerAsync);
        await app.StartAsync();
        server.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return server;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path.StartsWith("/hang", StringComparison.Ordinal))
        {
            try
            {
                using var held = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, context.RequestAborted);
                await Task.Delay(Timeout.Infinite, held.Token);
            }
            catch (OperationCanceledException)
            {
            }
            return;
        }
        if (path.StartsWith("/redirect-private", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = "http://169.254.169.254/latest/meta-data/";
            return;
        }
        if (!_documents.TryGetValue(path, out var document))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (context.Request.Headers.IfNoneMatch.ToString() == document.ETag)
        {
            _notModified.AddOrUpdate(path, 1, (_, n) => n + 1);
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        _full.AddOrUpdate(path, 1, (_, n) => n + 1);
        context.Response.ContentType = document.ContentType;
        context.Response.Headers.ETag = document.ETag;
        await context.Response.Body.WriteAsync(document.Bytes, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}

using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Byline.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Support;

/// <summary>
/// The real Byline pipeline, served by Kestrel on a loopback port, on a real database of its own, created for one
/// test class and dropped after it. Subclasses say which database.
/// </summary>
public abstract class BylineApp : IAsyncLifetime, IDisposable
{
    /// <summary>Start-up migrates a fresh database; PostgreSQL on a busy machine can take a while.</summary>
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(120);

    private static readonly HtmlParser Parser = new();

    private Factory? _factory;
    private HttpClient? _client;

    protected BylineApp()
    {
        Directory.CreateDirectory(TempRoot);
        MediaPath = Path.Combine(TempRoot, $"media-{Id:N}");
    }

    public static string TempRoot { get; } = Path.Combine(Path.GetTempPath(), "byline-tests");

    public Guid Id { get; } = Guid.NewGuid();

    public abstract TestDatabase Database { get; }

    public string MediaPath { get; }

    /// <summary>The connection string the app uses (for the command line, or a second node on the same database).</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>A client that does not follow redirects, so tests see the 301s themselves.</summary>
    public HttpClient Client => _client ?? throw new InvalidOperationException("The app has not started.");

    public IServiceProvider Services => (_factory ?? throw new InvalidOperationException("The app has not started.")).Services;

    public TestContent Content => new(this);

    /// <summary>Extra configuration for a fixture of its own (a subclass), e.g. <c>Byline:ForwardedHeaders:Enabled</c>.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <summary>Creates the empty database and returns the connection string the app uses.</summary>
    protected abstract Task<string> CreateDatabaseAsync();

    protected abstract Task DropDatabaseAsync();

    /// <summary>Settings and services of a suite's own fixture, applied after the defaults (an environment, telemetry, a held boot step).</summary>
    protected virtual void ConfigureHost(IWebHostBuilder builder)
    {
    }

    /// <summary>False for a fixture whose tests watch start-up themselves.</summary>
    protected virtual bool WaitsUntilReady => true;

    public virtual async Task InitializeAsync()
    {
        var connection = await CreateDatabaseAsync();
        ConnectionString = connection;
        try
        {
            _connection = connection;
            await StartAsync(new Dictionary<string, string?>());
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed; leave no database behind.
            await DisposeAsync();
            throw;
        }
    }

    private string? _connection;

    /// <summary>
    /// Stops the app without touching its database, then starts a new one on it with these settings on
    /// top: what a node sees when it comes back after a crash or a deploy.
    /// </summary>
    public async Task RestartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        await StartAsync(settings);
    }

    private async Task StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        _factory = new Factory(Database, _connection!, MediaPath, builder =>
        {
            foreach (var (key, value) in Settings)
            {
                builder.UseSetting(key, value);
            }
            ConfigureHost(builder);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
        // A real Kestrel on a loopback port rather than TestServer: request-line parsing (bad escapes,
        // NUL bytes, long paths) is part of what the suites check.
        _factory.UseKestrel(0);
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(a => new Uri(a))
            .First(a => a.Scheme == Uri.UriSchemeHttp);
        // Our own client: the factory's clients follow redirects when it runs on Kestrel.
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = address };
        if (WaitsUntilReady)
        {
            await WaitUntilReadyAsync(_client);
        }
    }

    public virtual async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        await DropDatabaseAsync();
        if (Directory.Exists(MediaPath))
        {
            Directory.Delete(MediaPath, recursive: true);
        }
    }

    public void Dispose()
    {
        _client?.Dispose();
        _factory?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs work against the app's own <see cref="BylineDb"/> in a scope of its own.</summary>
    public async Task<T> WithDbAsync<T>(Func<BylineDb, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<BylineDb>());
    }

    public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(new Uri(path, UriKind.Relative));

    /// <summary>GETs a page that must answer 200 with HTML, and parses it.</summary>
    public async Task<IHtmlDocument> PageAsync(string path)
    {
        using var response = await GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"GET {path} answered {(int)response.StatusCode} {response.StatusCode}, expected 200. Body starts: {Start(body)}");
        var type = response.Content.Headers.ContentType?.MediaType;
        Assert.True(type == "text/html", $"GET {path} answered {type}, expected text/html");
        return Parser.ParseDocument(body);
    }

    /// <summary>
    /// Another node of the same site on the same database (another Kestrel, services and pools of its
    /// own), optionally through another connection string — a read-only one, say. Dispose it to stop it.
    /// </summary>
    public async Task<BylineNode> StartNodeAsync(string? connection = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var factory = new Factory(Database, connection ?? ConnectionString, MediaPath, builder =>
        {
            ConfigureHost(builder);
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                builder.UseSetting(key, value);
            }
        });
        try
        {
            factory.UseKestrel(0);
            factory.StartServer();
            var address = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
                .Select(a => new Uri(a))
                .First(a => a.Scheme == Uri.UriSchemeHttp);
            var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = address };
            var node = new BylineNode(factory, client);
            await WaitUntilReadyAsync(client);
            return node;
        }
        catch
        {
            await factory.DisposeAsync();
            throw;
        }
    }

    private static string Start(string body) => body.Length <= 600 ? body : body[..600];

    private static async Task WaitUntilReadyAsync(HttpClient client)
    {
        using var deadline = new CancellationTokenSource(ReadyDeadline);
        var last = "no answer yet";
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), deadline.Token);
                var body = await response.Content.ReadAsStringAsync(deadline.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
                if (body.Contains("failed", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"Byline start-up failed (/healthz: {body}); the test server's log has the exception.");
                }
                last = $"{(int)response.StatusCode} {body}";
                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"Byline was not ready within {ReadyDeadline.TotalSeconds:0} s (last /healthz: {last}).");
            }
        }
    }

    internal sealed class Factory(TestDatabase database, string connection, string mediaPath, Action<IWebHostBuilder> configure) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Byline:Database:Provider", database == TestDatabase.Postgres ? nameof(DatabaseProvider.Postgres) : nameof(DatabaseProvider.Sqlite));
            builder.UseSetting("ConnectionStrings:Byline", connection);
            builder.UseSetting("Byline:DemoContent", "false");
            builder.UseSetting("Byline:Media:Path", mediaPath);
            configure(builder);
        }
    }
}

/// <summary>A second node started by <see cref="BylineApp.StartNodeAsync"/>.</summary>
public sealed class BylineNode : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    internal BylineNode(WebApplicationFactory<Program> factory, HttpClient client)
    {
        _factory = factory;
        Client = client;
    }

    /// <summary>A client that does not follow redirects and keeps no cookies.</summary>
    public HttpClient Client { get; }

    public Uri BaseAddress => Client.BaseAddress!;

    public IServiceProvider Services => _factory.Services;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }
}

using System.Net;
using Byline.Hosting;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Byline.Tests.Hosting;

/// <summary>A boot step that holds start-up until the test lets it go.</summary>
public sealed class HeldBootStep : IBootStep
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _release.TrySetResult();

    public Task RunAsync(IServiceProvider services, CancellationToken ct) => _release.Task.WaitAsync(ct);
}

public sealed class HeldStartSqliteApp : SqliteApp
{
    public HeldBootStep Step { get; } = new();

    protected override bool WaitsUntilReady => false;

    protected override void ConfigureHost(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(s => s.AddSingleton<IBootStep>(Step));

    public override async Task DisposeAsync()
    {
        Step.Release();
        await base.DisposeAsync();
    }
}

public sealed class HeldStartPostgresApp : PostgresApp
{
    public HeldBootStep Step { get; } = new();

    protected override bool WaitsUntilReady => false;

    protected override void ConfigureHost(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(s => s.AddSingleton<IBootStep>(Step));

    public override async Task DisposeAsync()
    {
        Step.Release();
        await base.DisposeAsync();
    }
}

internal static class Health
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static async Task<(HttpStatusCode Status, string Body)> GetAsync(BylineApp app, string path)
    {
        using var response = await app.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Asks <paramref name="path"/> until it answers <paramref name="status"/> or the deadline passes; returns the last answer.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> UntilAsync(BylineApp app, string path, HttpStatusCode status)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            var answer = await GetAsync(app, path);
            if (answer.Status == status || deadline.IsCancellationRequested)
            {
                return answer;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }
    }
}

/// <summary>While start-up runs the process is live but not ready; once it ends, both answer 200.</summary>
public abstract class ReadinessDuringStartTests(BylineApp app, HeldBootStep step)
{
    [DatabaseFact]
    public async Task Ready_answers_503_until_start_up_is_done_while_live_answers_200()
    {
        var live = await Health.GetAsync(app, "/healthz/live");
        var ready = await Health.GetAsync(app, "/healthz/ready");
        var legacy = await Health.GetAsync(app, "/healthz");

        Assert.Equal(HttpStatusCode.OK, live.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Contains("startup: Unhealthy (starting)", ready.Body, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "starting"), legacy);

        step.Release();

        Assert.Equal(HttpStatusCode.OK, (await Health.UntilAsync(app, "/healthz/ready", HttpStatusCode.OK)).Status);
        Assert.Equal((HttpStatusCode.OK, "ok"), await Health.GetAsync(app, "/healthz"));
    }
}

public sealed class ReadinessDuringStartOnSqlite(HeldStartSqliteApp app) : ReadinessDuringStartTests(app, app.Step), IClassFixture<HeldStartSqliteApp>;

public sealed class ReadinessDuringStartOnPostgres(HeldStartPostgresApp app) : ReadinessDuringStartTests(app, app.Step), IClassFixture<HeldStartPostgresApp>;

/// <summary>A node whose database disappears stays live but stops being ready, so a balancer takes it out.</summary>
public abstract class DatabaseGoneTests(BylineApp app)
{
    private async Task LoseDatabaseAsync()
    {
        var connection = await app.WithDbAsync(db => Task.FromResult(db.Database.GetConnectionString()!));
        if (app.Database == TestDatabase.Postgres)
        {
            var target = new NpgsqlConnectionStringBuilder(connection);
            var admin = new NpgsqlConnectionStringBuilder(connection) { Database = "postgres", Pooling = false };
            await using var server = new NpgsqlConnection(admin.ConnectionString);
            await server.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE \"{target.Database}\" WITH (FORCE)", server);
            await drop.ExecuteNonQueryAsync();
            return;
        }
        var file = new SqliteConnectionStringBuilder(connection).DataSource;
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(file + suffix);
        }
    }

    [DatabaseFact]
    public async Task Ready_answers_503_once_the_database_is_gone_while_live_answers_200()
    {
        Assert.Equal(HttpStatusCode.OK, (await Health.GetAsync(app, "/healthz/ready")).Status);

        await LoseDatabaseAsync();

        var ready = await Health.UntilAsync(app, "/healthz/ready", HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Contains("database: Unhealthy", ready.Body, StringComparison.Ordinal);
        Assert.Contains("startup: Healthy", ready.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Health.GetAsync(app, "/healthz/live")).Status);
    }
}

public sealed class DatabaseGoneOnSqlite(SqliteApp app) : DatabaseGoneTests(app), IClassFixture<SqliteApp>;

public sealed class DatabaseGoneOnPostgres(PostgresApp app) : DatabaseGoneTests(app), IClassFixture<PostgresApp>;

/// <summary>The scrape endpoint's guard on its own: which requests reach the exporter.</summary>
public sealed class ScrapeGuardTests
{
    private static async Task<(int Status, bool Reached)> ScrapeAsync(PrometheusSettings settings, string remote, string? authorization)
    {
        var reached = false;
        var guard = new ScrapeGuard(_ => { reached = true; return Task.CompletedTask; }, settings);
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider() };
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        context.Response.Body = new MemoryStream();
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }
        await guard.InvokeAsync(context);
        Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
        return (context.Response.StatusCode, reached);
    }

    [Theory]
    [InlineData("10.1.2.3", null, 200, true)]
    [InlineData("::ffff:10.1.2.3", null, 200, true)]
    [InlineData("192.0.2.7", null, 403, false)]
    [InlineData("10.1.2.3", "Bearer t0ken", 200, true)]
    public async Task Networks_alone_admit_only_their_addresses(string remote, string? authorization, int status, bool reached) =>
        Assert.Equal((status, reached), await ScrapeAsync(new PrometheusSettings { Enabled = true, Networks = ["10.0.0.0/8"] }, remote, authorization));

    [Theory]
    [InlineData(null, 401, false)]
    [InlineData("Bearer wrong", 401, false)]
    [InlineData("Basic dDBrZW4=", 401, false)]
    [InlineData("Bearer t0ken", 200, true)]
    [InlineData("bearer t0ken", 200, true)]
    public async Task A_token_alone_admits_only_its_bearer(string? authorization, int status, bool reached) =>
        Assert.Equal((status, reached), await ScrapeAsync(new PrometheusSettings { Enabled = true, Token = "t0ken" }, "192.0.2.7", authorization));

    [Fact]
    public async Task With_both_set_a_scrape_needs_both() =>
        Assert.Equal((403, false), await ScrapeAsync(
            new PrometheusSettings { Enabled = true, Token = "t0ken", Networks = ["10.0.0.0/8"] }, "192.0.2.7", "Bearer t0ken"));

    [Theory]
    [InlineData(null, new string[0])]
    [InlineData("", new string[0])]
    [InlineData("t0ken", new[] { "not-a-network" })]
    public void An_endpoint_open_to_anyone_or_a_bad_network_stops_start_up(string? token, string[] networks) =>
        Assert.Throws<InvalidOperationException>(() => ScrapeGuard.Validate(new PrometheusSettings { Enabled = true, Token = token, Networks = networks }));
}

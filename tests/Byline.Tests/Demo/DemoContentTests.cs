using System.Collections.Concurrent;
using System.Net;
using Byline.Demo;
using Byline.Hosting;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Byline.Tests.Demo;

/// <summary>Demo content is a development aid: which hosts get the generator, and the line they log.</summary>
public sealed class DemoContentChoiceTests
{
    [Theory]
    [InlineData("Development", DatabaseProvider.Sqlite, null, "Demo content: on (Development, SQLite)")]
    [InlineData("Development", DatabaseProvider.Postgres, null, "Demo content: off (Development, PostgreSQL; set Byline:DemoContent=true to fill it)")]
    [InlineData("Production", DatabaseProvider.Sqlite, null, "Demo content: off (Production)")]
    [InlineData("Staging", DatabaseProvider.Sqlite, null, "Demo content: off (Staging)")]
    [InlineData("Production", DatabaseProvider.Sqlite, true, "Demo content: on (Production, SQLite, Byline:DemoContent=true)")]
    [InlineData("Production", DatabaseProvider.Postgres, true, "Demo content: on (Production, PostgreSQL, Byline:DemoContent=true)")]
    [InlineData("Development", DatabaseProvider.Sqlite, false, "Demo content: off (Development, SQLite, Byline:DemoContent=false)")]
    public void The_choice_follows_environment_provider_and_setting(string environment, DatabaseProvider provider, bool? asked, string line) =>
        Assert.Equal(line, DemoContentChoice.Decide(environment, provider, asked).ToString());

    /// <summary>The web host as Program builds it, not started: what is registered is what could ever run.</summary>
    [Theory]
    [InlineData("Development", "Sqlite", null, true)]
    [InlineData("Development", "Postgres", null, false)]
    [InlineData("Production", "Sqlite", null, false)]
    [InlineData("Production", "Postgres", null, false)]
    [InlineData("Production", "Sqlite", "true", true)]
    [InlineData("Development", "Sqlite", "false", false)]
    public async Task The_generator_is_registered_only_where_demo_content_is_on(string environment, string provider, string? asked, bool on)
    {
        using var file = new TempSqliteFile("demo-choice");
        // No file watchers: inotify instances are a per-user limit the whole test run shares.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Byline:Database:Provider"] = provider,
            ["ConnectionStrings:Byline"] = provider == "Postgres" ? "Host=127.0.0.1;Database=never_opened" : $"Data Source={file.Path}",
            ["Byline:DemoContent"] = asked,
            ["Byline:Media:Path"] = Path.Combine(BylineApp.TempRoot, "demo-choice-media"),
        });
        builder.AddByline();
        await using var app = builder.Build();
        await using var scope = app.Services.CreateAsyncScope();

        Assert.Equal(on, app.Services.GetRequiredService<DemoContentChoice>().On);
        Assert.Equal(on, scope.ServiceProvider.GetService<DemoSeeder>() is not null);
        Assert.Equal(on, app.Services.GetServices<IBootStep>().OfType<DemoContentStep>().Any());
    }
}

/// <summary>Keeps the lines a host logs, for tests that read its start-up log.</summary>
public sealed class LogLines : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(_lines);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));
    }
}

/// <summary>A Production host with <c>Byline:DemoContent</c> left unset, as an operator would start it.</summary>
public sealed class ProductionSqliteApp : SqliteApp
{
    public LogLines Log { get; } = new();

    protected override void ConfigureHost(IWebHostBuilder builder) => ProductionHost.Configure(builder, Log);
}

public sealed class ProductionPostgresApp : PostgresApp
{
    public LogLines Log { get; } = new();

    protected override void ConfigureHost(IWebHostBuilder builder) => ProductionHost.Configure(builder, Log);
}

internal static class ProductionHost
{
    public static void Configure(IWebHostBuilder builder, LogLines log)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting(DemoContentChoice.Setting, null);
        builder.ConfigureLogging(l => l.AddProvider(log));
    }
}

public abstract class DemoContentInProductionTests(BylineApp app, LogLines log)
{
    [DatabaseFact]
    public async Task A_production_host_starts_empty_without_the_generator_and_says_so()
    {
        Assert.Contains("Demo content: off (Production)", log.Lines);
        Assert.Equal(0, await app.WithDbAsync(db => db.Articles.CountAsync()));
        await using var scope = app.Services.CreateAsyncScope();
        Assert.Null(scope.ServiceProvider.GetService<DemoSeeder>());
        using var home = await app.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }
}

public sealed class DemoContentInProductionOnSqlite(ProductionSqliteApp app) : DemoContentInProductionTests(app, app.Log), IClassFixture<ProductionSqliteApp>;

public sealed class DemoContentInProductionOnPostgres(ProductionPostgresApp app) : DemoContentInProductionTests(app, app.Log), IClassFixture<ProductionPostgresApp>;

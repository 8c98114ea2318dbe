using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Byline.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Byline.Hosting;

/// <summary><c>Byline:Telemetry</c>: where traces and metrics go. Nothing is collected unless one of them is set.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Byline:Telemetry";

    public OtlpSettings Otlp { get; set; } = new();

    public PrometheusSettings Prometheus { get; set; } = new();
}

public sealed class OtlpSettings
{
    /// <summary>The collector's base address (<c>http://collector:4318</c>); <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> works too.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary><c>http/protobuf</c> (the OpenTelemetry default, port 4318) or <c>grpc</c> (port 4317).</summary>
    public string Protocol { get; set; } = "http/protobuf";
}

public sealed class PrometheusSettings
{
    public bool Enabled { get; set; }

    public string Path { get; set; } = "/metrics";

    /// <summary>A scrape must send <c>Authorization: Bearer {Token}</c> when set.</summary>
    public string? Token { get; set; }

#pragma warning disable CA1819 // bound from configuration, which needs a settable array
    /// <summary>A scrape must come from one of these networks (<c>10.0.0.0/8</c>, <c>127.0.0.1/32</c>) when any is set.</summary>
    public string[] Networks { get; set; } = [];
#pragma warning restore CA1819
}

/// <summary><c>Byline:Health</c>: what "ready" tolerates.</summary>
public sealed class HealthOptions
{
    public const string Section = "Byline:Health";

    /// <summary>Ready answers 503 while the event dispatcher is further behind than this.</summary>
    public TimeSpan MaxEventLag { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the <c>byline.events.lag</c> gauge asks the dispatcher.</summary>
    public TimeSpan LagSampleInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// The cross-cutting parts every node needs, in one place (like eShop's ServiceDefaults): the health
/// endpoints, OpenTelemetry traces and metrics over OTLP, and the guarded Prometheus scrape endpoint.
/// Features own their numbers (a <see cref="Meter"/> named <c>Byline.*</c> beside the code that counts).
/// </summary>
public static class Observability
{
    /// <summary>Every meter of the application: <c>Byline.Cache</c>, <c>Byline.Publishing</c>, <c>Byline.Events</c>…</summary>
    public const string Meters = "Byline.*";

    private const string ReadyTag = "ready";
    private const string StartupCheck = "startup";

    public static WebApplicationBuilder AddBylineObservability(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var telemetry = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var health = builder.Configuration.GetSection(HealthOptions.Section).Get<HealthOptions>() ?? new HealthOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(telemetry);
        services.AddSingleton(health);
        services.AddHealthChecks()
            .AddCheck<StartupHealthCheck>(StartupCheck, tags: [ReadyTag])
            .AddDbContextCheck<BylineDb>("database", HealthStatus.Unhealthy, [ReadyTag], DatabaseAnswersAsync)
            .AddCheck<EventLagHealthCheck>("events", tags: [ReadyTag]);

        var otlpFromEnvironment = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otlp = telemetry.Otlp.Endpoint is not null || otlpFromEnvironment;
        var prometheus = telemetry.Prometheus;
        if (prometheus.Enabled)
        {
            ScrapeGuard.Validate(prometheus);
        }
        if (!otlp && !prometheus.Enabled)
        {
            // Nothing listens: the features' meters cost nothing and no SDK is loaded.
            return builder;
        }
        services.AddSingleton<EventLagGauge>();
        services.AddHostedService(sp => sp.GetRequiredService<EventLagGauge>());
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("byline", serviceVersion: typeof(Observability).Assembly.GetName().Version?.ToString()))
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddNpgsqlInstrumentation().AddMeter(Meters);
                if (prometheus.Enabled)
                {
                    // Every scrape sees current values; the exporter's own 300 ms response cache would hide a fresh hit.
                    m.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                }
            });
        if (otlp)
        {
            otel.WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsOperational(context.Request.Path, prometheus))
                .AddHttpClientInstrumentation()
                .AddNpgsql());
            if (telemetry.Otlp.Endpoint is { } endpoint)
            {
                otel.UseOtlpExporter(ParseProtocol(telemetry.Otlp.Protocol), endpoint);
            }
            else
            {
                // The standard OTEL_EXPORTER_OTLP_* variables (endpoint, protocol, headers) configure it.
                otel.UseOtlpExporter();
            }
        }
        return builder;
    }

    /// <summary>
    /// <c>/healthz/live</c> (the process answers), <c>/healthz/ready</c> (start-up done, database
    /// reachable, events not lagging), <c>/healthz</c> (start-up done, as before) and the Prometheus
    /// scrape endpoint. Middleware, not routed endpoints: they sit before the readiness gate (which
    /// would hold them until start-up ends) and before the output cache (which must never keep them).
    /// </summary>
    public static WebApplication MapBylineHealth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteReportAsync });
        app.UseHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = r => r.Tags.Contains(ReadyTag), ResponseWriter = WriteReportAsync });
        app.UseHealthChecks("/healthz", new HealthCheckOptions { Predicate = r => r.Name == StartupCheck, ResponseWriter = WriteStartupAsync });
        var prometheus = app.Services.GetRequiredService<TelemetryOptions>().Prometheus;
        if (prometheus.Enabled)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: null, predicate: null, path: prometheus.Path,
                configureBranchedPipeline: branch => branch.UseMiddleware<ScrapeGuard>(prometheus), optionsName: null);
        }
        return app;
    }

    private static bool IsOperational(PathString path, PrometheusSettings prometheus) =>
        path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase) ||
        (prometheus.Enabled && path.StartsWithSegments(prometheus.Path, StringComparison.OrdinalIgnoreCase));

    internal static OtlpExportProtocol ParseProtocol(string? protocol) => protocol?.Trim().ToLowerInvariant() switch
    {
        null or "" or "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
        "grpc" => OtlpExportProtocol.Grpc,
        _ => throw new InvalidOperationException(
            $"{TelemetryOptions.Section}:Otlp:Protocol is '{protocol}': use 'http/protobuf' or 'grpc'."),
    };

    /// <summary>
    /// A round trip, not just an open: a pooled connection opens without touching the server. On
    /// SQLite the file must still exist first: opening a deleted database would quietly create an
    /// empty one, and a pooled connection would keep reading the unlinked file.
    /// </summary>
    private static async Task<bool> DatabaseAnswersAsync(BylineDb db, CancellationToken ct)
    {
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            var source = new SqliteConnectionStringBuilder(db.Database.GetConnectionString());
            if (source.Mode != SqliteOpenMode.Memory && source.DataSource is { Length: > 0 } file && file != ":memory:" && !File.Exists(file))
            {
                return false;
            }
        }
        // A migrated table, not SELECT 1: a database recreated empty under the node is not its database.
        await db.Database.ExecuteSqlRawAsync("SELECT 1 FROM \"__EFMigrationsHistory\" LIMIT 1", ct);
        return true;
    }

    /// <summary>"Healthy", then one line per check: <c>database: Unhealthy</c>.</summary>
    private static Task WriteReportAsync(HttpContext context, HealthReport report)
    {
        var text = new StringBuilder(report.Status.ToString());
        foreach (var (name, entry) in report.Entries)
        {
            text.Append('\n').Append(name).Append(": ").Append(entry.Status.ToString());
            if (!string.IsNullOrEmpty(entry.Description))
            {
                text.Append(" (").Append(entry.Description).Append(')');
            }
        }
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(text.Append('\n').ToString(), context.RequestAborted);
    }

    /// <summary>The original <c>/healthz</c> body: <c>ok</c>, <c>starting</c> or <c>start-up failed</c>.</summary>
    private static Task WriteStartupAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain";
        var body = report.Status == HealthStatus.Healthy ? "ok" : report.Entries[StartupCheck].Description ?? "starting";
        return context.Response.WriteAsync(body, context.RequestAborted);
    }
}

/// <summary>Ready once the boot phase (migrations, boot steps, settings) has finished.</summary>
internal sealed class StartupHealthCheck(Readiness readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(readiness.IsReady ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy(readiness.WhenReady.IsFaulted ? "start-up failed" : "starting"));
}

/// <summary>Not ready while the event dispatcher (when one is registered) is too far behind.</summary>
internal sealed class EventLagHealthCheck(IServiceProvider services, HealthOptions options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<IOutboxLag>() is not { } outbox)
        {
            return HealthCheckResult.Healthy("no event dispatcher");
        }
        var lag = await outbox.GetLagAsync(cancellationToken);
        var seconds = (lag ?? TimeSpan.Zero).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        return lag > options.MaxEventLag
            ? HealthCheckResult.Unhealthy($"{seconds} s behind")
            : HealthCheckResult.Healthy($"{seconds} s behind");
    }
}

/// <summary>
/// The <c>byline.events.lag</c> gauge (seconds). Sampled in the background so a metrics collection
/// never waits on the database; reports nothing when no dispatcher is registered.
/// </summary>
internal sealed class EventLagGauge : BackgroundService
{
    private readonly IServiceProvider _services;
    private readonly TimeProvider _clock;
    private readonly HealthOptions _options;
    private readonly ILogger<EventLagGauge> _log;
    /// <summary>NaN until the first sample.</summary>
    private double _seconds = double.NaN;

    public EventLagGauge(IServiceProvider services, IMeterFactory meters, TimeProvider clock, HealthOptions options, ILogger<EventLagGauge> log)
    {
        _services = services;
        _clock = clock;
        _options = options;
        _log = log;
        ArgumentNullException.ThrowIfNull(meters);
#pragma warning disable CA2000 // the meter factory owns the meters it creates and disposes them with the host
        meters.Create("Byline.Events").CreateObservableGauge("byline.events.lag", Observe, "s",
            "Age of the oldest content event some consumer has not handled");
#pragma warning restore CA2000
    }

    private IEnumerable<Measurement<double>> Observe() =>
        Volatile.Read(ref _seconds) is var seconds && !double.IsNaN(seconds) ? [new Measurement<double>(seconds)] : [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_services.GetService<IOutboxLag>() is not { } outbox)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var lag = await outbox.GetLagAsync(stoppingToken);
                Volatile.Write(ref _seconds, (lag ?? TimeSpan.Zero).TotalSeconds);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The ready check reports the failure; the gauge keeps its last value rather than stop sampling.
                _log.LogWarning(e, "Could not read the event dispatcher's lag");
            }
            await Task.Delay(_options.LagSampleInterval, _clock, stoppingToken);
        }
    }
}

/// <summary>
/// In front of the Prometheus exporter: refuses scrapes without the configured bearer token or from
/// outside the configured networks (each that is set must hold), and keeps every cache out.
/// </summary>
internal sealed class ScrapeGuard(RequestDelegate next, PrometheusSettings settings)
{
    private readonly IPNetwork[] _networks = [.. settings.Networks.Select(n => IPNetwork.Parse(n))];
    private readonly byte[]? _token = string.IsNullOrEmpty(settings.Token) ? null : Encoding.UTF8.GetBytes(settings.Token);

    /// <summary>An open metrics endpoint tells strangers the site's traffic and internals: refuse to start with one.</summary>
    public static void Validate(PrometheusSettings settings)
    {
        if (string.IsNullOrEmpty(settings.Token) && settings.Networks.Length == 0)
        {
            throw new InvalidOperationException(
                $"{TelemetryOptions.Section}:Prometheus:Enabled is true but neither its Token nor its Networks is set: set at least one.");
        }
        foreach (var network in settings.Networks)
        {
            if (!IPNetwork.TryParse(network, out _))
            {
                throw new InvalidOperationException(
                    $"{TelemetryOptions.Section}:Prometheus:Networks has '{network}', which is not a network such as 10.0.0.0/8.");
            }
        }
    }

    public async Task InvokeAsync(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (_networks.Length > 0 && !FromAllowedNetwork(context.Connection.RemoteIpAddress))
        {
            await Refuse(context, StatusCodes.Status403Forbidden, "metrics-network-refused", "Scrapes are not accepted from this address.");
            return;
        }
        if (_token is not null && !HasToken(context.Request.Headers.Authorization.ToString()))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Refuse(context, StatusCodes.Status401Unauthorized, "metrics-token-required", "A scrape needs the configured bearer token.");
            return;
        }
        await next(context);
    }

    private bool FromAllowedNetwork(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _networks.Any(n => n.Contains(plain));
    }

    private bool HasToken(string header)
    {
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        // Constant time, so the token cannot be guessed byte by byte from response times.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()), _token);
    }

    private static Task Refuse(HttpContext context, int status, string code, string title) =>
        Results.Problem(statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code })
            .ExecuteAsync(context);
}

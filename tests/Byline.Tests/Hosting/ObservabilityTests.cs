using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Byline.Caching;
using Byline.Hosting;
using Byline.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Hosting;

/// <summary>The event dispatcher's lag as the test sets it (the dispatcher itself arrives with the outbox).</summary>
public sealed class SettableLag : IOutboxLag
{
    public TimeSpan? Lag { get; set; }

    public ValueTask<TimeSpan?> GetLagAsync(CancellationToken ct) => ValueTask.FromResult(Lag);
}

/// <summary>
/// Everything observable switched on: traces to an OTLP receiver of the suite's own, the scrape
/// endpoint behind a token and the loopback network, a dispatcher lag the tests set.
/// </summary>
public sealed class ObservedSetup : IAsyncDisposable
{
    public const string Token = "scrape-secret-for-tests";

    public SettableLag Lag { get; } = new();

    public OtlpReceiver Receiver => _receiver ?? throw new InvalidOperationException("The receiver has not started.");

    private OtlpReceiver? _receiver;

    public async Task StartAsync() => _receiver = await OtlpReceiver.StartAsync();

    public void Configure(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseSetting("Byline:Telemetry:Otlp:Endpoint", Receiver.Address.ToString());
        builder.UseSetting("Byline:Telemetry:Otlp:Protocol", "http/protobuf");
        // Export spans every 100 ms instead of every 5 s, so a test waits less.
        builder.UseSetting("OTEL_BSP_SCHEDULE_DELAY", "100");
        builder.UseSetting("Byline:Telemetry:Prometheus:Enabled", "true");
        builder.UseSetting("Byline:Telemetry:Prometheus:Token", Token);
        builder.UseSetting("Byline:Telemetry:Prometheus:Networks:0", "127.0.0.0/8");
        builder.UseSetting("Byline:Telemetry:Prometheus:Networks:1", "::1/128");
        builder.UseSetting("Byline:Health:MaxEventLag", "00:00:30");
        builder.UseSetting("Byline:Health:LagSampleInterval", "00:00:00.050");
        builder.ConfigureTestServices(s => s.AddSingleton<IOutboxLag>(Lag));
    }

    public async ValueTask DisposeAsync()
    {
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }
}

public sealed class ObservedSqliteApp : SqliteApp
{
    public ObservedSetup Setup { get; } = new();

    protected override void ConfigureHost(IWebHostBuilder builder) => Setup.Configure(builder);

    public override async Task InitializeAsync()
    {
        await Setup.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Setup.DisposeAsync();
    }
}

public sealed class ObservedPostgresApp : PostgresApp
{
    public ObservedSetup Setup { get; } = new();

    protected override void ConfigureHost(IWebHostBuilder builder) => Setup.Configure(builder);

    public override async Task InitializeAsync()
    {
        await Setup.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Setup.DisposeAsync();
    }
}

/// <summary>Health split into live and ready, the Prometheus scrape endpoint, and traces exported over OTLP.</summary>
public abstract class ObservabilityTests(BylineApp app, ObservedSetup setup)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private async Task<(HttpStatusCode Status, string Body)> GetTextAsync(string path, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await app.Client.SendAsync(request);
        Assert.False(response.Headers.Contains(CacheHeaders.XCache), $"{path} went through the output cache");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The value of a sample in Prometheus text, labels ignored and summed; null when absent.</summary>
    internal static double? Sample(string scrape, string metric)
    {
        double? sum = null;
        foreach (var line in scrape.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(metric, StringComparison.Ordinal) || line.Length == metric.Length ||
                (line[metric.Length] != ' ' && line[metric.Length] != '{'))
            {
                continue;
            }
            var value = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
            sum = (sum ?? 0) + double.Parse(value, CultureInfo.InvariantCulture);
        }
        return sum;
    }

    [DatabaseFact]
    public async Task Live_answers_200_while_the_process_runs()
    {
        var (status, body) = await GetTextAsync("/healthz/live");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("Healthy", body, StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Ready_answers_200_once_started_with_the_database_reachable()
    {
        var (status, body) = await GetTextAsync("/healthz/ready");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("startup: Healthy", body, StringComparison.Ordinal);
        Assert.Contains("database: Healthy", body, StringComparison.Ordinal);
        Assert.Contains("events: Healthy", body, StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Ready_answers_503_while_the_event_dispatcher_lags_beyond_the_threshold()
    {
        setup.Lag.Lag = TimeSpan.FromMinutes(5);
        try
        {
            var (status, body) = await GetTextAsync("/healthz/ready");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Contains("events: Unhealthy", body, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await GetTextAsync("/healthz/live")).Status);
        }
        finally
        {
            setup.Lag.Lag = null;
        }
        Assert.Equal(HttpStatusCode.OK, (await GetTextAsync("/healthz/ready")).Status);
    }

    [DatabaseTheory]
    [InlineData(null)]
    [InlineData("not-the-token")]
    public async Task A_scrape_without_the_token_is_refused(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("metrics-token-required", problem.RootElement.GetProperty("code").GetString());
        Assert.DoesNotContain("byline_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task A_scrape_with_the_token_lists_byline_metrics_with_the_cache_hit_of_a_second_request()
    {
        var section = await app.Content.SectionAsync();
        var before = Sample((await GetTextAsync("/metrics", ObservedSetup.Token)).Body, "byline_cache_hits_total") ?? 0;
        for (var i = 0; i < 2; i++)
        {
            using var page = await app.GetAsync($"/{section.Slug}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        var (status, scrape) = await GetTextAsync("/metrics", ObservedSetup.Token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(Sample(scrape, "byline_cache_hits_total") >= before + 1, $"no new cache hit in the scrape:\n{scrape}");
        Assert.True(Sample(scrape, "byline_cache_misses_total") >= 1, "no cache miss counted");
        // The scheduler ran its first round at start-up.
        Assert.True(Sample(scrape, "byline_scheduler_runs_total") >= 1, "no scheduler round counted");
        Assert.NotNull(Sample(scrape, "http_server_request_duration_seconds_count"));
    }

    [DatabaseFact]
    public async Task The_dispatcher_lag_is_a_gauge_in_the_scrape()
    {
        setup.Lag.Lag = TimeSpan.FromSeconds(42);
        try
        {
            var scrape = await Poll.UntilAsync(
                async () => (await GetTextAsync("/metrics", ObservedSetup.Token)).Body,
                s => Sample(s, "byline_events_lag_seconds") == 42, "the lag gauge reading 42 s", Deadline);

            Assert.Equal(42, Sample(scrape, "byline_events_lag_seconds"));
        }
        finally
        {
            setup.Lag.Lag = null;
        }
    }

    [DatabaseFact]
    public async Task A_request_is_exported_as_a_span_over_otlp()
    {
        var probe = $"/otlp-probe-{Guid.NewGuid():N}";
        using (var response = await app.GetAsync(probe))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        // The server's spans only: the test's own HttpClient is traced too (its instrumentation is process-wide).
        var spans = await Poll.UntilAsync(
            () => Task.FromResult(setup.Receiver.Spans.Where(s => s.Kind == ReceivedSpan.Server).ToList()),
            s => s.Any(x => x.Mentions(probe)), $"a server span for {probe}", Deadline);

        var span = Assert.Single(spans, s => s.Mentions(probe));
        Assert.StartsWith("GET", span.Name, StringComparison.Ordinal);
        // Health probes are not traced: they would drown the requests that matter.
        Assert.DoesNotContain(spans, s => s.Mentions("/healthz"));
        if (app.Database == TestDatabase.Postgres)
        {
            // Npgsql's spans: the queries behind the 404 page's chrome and start-up.
            Assert.Contains(setup.Receiver.Spans, s => s.Name == "postgresql" || s.Mentions("postgresql"));
        }
    }
}

/// <summary>
/// The observability suites run alone. Instrumentation is process-wide, and OpenTelemetry drops a metric
/// stream once any meter holding an identical instrument is disposed — which happens whenever another
/// suite's host stops beside this one. One host per process, as in production, has neither problem.
/// </summary>
[CollectionDefinition(nameof(ObservabilityRunsAlone), DisableParallelization = true)]
public sealed class ObservabilityRunsAlone;

[Collection(nameof(ObservabilityRunsAlone))]
public sealed class ObservabilityOnSqlite(ObservedSqliteApp app) : ObservabilityTests(app, app.Setup), IClassFixture<ObservedSqliteApp>;

[Collection(nameof(ObservabilityRunsAlone))]
public sealed class ObservabilityOnPostgres(ObservedPostgresApp app) : ObservabilityTests(app, app.Setup), IClassFixture<ObservedPostgresApp>;

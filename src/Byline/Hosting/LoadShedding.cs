using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Byline.Hosting;

/// <summary>How many renders run at once and what happens past that (<c>Byline:LoadShedding</c>).</summary>
public sealed class LoadSheddingOptions
{
    public const string Section = "Byline:LoadShedding";

    public bool Enabled { get; set; } = true;

    /// <summary>Requests rendered at once (everything the output cache did not answer). Empty: 8 per processor, at least 16.</summary>
    public int? MaxConcurrentRenders { get; set; }

    /// <summary>Requests waiting for a render slot; one more is shed at once.</summary>
    public int QueueLimit { get; set; } = 128;

    /// <summary>How long a request waits for a slot before it is shed. Short on purpose: a slow answer helps nobody under overload.</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The <c>Retry-After</c> of a shed request.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(2);

#pragma warning disable CA1819 // bound from configuration, which needs a settable array
    /// <summary>Never limited: health checks, the live streams (capped on their own) and media files (read from disk, not rendered).</summary>
    public string[] ExemptPrefixes { get; set; } = ["/healthz", "/live-updates", "/media"];
#pragma warning restore CA1819
}

/// <summary>
/// The render slots: a semaphore with a bounded, short queue. Past it a request is refused at once,
/// so at 1,000 connections the server answers every request quickly — a page, a stale copy or a 503 —
/// instead of queueing all of them until clients time out.
/// </summary>
public sealed class RenderLimiter : IDisposable
{
    private readonly IOptionsMonitor<LoadSheddingOptions> _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _slots;
    private readonly Meter _meter = new("Byline.LoadShedding");
    private readonly Counter<long> _shedCounter;
    private int _queued;
    private long _shed;

    public RenderLimiter(IOptionsMonitor<LoadSheddingOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        Permits = options.CurrentValue.MaxConcurrentRenders ?? Math.Max(16, Environment.ProcessorCount * 8);
        _slots = new SemaphoreSlim(Permits, Permits);
        // A render on SQLite blocks its thread (the provider's async calls are synchronous). With every
        // slot taken the thread pool may have no thread left to even reach this limiter and shed, so
        // requests waited in its queue until clients timed out (bench/hardening.md). Keep threads for that.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, Permits + Environment.ProcessorCount * 4), io);
        _shedCounter = _meter.CreateCounter<long>("byline.load.shed", description: "Requests refused (503) or answered stale because every render slot was taken");
        _meter.CreateObservableGauge("byline.load.renders", () => Permits - _slots.CurrentCount, description: "Renders running now");
    }

    /// <summary>Render slots; fixed at start.</summary>
    public int Permits { get; }

    /// <summary>Requests shed since start.</summary>
    public long Shed => Interlocked.Read(ref _shed);

    /// <summary>A slot, or null when the queue is full or the wait ran out.</summary>
    public async ValueTask<IDisposable?> TryEnterAsync(CancellationToken ct)
    {
        if (_slots.Wait(0, CancellationToken.None))
        {
            return new Lease(_slots);
        }
        var opts = _options.CurrentValue;
        try
        {
            if (Interlocked.Increment(ref _queued) > opts.QueueLimit)
            {
                return null;
            }
            using var timeout = new CancellationTokenSource(opts.QueueTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            await _slots.WaitAsync(linked.Token);
            return new Lease(_slots);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    internal void CountShed()
    {
        Interlocked.Increment(ref _shed);
        _shedCounter.Add(1);
    }

    public void Dispose()
    {
        _slots.Dispose();
        _meter.Dispose();
    }

    private sealed class Lease(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}

/// <summary>
/// Puts every request that reaches rendering through <see cref="RenderLimiter"/>. It sits behind the
/// output cache: a hit never waits; a miss that is shed is answered by the cache with its stale copy
/// when it holds one (<see cref="WasShed"/>), otherwise the client gets 503 with Retry-After.
/// Signed-in newsroom users are not limited: breaking news is when readers flood in and editors must publish.
/// </summary>
public sealed class LoadShedding(RequestDelegate next, RenderLimiter limiter, IOptionsMonitor<LoadSheddingOptions> options)
{
    private sealed class ShedMarker;

    private static readonly ShedMarker Marker = new();

    /// <summary>True when this request was refused a render slot (the output cache then serves a stale copy if it has one).</summary>
    public static bool WasShed(HttpContext context) => context?.Features.Get<ShedMarker>() is not null;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var opts = options.CurrentValue;
        if (!opts.Enabled || IsExempt(context, opts))
        {
            await next(context);
            return;
        }
        using var lease = await limiter.TryEnterAsync(context.RequestAborted);
        if (lease is null)
        {
            if (context.RequestAborted.IsCancellationRequested)
            {
                return;
            }
            limiter.CountShed();
            context.Features.Set(Marker);
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(opts.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            context.Response.Headers.CacheControl = "no-store";
            await Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The site is busy; try again in a moment.",
                extensions: new Dictionary<string, object?> { ["code"] = "overloaded" }).ExecuteAsync(context);
            return;
        }
        await next(context);
    }

    private static bool IsExempt(HttpContext context, LoadSheddingOptions opts)
    {
        if (context.User.Identity?.IsAuthenticated == true)
        {
            return true;
        }
        var path = context.Request.Path;
        foreach (var prefix in opts.ExemptPrefixes)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }
}

public static class LoadSheddingExtensions
{
    public static IServiceCollection AddLoadShedding(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.Configure<LoadSheddingOptions>(config.GetSection(LoadSheddingOptions.Section));
        services.AddSingleton<RenderLimiter>();
        return services;
    }

    /// <summary>After authentication (signed-in users pass) and behind the output cache.</summary>
    public static IApplicationBuilder UseLoadShedding(this IApplicationBuilder app) => app.UseMiddleware<LoadShedding>();
}

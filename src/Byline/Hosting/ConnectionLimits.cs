using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Byline.Hosting;

/// <summary>How many connections Kestrel holds and for how long (<c>Byline:Connections</c>).</summary>
public sealed class ConnectionOptions
{
    public const string Section = "Byline:Connections";

    /// <summary>
    /// Connections held at once; one more is accepted and closed at once. Empty: the process's
    /// descriptor limit minus <see cref="DescriptorReserve"/>.
    /// </summary>
    public int? MaxConcurrentConnections { get; set; }

    /// <summary>
    /// Descriptors never given to connections: the runtime needs its own (a new thread-pool thread opens
    /// files and a pipe, and every loaded assembly holds one: about 350 at rest), and so do the database,
    /// media files and outgoing HTTP. At most five eighths of the limit: under <c>ulimit -n 1024</c> about 370
    /// are open at rest, and half the limit left too few for the thread pool growing on a busy machine.
    /// </summary>
    public int DescriptorReserve { get; set; } = 2048;

    /// <summary>Raise the soft descriptor limit (<c>ulimit -n</c>) to the hard one at start (Linux).</summary>
    public bool RaiseDescriptorLimit { get; set; } = true;

    /// <summary>An idle connection, before its first request or between two, is closed after this.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>All request headers must have arrived within this (Kestrel's default is 30 s).</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Connections waiting in the kernel for Kestrel to accept them.</summary>
    public int ListenBacklog { get; set; } = 1024;
}

/// <summary>What the process may hold, worked out once at start and shared with the parts that hold connections.</summary>
/// <param name="DescriptorLimit">The soft descriptor limit after raising it; null where it cannot be read.</param>
/// <param name="MaxConnections">Kestrel's MaxConcurrentConnections; null for unlimited.</param>
public sealed record ConnectionBudget(long? DescriptorLimit, int? MaxConnections);

/// <summary>
/// Keeps a connection flood from taking the process down. The cause, seen with strace and gdb under
/// <c>ulimit -n 2048</c> and 4,000 idle connections: Kestrel accepts until no descriptor is left; every
/// further accept fails with EMFILE, throws, and is retried at once (70,000 times in a few seconds); and
/// the runtime needs descriptors of its own — a new thread-pool thread reads <c>/proc</c> and
/// <c>/sys</c> and opens a pipe, and the exception path needs them too. When such a runtime-internal
/// step fails, CoreCLR treats it as a fatal out-of-memory error: the log ends with "Out of memory." and
/// the process aborts. So connections are capped below the descriptor limit (the cap's extra
/// connection is accepted and closed at once, which costs no lasting descriptor), the soft limit is
/// raised to the hard one, and idle connections are closed sooner.
/// </summary>
public static class ConnectionLimits
{
    public static WebApplicationBuilder AddConnectionLimits(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(ConnectionOptions.Section).Get<ConnectionOptions>() ?? new ConnectionOptions();
        var budget = Decide(options, options.RaiseDescriptorLimit ? RaiseSoftLimit() : ReadSoftLimit());
        builder.Services.AddSingleton(budget);
        builder.Services.Configure<ConnectionOptions>(builder.Configuration.GetSection(ConnectionOptions.Section));
        builder.WebHost.ConfigureKestrel(k => Apply(k, options, budget));
        builder.WebHost.UseSockets(s => s.Backlog = Math.Max(16, options.ListenBacklog));
        return builder;
    }

    /// <summary>The connection cap for a descriptor limit: the configured one, but never into the reserve.</summary>
    public static ConnectionBudget Decide(ConnectionOptions options, long? descriptorLimit)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (descriptorLimit is not { } limit || limit <= 0 || limit >= int.MaxValue)
        {
            return new ConnectionBudget(descriptorLimit, options.MaxConcurrentConnections);
        }
        var reserve = Math.Clamp(options.DescriptorReserve, 0, (int)(limit * 5 / 8));
        var safe = (int)Math.Max(1, limit - reserve);
        var max = options.MaxConcurrentConnections is { } configured ? Math.Min(configured, safe) : safe;
        return new ConnectionBudget(limit, max);
    }

    internal static void Apply(KestrelServerOptions kestrel, ConnectionOptions options, ConnectionBudget budget)
    {
        kestrel.Limits.MaxConcurrentConnections = budget.MaxConnections;
        // An upgraded connection (none today) would otherwise count without a limit of its own.
        kestrel.Limits.MaxConcurrentUpgradedConnections = budget.MaxConnections;
        kestrel.Limits.KeepAliveTimeout = options.KeepAliveTimeout;
        kestrel.Limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
        kestrel.AddServerHeader = false;
    }

    /// <summary>Logs what was decided, once the host can log.</summary>
    public static void LogConnectionBudget(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var budget = app.Services.GetRequiredService<ConnectionBudget>();
        app.Logger.LogInformation("Descriptor limit {Limit}; at most {Max} connections at once", budget.DescriptorLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown",
            budget.MaxConnections?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited");
    }

    private const int RlimitNofile = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    [DllImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int GetRLimit(int resource, out RLimit limit);

    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetRLimit(int resource, in RLimit limit);

    /// <summary>The soft descriptor limit; null off Linux or when it cannot be read.</summary>
    public static long? ReadSoftLimit()
    {
        if (!OperatingSystem.IsLinux() || GetRLimit(RlimitNofile, out var limit) != 0)
        {
            return null;
        }
        return limit.Current >= long.MaxValue ? long.MaxValue : (long)limit.Current;
    }

    /// <summary>
    /// Raises the soft limit to the hard one (an unprivileged process may) and returns the soft limit in force.
    /// Systemd and most shells start services at 1,024 with a much higher hard limit.
    /// </summary>
    public static long? RaiseSoftLimit()
    {
        if (!OperatingSystem.IsLinux() || GetRLimit(RlimitNofile, out var limit) != 0)
        {
            return null;
        }
        if (limit.Current < limit.Max)
        {
            var raised = limit with { Current = limit.Max };
            if (SetRLimit(RlimitNofile, raised) != 0)
            {
                // An infinite hard limit is refused as a soft one by some kernels; keep what there is.
                return ReadSoftLimit();
            }
        }
        return ReadSoftLimit();
    }
}

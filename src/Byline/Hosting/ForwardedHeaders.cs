using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Byline.Hosting;

/// <summary>Behind a reverse proxy or CDN (<c>Byline:ForwardedHeaders</c>). Off by default.</summary>
public sealed class ForwardedHeaderSettings
{
    public const string Section = "Byline:ForwardedHeaders";

    /// <summary>Read X-Forwarded-For/-Proto/-Host from the proxies below. Off: the headers are ignored, whoever sends them.</summary>
    public bool Enabled { get; set; }

#pragma warning disable CA1819 // bound from configuration, which needs a settable array
    /// <summary>Addresses of the proxies whose headers count (e.g. <c>10.0.0.5</c>). With neither list, loopback only.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of such proxies in CIDR form (e.g. <c>10.0.0.0/8</c>, <c>2001:db8::/32</c>).</summary>
    public string[] KnownNetworks { get; set; } = [];
#pragma warning restore CA1819

    /// <summary>
    /// How many proxies in a row append to X-Forwarded-For. The client address is taken this many entries
    /// from the right, never from the left, where a client writes whatever it likes.
    /// </summary>
    public int ForwardLimit { get; set; } = 1;

    /// <summary>Also take the host name from X-Forwarded-Host (canonical links are built from it).</summary>
    public bool ForwardHost { get; set; }
}

/// <summary>
/// The client address and scheme as a trusted proxy saw them, so per-client limits (sign-in, live
/// streams) count clients rather than the proxy, and a client cannot pick its own address by sending
/// X-Forwarded-For: a header counts only when the connection comes from a configured proxy.
/// </summary>
public static class ForwardedHeaders
{
    public static IServiceCollection AddBylineForwardedHeaders(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var settings = config.GetSection(ForwardedHeaderSettings.Section).Get<ForwardedHeaderSettings>() ?? new ForwardedHeaderSettings();
        services.AddSingleton(settings);
        services.Configure<ForwardedHeadersOptions>(o => Configure(o, settings));
        return services;
    }

    internal static void Configure(ForwardedHeadersOptions o, ForwardedHeaderSettings settings)
    {
        o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto
            | (settings.ForwardHost ? Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedHost : 0);
        o.ForwardLimit = Math.Max(1, settings.ForwardLimit);
        if (settings.KnownProxies.Length > 0 || settings.KnownNetworks.Length > 0)
        {
            // Replace the loopback defaults: only what the operator named is trusted.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in settings.KnownProxies)
            {
                o.KnownProxies.Add(IPAddress.TryParse(proxy.Trim(), out var address) ? address
                    : throw new InvalidOperationException($"{ForwardedHeaderSettings.Section}:KnownProxies: '{proxy}' is not an IP address."));
            }
            foreach (var network in settings.KnownNetworks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network.Trim(), out var parsed) ? parsed
                    : throw new InvalidOperationException($"{ForwardedHeaderSettings.Section}:KnownNetworks: '{network}' is not a network in CIDR form (10.0.0.0/8)."));
            }
        }
    }

    /// <summary>First in the pipeline, and only when switched on.</summary>
    public static IApplicationBuilder UseBylineForwardedHeaders(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.ApplicationServices.GetRequiredService<ForwardedHeaderSettings>().Enabled ? app.UseForwardedHeaders() : app;
    }
}

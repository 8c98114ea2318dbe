using Byline.Newsroom;
using Byline.Outbound;
using Microsoft.Extensions.Options;

namespace Byline.Wire;

public static class WireExtensions
{
    /// <summary>Sources, the poller (a hosted service, one poll per source at a time across nodes), ingest, the desk and its health.</summary>
    public static IServiceCollection AddWire(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.AddOptions<WireOptions>().Bind(config.GetSection(WireOptions.Section))
            .Validate(o => o.FetchTimeout > TimeSpan.Zero && o.MaxDocumentBytes > 0 && o.MaxItemBytes > 0 && o.TickInterval > TimeSpan.Zero
                    && o.LeaseDuration > o.FetchTimeout && o.RetentionDays >= 1 && o.ClusterDistance is >= 0 and < SimHash.Bands && o.MaxPushBytes > 0
                    && o.PictureTimeout > TimeSpan.Zero && o.MaxPictureBytes > 0 && o.MaxPicturesPerDraft >= 0 && o.FolderSettle >= TimeSpan.Zero && o.FolderBatch > 0,
                $"{WireOptions.Section}: timeouts and sizes must be positive, LeaseDuration longer than FetchTimeout, RetentionDays at least 1, ClusterDistance 0 to 7, picture and folder limits positive.")
            .ValidateOnStart();
        services.AddScoped<WireSources>();
        services.AddScoped<WireIngest>();
        services.AddScoped<WireDesk>();
        services.AddScoped<WireDrafts>();
        services.AddScoped<WirePictures>();
        services.AddScoped<WireFolder>();
        services.AddScoped<WireRetention>();
        services.AddScoped<WireHealth>();
        services.AddScoped<IDashboardNotices>(sp => sp.GetRequiredService<WireHealth>());
        services.AddSingleton<WireFetcher>();
        services.AddHttpClient(WireFetcher.ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var options = sp.GetRequiredService<IOptionsMonitor<WireOptions>>();
                return new SocketsHttpHandler
                {
                    // Redirects are followed (feeds move), each new connection through the guard again.
                    AllowAutoRedirect = true,
                    MaxAutomaticRedirections = 3,
                    UseCookies = false,
                    AutomaticDecompression = System.Net.DecompressionMethods.All,
                    ConnectCallback = (context, ct) => PrivateAddressGuard.ConnectAsync(context, options.CurrentValue.AllowedHosts, ct),
                    ConnectTimeout = options.CurrentValue.FetchTimeout,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                };
            })
            .ConfigureHttpClient(c =>
            {
                c.Timeout = Timeout.InfiniteTimeSpan;
                c.DefaultRequestHeaders.UserAgent.ParseAdd("Byline-Wire/1.0");
            });
        services.AddSingleton<WirePoller>();
        services.AddHostedService(sp => sp.GetRequiredService<WirePoller>());
        return services;
    }

    public static IEndpointRouteBuilder MapWire(this IEndpointRouteBuilder app) => app.MapWirePush();
}

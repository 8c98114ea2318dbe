using Byline.Content;
using Byline.Outbound;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Byline.Media;

public static class MediaExtensions
{
    /// <summary>The media library: upload checks, renditions and the picture rows (the store itself is shared with the command line).</summary>
    public static IServiceCollection AddMedia(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.AddSingleton(config.GetSection("Byline:Media").Get<MediaOptions>() ?? new MediaOptions());
        services.AddScoped<MediaLibrary>();
        services.AddSingleton<DecodeGate>();
        services.AddScoped<UploadQuota>();
        services.AddScoped<PictureUploads>();
        services.Configure<LinkCardOptions>(config.GetSection("Byline:LinkCards"));
        services.AddMemoryCache();
        services.TryAddSingleton<LinkCardCache>();
        services.AddSingleton<LinkCards>();
        services.AddHttpClient(LinkCards.ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var options = sp.GetRequiredService<IOptionsMonitor<LinkCardOptions>>();
                return new SocketsHttpHandler
                {
                    // Redirects are followed, each new connection through the guard again.
                    AllowAutoRedirect = true,
                    MaxAutomaticRedirections = 3,
                    UseCookies = false,
                    AutomaticDecompression = System.Net.DecompressionMethods.All,
                    ConnectCallback = (context, ct) => PrivateAddressGuard.ConnectAsync(context, options.CurrentValue.AllowedHosts, ct),
                    ConnectTimeout = options.CurrentValue.Timeout,
                };
            })
            .ConfigureHttpClient(c =>
            {
                c.Timeout = Timeout.InfiniteTimeSpan;
                c.DefaultRequestHeaders.UserAgent.ParseAdd("Byline-LinkCards/1.0");
            });
        return services;
    }
}

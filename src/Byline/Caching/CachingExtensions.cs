using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Byline.Caching;

public static class CachingExtensions
{
    public static IServiceCollection AddBylineCaching(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.Configure<CacheOptions>(config.GetSection(CacheOptions.Section));
        services.AddSingleton<OutputCacheStore>();
        services.AddSingleton<ChromeWatch>();
        services.AddSingleton<SharedPageStore>();
        services.AddSingleton<CompressedStaticFiles>();
        services.AddSingleton<SessionCookieCheck>();
        services.AddHttpClient(CdnPurge.ClientName);
        services.AddSingleton<PurgeUrls>();
        services.AddSingleton<CdnPurge>();
        services.AddHostedService(sp => sp.GetRequiredService<CdnPurge>());
        services.AddHostedService<CacheInvalidation>();
        // A live-blog stream never ends, so the output cache must not hold it (nor make a second reader wait for the first).
        services.PostConfigure<CacheOptions>(o =>
        {
            if (!o.BypassPrefixes.Contains(LiveBlogs.LiveBlogExtensions.StreamPrefix, StringComparer.OrdinalIgnoreCase))
            {
                o.BypassPrefixes = [.. o.BypassPrefixes, LiveBlogs.LiveBlogExtensions.StreamPrefix];
            }
        });
        return services;
    }

    /// <summary>Before routing: a hit, or a compressed static asset, is answered without matching a route or running a page.</summary>
    public static WebApplication UseBylineCache(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<OutputCacheMiddleware>();
        // Stylesheets, scripts and SVG: compressed once at start, served from memory in the coding the
        // reader accepts; linked with a content hash (asp-append-version, "?v="), they are immutable.
        // Other static files follow in UseBylineSite.
        var compressed = app.Services.GetRequiredService<CompressedStaticFiles>();
        app.Use(async (context, next) =>
        {
            if (!await compressed.TryServeAsync(context, immutable: context.Request.Query.ContainsKey("v")))
            {
                await next(context);
            }
        });
        return app;
    }
}

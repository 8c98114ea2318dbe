namespace Byline.Caching;

public static class CachingExtensions
{
    public static IServiceCollection AddBylineCaching(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<CacheOptions>(config.GetSection(CacheOptions.Section));
        services.AddSingleton<OutputCacheStore>();
        services.AddHttpClient(PurgeWebhook.ClientName);
        services.AddSingleton<PurgeWebhook>();
        services.AddHostedService(sp => sp.GetRequiredService<PurgeWebhook>());
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

    /// <summary>Before routing: a hit is answered without matching a route or running a page.</summary>
    public static WebApplication UseBylineCache(this WebApplication app)
    {
        app.UseMiddleware<OutputCacheMiddleware>();
        return app;
    }
}

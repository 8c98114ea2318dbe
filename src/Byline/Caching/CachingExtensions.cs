namespace Byline.Caching;

public static class CachingExtensions
{
    public static IServiceCollection AddBylineCaching(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.Configure<CacheOptions>(config.GetSection(CacheOptions.Section));
        services.AddSingleton<OutputCacheStore>();
        services.AddHttpClient(PurgeWebhook.ClientName);
        services.AddSingleton<PurgeWebhook>();
        services.AddHostedService(sp => sp.GetRequiredService<PurgeWebhook>());
        services.AddHostedService<CacheInvalidation>();
        return services;
    }

    /// <summary>Before routing: a hit is answered without matching a route or running a page.</summary>
    public static WebApplication UseBylineCache(this WebApplication app)
    {
        app.UseMiddleware<OutputCacheMiddleware>();
        return app;
    }
}

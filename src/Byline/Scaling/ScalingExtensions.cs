namespace Byline.Scaling;

public static class ScalingExtensions
{
    /// <summary>
    /// What several nodes of one site share: Redis when <c>Byline:Redis:Configuration</c> is set (cross-node
    /// eviction, live-blog fan-out, shared sign-in limits), else PostgreSQL's LISTEN/NOTIFY to wake the
    /// nodes on each commit of an event. Registered after the content consumers: its boot steps run after
    /// the dispatcher has taken its place.
    /// </summary>
    public static IServiceCollection AddScaling(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.Configure<RedisOptions>(config.GetSection(RedisOptions.Section));
        services.AddSingleton<RedisConnection>();
        services.AddSingleton<SharedRateLimits>();
        services.AddSingleton<Hosting.IBootStep, RedisBoot>();
        services.AddSingleton<Hosting.IBootStep, RedisEventRelay>();
        services.AddSingleton<Hosting.IBootStep, RedisLiveRelay>();
        services.AddHostedService<OutboxListener>();
        return services;
    }
}

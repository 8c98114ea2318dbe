using Byline.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Byline.Events;

public static class EventsExtensions
{
    /// <summary>The outbox writer: the web host and the command line both append events.</summary>
    public static IServiceCollection AddContentEvents(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.Configure<EventsOptions>(config.GetSection(EventsOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ContentEvents>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStorageInterceptor, OutboxTransactions>());
        return services;
    }

    /// <summary>The dispatcher of a web host (started by the host once the database is ready).</summary>
    public static IServiceCollection AddContentEventDispatcher(this IServiceCollection services)
    {
        services.TryAddSingleton<ContentEventDispatcher>();
        return services;
    }

    /// <summary>Registers one consumer; the list of them is in <c>Hosting/ContentConsumers.cs</c>.</summary>
    public static IServiceCollection AddContentConsumer<T>(this IServiceCollection services) where T : class, IContentConsumer
    {
        services.TryAddSingleton<T>();
        services.AddSingleton<IContentConsumer>(sp => sp.GetRequiredService<T>());
        return services;
    }
}

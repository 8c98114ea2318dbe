using System.Text.Encodings.Web;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Byline.Discovery;

public static class DiscoveryExtensions
{
    public static IServiceCollection AddDiscovery(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.AddSingleton(config.GetSection("Byline:Discovery").Get<DiscoveryOptions>() ?? new DiscoveryOptions());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AuditLog>();
        services.AddSingleton<DiscoveryCounters>();
        services.AddSingleton<ViewTokens>();
        services.AddSingleton<ViewGuard>();
        services.AddSingleton<Hosting.IBootStep, ViewTokenBoot>();
        services.AddSingleton<PopularStories>();
        services.AddSingleton<MostSearched>();
        services.AddSingleton<RelatedCache>();
        services.AddScoped<RelatedStories>();
        services.AddHostedService<DiscoveryFlusher>();
        services.AddHostedService<DiscoveryRefresher>();
        // A pasted paragraph in the search box is a long GET; it gets a results page, not a 414.
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o =>
            o.Limits.MaxRequestLineSize = Math.Max(o.Limits.MaxRequestLineSize, 64 * 1024));
        return services;
    }

    /// <summary>
    /// The view beacon (<c>POST /v</c>) and search counting: call it first in the pipeline, before the
    /// output cache, see <see cref="ViewBeacon"/> and <see cref="SearchCounting"/>.
    /// </summary>
    public static WebApplication UseDiscovery(this WebApplication app)
    {
        app.UseMiddleware<ViewBeacon>();
        app.UseMiddleware<SearchCounting>();
        return app;
    }
}

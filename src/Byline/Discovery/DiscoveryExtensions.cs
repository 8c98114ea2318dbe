using System.Text.Encodings.Web;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Search;
using Byline.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Byline.Discovery;

public static class DiscoveryExtensions
{
    /// <summary>The search index of the configured provider; the command line needs it too (seed, search rebuild).</summary>
    public static IServiceCollection AddSearchCore(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var database = config.GetSection("Byline:Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddSingleton(config.GetSection("Byline:Search").Get<SearchOptions>() ?? new SearchOptions());
        if (database.Provider == DatabaseProvider.Postgres)
        {
            services.AddScoped<ISearchIndex, PostgresSearchIndex>();
        }
        else
        {
            services.AddScoped<ISearchIndex, SqliteSearchIndex>();
        }
        services.AddScoped<SearchIndexSync>();
        return services;
    }

    public static IServiceCollection AddDiscovery(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.AddSingleton(config.GetSection("Byline:Discovery").Get<DiscoveryOptions>() ?? new DiscoveryOptions());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ContentEvents>();
        services.TryAddSingleton<AuditLog>();
        services.AddSingleton<DiscoveryCounters>();
        services.AddSingleton<PopularStories>();
        services.AddSingleton<MostSearched>();
        services.AddSingleton<RelatedCache>();
        services.AddScoped<RelatedStories>();
        services.AddScoped<SiteSearch>();
        services.AddHostedService<DiscoveryEventHandler>();
        services.AddHostedService<DiscoveryFlusher>();
        services.AddHostedService<DiscoveryRefresher>();
        // A pasted paragraph in the search box is a long GET; it gets a results page, not a 414.
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o =>
            o.Limits.MaxRequestLineSize = Math.Max(o.Limits.MaxRequestLineSize, 64 * 1024));
        return services;
    }

    /// <summary>The view beacon (<c>POST /v</c>): call it first in the pipeline, see <see cref="ViewBeacon"/>.</summary>
    public static WebApplication UseDiscovery(this WebApplication app)
    {
        app.UseMiddleware<ViewBeacon>();
        return app;
    }
}

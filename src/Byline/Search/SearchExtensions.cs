using Byline.Storage;

namespace Byline.Search;

public static class SearchExtensions
{
    /// <summary>The search index of the configured provider; the command line needs it too (seed, search rebuild, search verify).</summary>
    public static IServiceCollection AddSearch(this IServiceCollection services, IConfiguration config)
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
        services.AddScoped<SearchVerifier>();
        services.AddSingleton<SearchRateLimit>();
        return services;
    }
}

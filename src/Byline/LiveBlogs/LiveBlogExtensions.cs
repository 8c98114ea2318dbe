using System.Globalization;
using Byline.Caching;
using Byline.Content;
using Byline.Newsroom;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Byline.LiveBlogs;

public static class LiveBlogExtensions
{
    public const string StreamPrefix = "/live-updates";

    public static string StreamPath(int articleId) => StreamPrefix + "/" + articleId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The live-blog service, its broadcaster and the newsroom desk page's authorization.</summary>
    public static IServiceCollection AddLiveBlogs(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<LiveBlogFeed>();
        services.AddOptions<StreamLimitOptions>().BindConfiguration(StreamLimitOptions.Section);
        services.TryAddSingleton(new Hosting.ConnectionBudget(null, null));
        services.AddSingleton<StreamGate>();
        services.AddScoped<LiveBlogService>();
        services.AddScoped<LiveBlogReader>();
        // A stream never ends, so the output cache must not hold it (nor make a second reader wait for the first).
        services.PostConfigure<CacheOptions>(o =>
        {
            if (!o.BypassPrefixes.Contains(StreamPrefix, StringComparer.OrdinalIgnoreCase))
            {
                o.BypassPrefixes = [.. o.BypassPrefixes, StreamPrefix];
            }
        });
        services.Configure<RazorPagesOptions>(o => o.Conventions.AuthorizeFolder("/LiveBlogs/Desk", Policies.Newsroom));
        return services;
    }

    /// <summary>The readers' server-sent event stream: <c>GET /live-updates/{id}</c>.</summary>
    public static IEndpointRouteBuilder MapLiveBlogs(this IEndpointRouteBuilder app)
    {
        app.MapGet(StreamPrefix + "/{id:int}", LiveUpdatesStream.ServeAsync).ExcludeFromDescription();
        return app;
    }
}

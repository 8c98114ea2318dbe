using System.Globalization;
using Byline.Content;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Byline.LiveBlogs;

public static class LiveBlogExtensions
{
    public const string StreamPrefix = "/live-updates";

    public static string StreamPath(int articleId) => StreamPrefix + "/" + articleId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The live-blog reader and its broadcaster (the desk and its service are the newsroom's).</summary>
    public static IServiceCollection AddLiveBlogs(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<LiveBlogFeed>();
        services.AddOptions<StreamLimitOptions>().BindConfiguration(StreamLimitOptions.Section);
        services.TryAddSingleton(new Hosting.ConnectionBudget(null, null));
        services.AddSingleton<StreamGate>();
        services.AddScoped<LiveBlogReader>();
        return services;
    }

    /// <summary>The readers' server-sent event stream: <c>GET /live-updates/{id}</c>.</summary>
    public static IEndpointRouteBuilder MapLiveBlogs(this IEndpointRouteBuilder app)
    {
        app.MapGet(StreamPrefix + "/{id:int}", LiveUpdatesStream.ServeAsync).ExcludeFromDescription();
        return app;
    }
}

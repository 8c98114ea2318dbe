using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Byline.Site.Shows;

/// <summary>Video shows, episodes and Live TV: the catalogue, uploaded videos and their routes (docs/video-shows.md).</summary>
public static class ShowsExtensions
{
    public static IServiceCollection AddShows(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var options = new VideoOptions();
        config.GetSection("Byline:Media").Bind(options);
        services.AddSingleton(options);
        services.AddSingleton<VideoFiles>();
        services.AddSingleton<ShowCatalog>();
        services.AddHostedService<ShowCatalogService>();
        // The newsroom previews an episode on the reader's episode page itself (ArticlePage sends episodes here).
        services.Configure<RazorPagesOptions>(o => o.Conventions.AddPageRoute("/Site/Shows/EpisodePage", "/newsroom/stories/{previewId:int}/preview/episode"));
        return services;
    }

    public static IEndpointRouteBuilder MapShows(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/media/{key}/" + VideoFiles.FileName, [HttpMethods.Get, HttpMethods.Head], VideoFiles.Serve)
            .ExcludeFromDescription();
        return app;
    }
}

using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Byline.Site.VisualStories;

/// <summary>Photo stories (in the article page) and web stories (their own reader and stream).</summary>
public static class VisualStoriesExtensions
{
    public const string PreviewRoute = "/newsroom/stories/{previewId:int}/preview/web-story";

    public static IServiceCollection AddVisualStories(this IServiceCollection services)
    {
        services.AddScoped<SlideImages>();
        services.AddScoped<WebStoryQuery>();
        // The newsroom's preview of a web story is the reader page itself on a second route, as for articles.
        services.Configure<RazorPagesOptions>(o => o.Conventions.AddPageRoute("/Site/VisualStories/WebStoryPage", PreviewRoute));
        return services;
    }
}

using Byline.Site.Hubs;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Byline.Site.Shorts;

/// <summary>Short news and topic hubs: their reader pages' services and their newsroom previews (the editor's look-ups are the newsroom's).</summary>
public static class ShortsAndHubsExtensions
{
    public static IServiceCollection AddShortsAndHubs(this IServiceCollection services)
    {
        services.AddScoped<ShortNews>();
        services.AddScoped<HubQuery>();
        services.Configure<RazorPagesOptions>(o =>
        {
            // The article page's preview sends unlisted formats here; same checks as that preview (Policies.Newsroom, no-store, noindex).
            o.Conventions.AddPageRoute("/Site/Shorts/ShortPage", "/newsroom/stories/{previewId:int}/preview/short");
            o.Conventions.AddPageRoute("/Site/Hubs/HubPage", "/newsroom/stories/{previewId:int}/preview/hub");
        });
        return services;
    }
}

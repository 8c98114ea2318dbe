using Byline.Site.Articles;
using Byline.Site.Chrome;
using Byline.Site.Stories;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Byline.Site;

public static class SiteExtensions
{
    public static IServiceCollection AddBylineSite(this IServiceCollection services)
    {
        services.Configure<RouteOptions>(o =>
        {
            // "/{section}/{slug}-{id}" and "/{section}/{sub}" share a shape; the constraint tells them apart.
            o.ConstraintMap["articlekey"] = typeof(ArticleKeyConstraint);
            o.ConstraintMap["staticpage"] = typeof(StaticPageConstraint);
        });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SiteChrome>();
        services.AddHostedService<SiteChromeWarmup>();
        services.AddSingleton<StoryIdCache>();
        services.AddSingleton<PageBoundaries>();
        services.AddSingleton<StoryCardCache>();
        services.AddScoped<StoryLists>();
        services.AddScoped<Discovery.IStoryCards>(sp => sp.GetRequiredService<StoryLists>());
        services.AddScoped<Search.SiteSearch>();
        services.AddScoped<SectionResolver>();
        services.AddScoped<ArticleQuery>();
        return services;
    }

    public static WebApplication UseBylineSite(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Stylesheets, scripts and SVG were answered compressed by Caching (UseBylineCache, just before).
        app.UseStaticFiles(new StaticFileOptions
        {
            // Images and the rest, with the same caching rule.
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = c.Context.Request.Query.ContainsKey("v")
                ? "public, max-age=31536000, immutable"
                : "public, max-age=3600",
        });
        // Routing runs after static files: otherwise "/site.css" would match the "/{section}" page first.
        app.UseRouting();
        return app;
    }
}

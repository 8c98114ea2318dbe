using System.Text.Json;
using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Site.Head;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Byline.Distribution;

/// <summary>Feeds, sitemaps, robots.txt, ads.txt and the web manifest: what the site hands to readers' apps, search engines and ad buyers.</summary>
public static class DistributionExtensions
{
    public static IServiceCollection AddDistribution(this IServiceCollection services)
    {
        services.AddSingleton<PublicAddress>();
        services.TryAddSingleton<ContentEvents>();
        services.AddScoped<FeedQuery>();
        services.AddScoped<SitemapQuery>();
        return services;
    }

    public static IEndpointRouteBuilder MapDistribution(this IEndpointRouteBuilder app)
    {
        app.MapFeeds();
        app.MapSitemaps();
        app.MapMethods("/ads.txt", [HttpMethods.Get, HttpMethods.Head], (HttpContext context, SiteSettingsStore store) =>
        {
            var text = store.Current.AdsTxt;
            DistributionCache.Tag(context, []);
            // No ads.txt at all tells buyers "anyone may sell"; an empty setting should say exactly that.
            if (string.IsNullOrWhiteSpace(text))
            {
                return Results.NotFound();
            }
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Text(text.EndsWith('\n') ? text : text + "\n", "text/plain; charset=utf-8");
        });
        app.MapMethods("/manifest.webmanifest", [HttpMethods.Get, HttpMethods.Head], (HttpContext context, SiteSettingsStore store) =>
        {
            var s = store.Current;
            DistributionCache.Tag(context, [ContentKeys.Settings]);
            context.Response.Headers.CacheControl = "public, max-age=3600";
            var manifest = new
            {
                name = s.PublicationName,
                short_name = ShortName(s.PublicationName),
                description = s.Tagline,
                lang = s.Language,
                start_url = "/",
                scope = "/",
                display = "standalone",
                theme_color = DistributionAssets.ThemeColor,
                background_color = DistributionAssets.BackgroundColor,
                icons = new object[]
                {
                    new { src = DistributionAssets.Icon192, sizes = "192x192", type = "image/png", purpose = "any" },
                    new { src = DistributionAssets.Icon512, sizes = "512x512", type = "image/png", purpose = "any" },
                    new { src = DistributionAssets.IconMaskable512, sizes = "512x512", type = "image/png", purpose = "maskable" },
                },
            };
            return Results.Text(JsonSerializer.Serialize(manifest), "application/manifest+json; charset=utf-8");
        });
        return app;
    }

    /// <summary>A home-screen label of at most 12 characters: "The Byline Times" → "Byline Times" → "Byline".</summary>
    public static string ShortName(string name)
    {
        var words = (name ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (words.Count > 1 && words[0].Equals("The", StringComparison.OrdinalIgnoreCase))
        {
            words.RemoveAt(0);
        }
        while (words.Count > 1 && string.Join(' ', words).Length > 12)
        {
            words.RemoveAt(words.Count - 1);
        }
        var result = string.Join(' ', words);
        return result.Length > 12 ? result[..12] : result;
    }
}

using Byline.Api;
using Byline.Caching;
using Byline.Content;
using Byline.Demo;
using Byline.Distribution;
using Byline.Events;
using Byline.Importing;
using Byline.Discovery;
using Byline.LiveBlogs;
using Byline.Media;
using Byline.Newsletters;
using Byline.Newsroom;
using Byline.Newsroom.Curation;
using Byline.Newsroom.Stories;
using Byline.Publishing;
using Byline.Redirects;
using Byline.Scaling;
using Byline.Search;
using Byline.Site;
using Byline.Site.VisualStories;
using Byline.Site.Shows;
using Byline.Site.Shorts;
using Byline.Storage;
using Byline.Webhooks;
using Byline.Wire;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Byline.Hosting;

public static class BylineHosting
{
    /// <summary>Services shared by the web host and the command line.</summary>
    public static IServiceCollection AddBylineCore(this IServiceCollection services, IConfiguration config)
    {
        // The one clock of the application; features take it by injection (tests swap in a fake, and a
        // stopped one can be asked for in configuration: FixedClock).
        if (FixedClock.FromConfiguration(config) is { } fixedClock)
        {
            services.TryAddSingleton<TimeProvider>(fixedClock);
        }
        services.TryAddSingleton(TimeProvider.System);
        services.AddBylineStorage(config);
        services.AddSingleton<SiteSettingsStore>();
        // Media files: a folder on this node, or a bucket every node shares (Byline:Media:Store).
        services.AddSingleton(sp => Media.MediaStore.Create(config, sp.GetService<ILoggerFactory>()));
        services.AddContentEvents(config);
        services.AddSearch(config);
        return services;
    }

    public static WebApplicationBuilder AddByline(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        builder.AddHardening();
        services.AddBylineCore(builder.Configuration);
        builder.AddDemoContent();
        builder.AddBylineObservability();
        services.AddSingleton<Readiness>();
        services.AddHostedService<StartupTasks>();
        services.AddProblemDetails();
        services.AddHostileInputGuards();
        services.AddRazorPages(o => o.RootDirectory = "/");
        services.AddBylineSite();
        services.AddVisualStories();
        services.AddShortsAndHubs();
        services.AddDistribution();
        builder.AddNewsroom();
        services.AddPublishing(builder.Configuration);
        services.AddMedia(builder.Configuration);
        services.AddDiscovery(builder.Configuration);
        Ads.AdsExtensions.AddAds(services);
        services.AddBylineCaching(builder.Configuration);
        services.AddShows(builder.Configuration);
        services.AddLiveBlogs();
        services.AddWebhooks(builder.Configuration);
        services.AddRedirects();
        services.AddContentApi(builder.Configuration);
        services.AddWire(builder.Configuration);
        services.AddNewsletters(builder.Configuration);
        services.AddImportJobs();
        services.AddContentConsumers();
        services.AddScaling(builder.Configuration);
        return builder;
    }

    public static WebApplication UseByline(this WebApplication app)
    {
        // Forwarded headers, connection limits and security headers first, so the guard checks the forwarded Host and its 4xx carry the headers.
        app.UseHardening();
        app.UseHostileInputGuards();
        app.UseExceptionHandler(HostileInput.ErrorHandling("/error"));
        // The view beacon answers before everything else below (status pages, cache, routing): it is the busiest request.
        app.UseDiscovery();
        app.UseStatusCodePagesWithReExecute("/error/{0}");
        app.MapBylineHealth();
        app.UseMiddleware<ReadinessGate>();
        // Old addresses answer 301 before the output cache: /?p=12 would otherwise be the cached home page.
        app.UseRedirects();
        app.UseBylineCache();
        app.UseBylineSite();
        app.UseNewsroom();
        app.UseLoadShedding();
        app.MapMedia();
        app.MapShows();
        app.MapDistribution();
        app.MapEditorLookups();
        app.MapLinkPicker();
        app.MapLiveBlogs();
        Ads.AdEndpoints.MapAds(app);
        app.MapContentApi();
        app.MapWire();
        app.MapNewsletters();
        app.MapRazorPages();
        return app;
    }
}

/// <summary>Holds requests until start-up has finished, so no page ever renders from a half-built database.</summary>
internal sealed class ReadinessGate(RequestDelegate next, Readiness readiness)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!readiness.IsReady)
        {
            try
            {
                await readiness.WhenReady.WaitAsync(context.RequestAborted);
            }
#pragma warning disable CA1031 // WhenReady faults with whatever stopped start-up; every held request gets a 503
            catch (Exception) when (!context.RequestAborted.IsCancellationRequested)
#pragma warning restore CA1031
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
        }
        await next(context);
    }
}

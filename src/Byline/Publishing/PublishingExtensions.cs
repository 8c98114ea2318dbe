using Byline.Content;
using Byline.Storage;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Byline.Publishing;

public static class PublishingExtensions
{
    /// <summary>The write path of stories: the publishing service and the scheduler.</summary>
    public static IServiceCollection AddPublishing(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AuditLog>();
        services.AddScoped<PublishingService>();
        services.AddMemoryCache();
        services.TryAddSingleton<LinkCardCache>();
        services.AddSingleton(config.GetSection("Byline:Publishing").Get<SchedulerOptions>() ?? new SchedulerOptions());
        services.AddSingleton<ScheduledPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<ScheduledPublisher>());
        // The newsroom's preview of a story is the reader's article page itself, on a second route.
        services.Configure<RazorPagesOptions>(o => o.Conventions.AddPageRoute("/Site/Articles/ArticlePage", "/newsroom/stories/{previewId:int}/preview"));
        return services;
    }
}

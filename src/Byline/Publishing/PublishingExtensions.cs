using Byline.Content;
using Byline.Media;
using Byline.Newsroom;
using Byline.Storage;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Byline.Publishing;

public static class PublishingExtensions
{
    /// <summary>The write path of stories and pictures: the publishing service, the scheduler, the media library.</summary>
    public static IServiceCollection AddPublishing(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ContentEvents>();
        services.TryAddSingleton<AuditLog>();
        services.AddScoped<PublishingService>();
        services.AddSingleton(config.GetSection("Byline:Publishing").Get<SchedulerOptions>() ?? new SchedulerOptions());
        services.AddSingleton(config.GetSection("Byline:Media").Get<MediaOptions>() ?? new MediaOptions());
        services.AddScoped<MediaLibrary>();
        services.AddScoped<Newsroom.Stories.StoryListQuery>();
        services.AddSingleton<ScheduledPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<ScheduledPublisher>());
        // The newsroom's preview of a story is the reader's article page itself, on a second route.
        services.Configure<RazorPagesOptions>(o => o.Conventions.AddPageRoute("/Site/Articles/ArticlePage", "/newsroom/stories/{previewId:int}/preview"));
        return services;
    }

    /// <summary>The editor's JSON look-ups (tag autocomplete, the media picker); writes go through the pages.</summary>
    public static IEndpointRouteBuilder MapPublishing(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/newsroom/api").RequireAuthorization(Policies.Newsroom).ExcludeFromDescription();
        api.MapGet("/tags", SuggestTagsAsync);
        api.MapGet("/media", FindMediaAsync);
        return app;
    }

    private static async Task<IResult> SuggestTagsAsync(string? q, BylineDb db, HttpContext http, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        var term = (q ?? "").Trim();
        if (term.Length is 0 or > 100)
        {
            return Results.Json(Array.Empty<object>());
        }
        var slug = Slugs.From(term, 100);
        // Prefix on the unique slug index, then names containing the term.
        var byPrefix = await db.Tags.Where(t => t.Slug.StartsWith(slug)).OrderBy(t => t.Slug).Take(10)
            .Select(t => new { t.Id, t.Name, t.Slug }).ToListAsync(ct);
        return Results.Json(byPrefix);
    }

    private static async Task<IResult> FindMediaAsync(string? q, int? page, BylineDb db, HttpContext http, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        var images = await MediaQuery.SearchAsync(db, q, Math.Clamp(page ?? 1, 1, 500), 24, ct);
        return Results.Json(images.Items.Select(i => new
        {
            i.Id,
            i.Alt,
            i.Caption,
            i.Credit,
            i.Width,
            i.Height,
            Thumb = MediaPaths.Url(i.Key, MediaPaths.ParseWidths(i.Widths).DefaultIfEmpty(480).Min(), "jpg"),
            // The body picture: the widest rendition up to 800 px.
            Src = MediaPaths.Url(i.Key, MediaPaths.ParseWidths(i.Widths).Where(w => w <= 800).DefaultIfEmpty(MediaPaths.ParseWidths(i.Widths).DefaultIfEmpty(480).Min()).Max(), "jpg"),
        }));
    }
}

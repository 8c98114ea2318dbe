using System.Threading.RateLimiting;
using Byline.Events;
using Byline.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsletters;

public static class NewslettersExtensions
{
    /// <summary>The key of the newsletter sender's wake-up signal (the same kind the webhook sender uses).</summary>
    public const string SignalKey = "newsletters";

    /// <summary>Lists, subscriptions, composition, mail building and the lease-held sender.</summary>
    public static IServiceCollection AddNewsletters(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.AddOptions<NewsletterOptions>().Bind(config.GetSection(NewsletterOptions.Section))
            .Validate(o => o.MessagesPerSecond > 0 && o.LeaseDuration > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero && o.MaxAttempts >= 1
                    && o.ConfirmationLifetime > TimeSpan.Zero && o.SubscribePostsPerWindow >= 1 && o.SmtpTimeout > TimeSpan.Zero,
                $"{NewsletterOptions.Section}: MessagesPerSecond, LeaseDuration, PollInterval, ConfirmationLifetime and SmtpTimeout must be positive, MaxAttempts and SubscribePostsPerWindow at least 1.")
            .ValidateOnStart();
        services.AddKeyedSingleton<WakeSignal>(SignalKey);
        services.AddSingleton<NewsletterLinks>();
        services.AddSingleton<NewsletterMail>();
        services.AddSingleton<SubscribeLimiter>();
        services.AddTransient<NewsletterSmtp>();
        services.AddScoped<NewsletterSubscriptions>();
        services.AddScoped<NewsletterIssues>();
        services.AddHostedService<NewsletterSender>();
        return services;
    }

    /// <summary>
    /// The endpoints mail clients call: the RFC 8058 one-click unsubscribe (a POST with no session and no antiforgery
    /// token — the signed token in the URL is the proof) and the tracking image of lists with open tracking.
    /// </summary>
    public static IEndpointRouteBuilder MapNewsletters(this IEndpointRouteBuilder app)
    {
        app.MapPost("/newsletters/unsubscribe", async (HttpContext context, [FromQuery] string? token, NewsletterLinks links, NewsletterSubscriptions subscriptions, CancellationToken ct) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            if (!links.TryReadManage(token, out var subscriberId, out var listId))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "This unsubscribe link is not valid.",
                    extensions: new Dictionary<string, object?> { ["code"] = "newsletter.link_invalid" });
            }
            await subscriptions.UnsubscribeAsync(subscriberId, listId, ct);
            // A mail client's one-click POST carries List-Unsubscribe=One-Click and wants no page; the button on /newsletters/leave goes on to the reader's preferences.
            var oneClick = !context.Request.HasFormContentType
                || (await context.Request.ReadFormAsync(ct)).ContainsKey("List-Unsubscribe");
            return oneClick
                ? Results.Text("You are unsubscribed.", "text/plain")
                : Results.Redirect("/newsletters/preferences?left=true&token=" + Uri.EscapeDataString(links.ManageToken(subscriberId)), permanent: false, preserveMethod: false);
        }).DisableAntiforgery().AllowAnonymous().ExcludeFromDescription();
        // A reader who opens the List-Unsubscribe URL in a browser: a GET never unsubscribes (link scanners fetch it).
        app.MapGet("/newsletters/unsubscribe", ([FromQuery] string? token) =>
            Results.Redirect("/newsletters/leave?token=" + Uri.EscapeDataString(token ?? ""))).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/newsletter", () => Results.Redirect("/newsletters", permanent: true)).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/newsletters/opened", async (HttpContext context, [FromQuery] string? token, NewsletterLinks links, BylineDb db, TimeProvider clock, CancellationToken ct) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            if (links.TryReadOpen(token, out var deliveryId))
            {
                var now = clock.GetUtcNow().UtcDateTime;
                await db.Set<NewsletterDelivery>().Where(d => d.Id == deliveryId && d.OpenedAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(d => d.OpenedAt, now), ct);
            }
            return Results.Bytes(TransparentGif, "image/gif");
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static readonly byte[] TransparentGif = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");
}

/// <summary>Subscribe form posts per client address in a fixed window; past the limit the form answers 429 and sends nothing.</summary>
public sealed class SubscribeLimiter(Microsoft.Extensions.Options.IOptions<NewsletterOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.SubscribePostsPerWindow,
            Window = options.Value.SubscribeWindow,
            QueueLimit = 0,
        }));

    public bool TryTake(string client)
    {
        using var lease = _limiter.AttemptAcquire(client);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}

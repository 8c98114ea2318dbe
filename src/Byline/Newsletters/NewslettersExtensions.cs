using System.Threading.RateLimiting;
using Byline.Events;
using Byline.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

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
        services.AddScoped<NewsletterBounces>();
        services.AddScoped<NewsletterAdmin>();
        services.AddHostedService<NewsletterSender>();
        services.AddSingleton<NewsletterBounceReader>();
        services.AddHostedService(sp => sp.GetRequiredService<NewsletterBounceReader>());
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
        app.MapPost("/api/v1/newsletters/bounces", BounceWebhookAsync).DisableAntiforgery().AllowAnonymous().ExcludeFromDescription();
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

    public const string SignatureHeader = "X-Byline-Signature";

    /// <summary>The signature a sender puts in <see cref="SignatureHeader"/>: <c>sha256=</c> and the hex HMAC-SHA256 of the body.</summary>
    public static string SignBounce(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), body));

    /// <summary>
    /// <c>POST /api/v1/newsletters/bounces</c>: one raw report message (an RFC 3464 DSN or an RFC 5965 ARF complaint) as
    /// the body, from a provider's webhook or a mail server piping the bounce address to it. Authenticated by the
    /// configured secret (a bearer token or an HMAC of the body); a report posted twice counts once.
    /// </summary>
    private static async Task<IResult> BounceWebhookAsync(HttpRequest request, IOptionsMonitor<NewsletterOptions> options, NewsletterBounces bounces, CancellationToken ct)
    {
        var o = options.CurrentValue;
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        if (string.IsNullOrEmpty(o.BounceWebhookSecret))
        {
            return BounceProblem(StatusCodes.Status404NotFound, "newsletter.bounces_off", "This site takes no bounce reports.");
        }
        if (request.ContentLength > o.MaxBounceReportBytes)
        {
            return BounceProblem(StatusCodes.Status413PayloadTooLarge, "newsletter.bounce_too_large", $"A report may be at most {o.MaxBounceReportBytes:N0} bytes.");
        }
        using var body = new MemoryStream();
        var buffer = new byte[16384];
        int n;
        while ((n = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + n > o.MaxBounceReportBytes)
            {
                return BounceProblem(StatusCodes.Status413PayloadTooLarge, "newsletter.bounce_too_large", $"A report may be at most {o.MaxBounceReportBytes:N0} bytes.");
            }
            body.Write(buffer, 0, n);
        }
        if (!BounceAuthorized(o.BounceWebhookSecret, request, body.GetBuffer().AsSpan(0, (int)body.Length)))
        {
            return BounceProblem(StatusCodes.Status401Unauthorized, "newsletter.bounce_unauthorized", "The request carries neither the bounce secret nor a valid signature of its body.");
        }
        body.Position = 0;
        MimeKit.MimeMessage message;
        try
        {
            message = await MimeKit.MimeMessage.LoadAsync(body, ct);
        }
        catch (FormatException)
        {
            return BounceProblem(StatusCodes.Status400BadRequest, "newsletter.bounce_unreadable", "The body is not a mail message.");
        }
        using (message)
        {
            if (NewsletterBounces.Read(message).Count == 0)
            {
                return BounceProblem(StatusCodes.Status422UnprocessableEntity, "newsletter.bounce_no_report",
                    "The message holds no delivery status notification (multipart/report; report-type=delivery-status) with a failed recipient, nor an abuse feedback report.");
            }
            var outcome = await bounces.RecordAsync(message, "webhook", ct);
            return Results.Ok(outcome);
        }
    }

    private static bool BounceAuthorized(string secret, HttpRequest request, ReadOnlySpan<byte> body)
    {
        var given = request.Headers[SignatureHeader].ToString().Trim();
        if (given.Length > 0)
        {
            return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(SignBounce(secret, body)), System.Text.Encoding.ASCII.GetBytes(given));
        }
        var auth = request.Headers.Authorization.ToString();
        return auth.StartsWith("Bearer ", StringComparison.Ordinal)
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes(auth["Bearer ".Length..].Trim()));
    }

    private static IResult BounceProblem(int status, string code, string title) =>
        Results.Problem(statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });

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

using Byline.Events;
using Byline.Newsroom;
using Microsoft.Extensions.Options;

namespace Byline.Webhooks;

public static class WebhooksExtensions
{
    /// <summary>
    /// Subscriptions, payloads, the sender and its HTTP client. The content consumer that queues deliveries
    /// is listed with the others in <c>Hosting/ContentConsumers.cs</c>.
    /// </summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.AddOptions<WebhookOptions>().Bind(config.GetSection(WebhookOptions.Section))
            .Validate(o => o.Timeout > TimeSpan.Zero && o.MaxAttempts >= 1 && o.MaxConcurrency >= 1 && o.RetryFactor >= 1,
                $"{WebhookOptions.Section}: Timeout must be positive, MaxAttempts and MaxConcurrency at least 1, RetryFactor at least 1.")
            .ValidateOnStart();
        services.AddSingleton<OutboundAddressGuard>();
        services.AddSingleton<WakeSignal>();
        services.AddScoped<WebhookPayloads>();
        services.AddScoped<WebhookSubscriptions>();
        services.AddScoped<INewsroomNotices, WebhookNotices>();
        services.AddHttpClient(WebhookSender.ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                // A redirect is a failed attempt, logged with its target: following it would skip the address guard's view of the URL an admin approved.
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectCallback = sp.GetRequiredService<OutboundAddressGuard>().ConnectAsync,
                ConnectTimeout = sp.GetRequiredService<IOptionsMonitor<WebhookOptions>>().CurrentValue.Timeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                MaxConnectionsPerServer = 64,
            })
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHostedService<WebhookSender>();
        return services;
    }
}

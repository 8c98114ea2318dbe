using Byline.Caching;
using Byline.Discovery;
using Byline.Events;
using Byline.Search;
using Byline.Site.Chrome;
using Byline.Site.Shows;
using Byline.Site.Stories;
using Byline.Webhooks;

namespace Byline.Hosting;

/// <summary>
/// Every consumer of content events, in one place. The dispatcher orders them by stage (data caches,
/// then this process's pages, then the durable ones), never by the order of this list or of the
/// container; see docs/architecture.md "Event flow".
/// </summary>
public static class ContentConsumers
{
    public static IServiceCollection AddContentConsumers(this IServiceCollection services)
    {
        // This process's data caches.
        services.AddContentConsumer<StoryListCachesConsumer>();
        services.AddContentConsumer<RelatedCacheConsumer>();
        services.AddContentConsumer<PopularListsConsumer>();
        services.AddContentConsumer<ShowCatalogConsumer>();
        services.AddContentConsumer<SiteSettingsConsumer>();
        services.AddContentConsumer<Redirects.RedirectTableConsumer>();
        // What changed when, for pages another node rendered (the shared page store; idle without Redis).
        services.AddContentConsumer<PageHistory>();
        // This process's rendered pages (and the chrome they show).
        services.AddContentConsumer<OutputCacheConsumer>();
        // Once per deployment, durable.
        services.AddContentConsumer<SearchIndexConsumer>();
        services.AddContentConsumer<CdnPurgeConsumer>();
        services.AddContentConsumer<WebhookConsumer>();
        services.AddContentEventDispatcher();
        services.AddSingleton<IBootStep, ContentEventsBoot>();
        services.AddSingleton<IOutboxLag, DispatcherLag>();
        services.AddHostedService<ContentEventDelivery>();
        return services;
    }
}

/// <summary>
/// At boot, before the site answers: the dispatcher takes its place in the outbox, so the first save
/// after start-up already evicts this process's caches.
/// </summary>
internal sealed class ContentEventsBoot(ContentEventDispatcher dispatcher) : IBootStep
{
    public Task RunAsync(IServiceProvider services, CancellationToken ct) => dispatcher.InitialiseAsync(ct);
}

/// <summary>The dispatcher's lag for the ready check and the <c>byline.events.lag</c> gauge.</summary>
internal sealed class DispatcherLag(ContentEventDispatcher dispatcher) : IOutboxLag
{
    public async ValueTask<TimeSpan?> GetLagAsync(CancellationToken ct) => dispatcher.Started ? await dispatcher.LagAsync(ct) : null;
}

/// <summary>Starts the dispatcher once start-up has migrated the database, and keeps it running until the host stops.</summary>
internal sealed class ContentEventDelivery(ContentEventDispatcher dispatcher, Readiness readiness, ILogger<ContentEventDelivery> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.WhenReady.WaitAsync(stoppingToken);
            await dispatcher.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping.
        }
        catch (Exception e) when (!readiness.IsReady)
        {
            log.LogWarning(e, "Content events are not delivered: start-up did not finish");
        }
    }
}

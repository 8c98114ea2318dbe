using Byline.Events;

namespace Byline.Site.Shows;

/// <summary>Reloads the show catalogue when a show or an episode changes, before the pages listing shows are evicted.</summary>
public sealed class ShowCatalogConsumer(ShowCatalog catalog) : IContentConsumer
{
    public string Name => "shows";

    public ConsumerStage Stage => ConsumerStage.LocalData;

    public async Task HandleAsync(ContentEventRecord change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (ShowCatalog.Concerns(change))
        {
            await catalog.ReloadAsync(ct);
        }
    }
}

using Byline.Content;
using Byline.Events;

namespace Byline.Site.Chrome;

/// <summary>
/// Reads the settings document again when a change names the settings, so a node that did not make
/// the change (or the command line's) holds what was committed before its pages are evicted.
/// </summary>
public sealed class SiteSettingsConsumer(SiteSettingsStore settings) : IContentConsumer
{
    public string Name => "site-settings";

    public ConsumerStage Stage => ConsumerStage.LocalData;

    public async Task HandleAsync(ContentEventRecord change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Id != 0 && change.Names(ContentKeys.Settings))
        {
            await settings.LoadAsync(ct);
        }
    }
}

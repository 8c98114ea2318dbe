using System.Globalization;
using Byline.Newsroom;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Webhooks;

/// <summary>Tells admins, on every newsroom page, of subscriptions switched off after repeated failures, until one is enabled again or deleted.</summary>
public sealed class WebhookNotices(BylineDb db) : INewsroomNotices
{
    public async Task<IReadOnlyList<NewsroomNotice>> ForAdminsAsync(CancellationToken ct)
    {
        // A handful of subscriptions at most: one small read per admin page.
        var off = await db.Set<WebhookSubscription>().AsNoTracking()
            .Where(s => !s.Enabled && s.DisabledReason != null)
            .OrderBy(s => s.Id).Select(s => new { s.Id, s.Name }).Take(5).ToListAsync(ct);
        return off.Count switch
        {
            0 => [],
            1 => [new NewsroomNotice("webhooks.auto-disabled", $"The webhook \"{off[0].Name}\" was switched off after repeated failed deliveries.",
                string.Create(CultureInfo.InvariantCulture, $"/newsroom/webhooks/{off[0].Id}"))],
            _ => [new NewsroomNotice("webhooks.auto-disabled", $"{off.Count} webhooks were switched off after repeated failed deliveries.", "/newsroom/webhooks")],
        };
    }
}

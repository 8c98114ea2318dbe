using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Byline.Wire;

/// <summary>
/// Prunes wire items received more than <see cref="WireOptions.RetentionDays"/> ago, except those a story used
/// (their link keeps them: the embargo and kill checks, and the desk's "used in" line, need them). Versions and
/// band keys go with their item; quarantine entries age out on the same clock. Safe on several nodes at once.
/// </summary>
public sealed class WireRetention(BylineDb db, IOptionsMonitor<WireOptions> options, TimeProvider clock, ILogger<WireRetention> log)
{
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow().UtcDateTime.AddDays(-Math.Max(1, options.CurrentValue.RetentionDays));
        var links = db.Set<WireStoryLink>();
        var old = db.Set<WireItem>().Where(i => i.ReceivedAt < before && !links.Any(l => l.ItemId == i.Id));
        // Children first, in batches, so neither provider holds a long write lock.
        var total = 0;
        while (true)
        {
            var ids = await old.OrderBy(i => i.Id).Select(i => i.Id).Take(500).ToListAsync(ct);
            if (ids.Count == 0)
            {
                break;
            }
            await db.Set<WireSimKey>().Where(k => ids.Contains(k.ItemId)).ExecuteDeleteAsync(ct);
            await db.Set<WireItemVersion>().Where(v => ids.Contains(v.ItemId)).ExecuteDeleteAsync(ct);
            total += await db.Set<WireItem>().Where(i => ids.Contains(i.Id) && !links.Any(l => l.ItemId == i.Id)).ExecuteDeleteAsync(ct);
        }
        await db.Set<WireQuarantine>().Where(q => q.At < before).ExecuteDeleteAsync(ct);
        if (total > 0)
        {
            log.LogInformation("Wire retention pruned {Count} items received before {Before:O}", total, before);
        }
        return total;
    }
}

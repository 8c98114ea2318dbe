using Byline.Events;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Support;

/// <summary>What the app's writes appended to the outbox, read from the table as any consumer would.</summary>
public static class Outbox
{
    public static Task<long> OutboxHeadAsync(this BylineApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.WithDbAsync(async db => await db.Set<ContentEvent>().MaxAsync(e => (long?)e.Id) ?? 0);
    }

    /// <summary>The events committed after <paramref name="after"/>, in commit order.</summary>
    public static Task<List<ContentEventRecord>> EventsSinceAsync(this BylineApp app, long after)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.WithDbAsync(async db => (await db.Set<ContentEvent>().AsNoTracking().Where(e => e.Id > after).OrderBy(e => e.Id).ToListAsync())
            .Select(ContentEventRecord.From).ToList());
    }
}

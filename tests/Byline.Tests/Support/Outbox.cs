using Byline.Events;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Support;

/// <summary>What the app's writes appended to the outbox, read from the table as any consumer would.</summary>
public static class Outbox
{
    public static Task<long> OutboxHeadAsync(this BylineApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.WithDbAsync(async db => await db.Set<ContentEvent>().MaxAsync(e => (long?)e.Id) ?? 0);
    }

    /// <summary>True when the search index holds an entry for the story.</summary>
    public static async Task<bool> IndexedAsync(this BylineApp app, int articleId)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var scope = app.Services.CreateAsyncScope();
        var index = scope.ServiceProvider.GetRequiredService<Byline.Search.ISearchIndex>();
        return (await index.ReadEntriesAsync(articleId - 1, 1, CancellationToken.None)).Any(e => e.ArticleId == articleId);
    }

    /// <summary>The events committed after <paramref name="after"/>, in commit order.</summary>
    public static Task<List<ContentEventRecord>> EventsSinceAsync(this BylineApp app, long after)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.WithDbAsync(async db => (await db.Set<ContentEvent>().AsNoTracking().Where(e => e.Id > after).OrderBy(e => e.Id).ToListAsync())
            .Select(ContentEventRecord.From).ToList());
    }
}

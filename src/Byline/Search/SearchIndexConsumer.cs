using Byline.Content;
using Byline.Events;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Search;

/// <summary>
/// Keeps the search index in step with the stories: a change naming a story re-indexes it (published →
/// upsert, otherwise removed); a batch naming several stories (an import) re-indexes just those, even though
/// it also names their tags and authors; a renamed tag or author, which every story carrying it indexes by
/// name, re-indexes those stories. Durable: a crash between a commit and this leaves the event for the next start.
/// </summary>
public sealed class SearchIndexConsumer(IServiceScopeFactory scopes, ILogger<SearchIndexConsumer> log) : IContentConsumer
{
    /// <summary>Stories re-indexed for one renamed tag or author at most; past it `search verify` repairs the rest.</summary>
    internal const int MaxFollowers = 5_000;

    public string Name => "search-index";

    public ConsumerStage Stage => ConsumerStage.Durable;

    /// <summary>An editor who publishes and then searches finds the story.</summary>
    public bool InStepWithSaves => true;

    /// <summary>
    /// Not for a story no reader sees before or after the change (a draft's autosave): it is not in the
    /// reader search either way, so the save does not wait; the event still reaches the index in the background.
    /// </summary>
    public bool InStepWith(ContentEventRecord change) => change is not null && !change.OnlyUnseenStory;

    public async Task HandleAsync(ContentEventRecord change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var scope = scopes.CreateAsyncScope();
        var sync = scope.ServiceProvider.GetRequiredService<SearchIndexSync>();
        if (change.ArticleId is int id)
        {
            await sync.SyncAsync(id, ct);
            return;
        }
        // The tags and authors of a batch of stories are named for their pages, not because they changed:
        // following them would re-index every older story under them once per batch.
        var batch = ContentKeys.IdsOf(change.Keys, "article:");
        if (batch.Count > 0)
        {
            foreach (var story in batch)
            {
                await sync.SyncAsync(story, ct);
            }
            return;
        }
        var tags = ContentKeys.IdsOf(change.Keys, "tag:");
        var authors = ContentKeys.IdsOf(change.Keys, "author:");
        if (tags.Count == 0 && authors.Count == 0)
        {
            return;
        }
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var stories = await db.ArticleTags.AsNoTracking().Where(t => tags.Contains(t.TagId)).Select(t => t.ArticleId)
            .Union(db.ArticleAuthors.AsNoTracking().Where(a => authors.Contains(a.AuthorId)).Select(a => a.ArticleId))
            .Take(MaxFollowers + 1).ToListAsync(ct);
        if (stories.Count > MaxFollowers)
        {
            log.LogWarning("Search: {Reason} touches more than {Max} stories; re-indexing the first {Max} (run `search verify` for the rest)", change.Reason, MaxFollowers, MaxFollowers);
        }
        foreach (var story in stories.Take(MaxFollowers))
        {
            await sync.SyncAsync(story, ct);
        }
    }
}

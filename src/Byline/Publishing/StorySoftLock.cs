using Byline.Content;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Publishing;

/// <summary>
/// The rule of a story's soft lock, kept where story writes are made so that an autosave can take
/// or refresh the lock in the transaction of its own save (one commit, and a save never lands after
/// the lock went to someone else). The newsroom's collaboration (presence, take-over, release) uses
/// the same rule.
/// </summary>
internal static class StorySoftLock
{
    /// <summary>A lock whose holder has not beaten for this long is free for the next person who types.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Takes the lock if nobody holds it (or the holder went quiet), or refreshes it if
    /// <paramref name="userId"/> holds it, inside <paramref name="db"/>'s open transaction when it has one.
    /// True when the account holds it after.
    /// </summary>
    public static async Task<bool> HoldAsync(BylineDb db, int articleId, int userId, DateTime now, CancellationToken ct)
    {
        var stale = now - Window;
        // Mine, or gone quiet: one conditional update, so two nodes cannot both win it.
        if (await db.StoryLocks.Where(l => l.ArticleId == articleId && (l.UserId == userId || l.BeatAt < stale))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(l => l.Since, l => l.UserId == userId ? l.Since : now)
                    .SetProperty(l => l.UserId, userId)
                    .SetProperty(l => l.BeatAt, now), ct) > 0)
        {
            return true;
        }
        if (await db.StoryLocks.AnyAsync(l => l.ArticleId == articleId, ct))
        {
            return false;
        }
        await db.InsertQuietlyAsync(new StoryLock { ArticleId = articleId, UserId = userId, Since = now, BeatAt = now }, ct);
        return await db.StoryLocks.AnyAsync(l => l.ArticleId == articleId && l.UserId == userId, ct);
    }
}

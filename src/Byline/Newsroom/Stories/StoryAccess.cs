using System.Security.Claims;
using Byline.Content;
using Byline.Newsroom.Accounts;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Stories;

/// <summary>
/// Which stories a newsroom account may see. Editors and admins see every story. A contributor sees
/// their own stories, published ones, and those an editor shared with them (<see cref="StoryShare"/>);
/// not other people's drafts, stories in review, embargoed scheduled stories or unpublished ones.
/// A published story's revisions can hold what was cut before publication, so a contributor sees the
/// revisions (and compares) of their own and shared stories only. Every newsroom route that shows a
/// story asks here; a story the account may not see answers 404, as if it did not exist.
/// </summary>
public sealed class StoryAccess(BylineDb db) : Site.IPreviewAccess
{
    /// <summary>The stories <paramref name="user"/> may see, as a filter on any story query.</summary>
    public IQueryable<Article> Visible(IQueryable<Article> stories, ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(stories);
        ArgumentNullException.ThrowIfNull(user);
        if (user.IsEditor())
        {
            return stories;
        }
        var me = user.UserId() ?? -1;
        return stories.Where(a => a.Status == ArticleStatus.Published || a.CreatedById == me
                                  || db.StoryShares.Any(s => s.ArticleId == a.Id && s.UserId == me));
    }

    public Task<bool> CanSeeAsync(int storyId, ClaimsPrincipal user, CancellationToken ct) =>
        Visible(db.Articles.AsNoTracking().Where(a => a.Id == storyId), user).AnyAsync(ct);

    /// <summary>Revisions and their comparison: editors, the story's creator, and contributors it was shared with.</summary>
    public Task<bool> CanSeeHistoryAsync(int storyId, ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.IsEditor())
        {
            return db.Articles.AnyAsync(a => a.Id == storyId, ct);
        }
        var me = user.UserId() ?? -1;
        return db.Articles.AnyAsync(a => a.Id == storyId
            && (a.CreatedById == me || db.StoryShares.Any(s => s.ArticleId == a.Id && s.UserId == me)), ct);
    }

    /// <summary>The contributors a story is shared with (for the editor's share panel).</summary>
    public async Task<IReadOnlyList<ShareRow>> SharesAsync(int storyId, CancellationToken ct) =>
        await db.StoryShares.Where(s => s.ArticleId == storyId)
            .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new { u.Id, u.DisplayName, u.Email, s.SharedAt })
            .OrderBy(r => r.DisplayName)
            .Select(r => new ShareRow(r.Id, r.DisplayName, r.Email ?? "", r.SharedAt))
            .ToListAsync(ct);

    /// <summary>Enabled contributors a story could be shared with (editors see every story anyway).</summary>
    public async Task<IReadOnlyList<ShareRow>> ContributorsAsync(CancellationToken ct)
    {
        var roleId = await db.Roles.Where(r => r.Name == Roles.Contributor).Select(r => r.Id).FirstOrDefaultAsync(ct);
        return await db.UserRoles.Where(ur => ur.RoleId == roleId)
            .Join(db.Users, ur => ur.UserId, u => u.Id, (ur, u) => u)
            .Where(u => !u.IsDisabled)
            .OrderBy(u => u.DisplayName)
            .Select(u => new ShareRow(u.Id, u.DisplayName, u.Email ?? "", null))
            .ToListAsync(ct);
    }
}

public sealed record ShareRow(int UserId, string Name, string Email, DateTime? SharedAt);
